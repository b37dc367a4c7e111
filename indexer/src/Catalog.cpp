#include "Catalog.h"

#include <algorithm>

namespace mcr::index::detail {

std::optional<Catalog::Ref> Catalog::find(Label label) const {
  return labelIndex_.find(label, [&](uint32_t ref) { return slots_[ref].label == label; });
}

std::optional<Catalog::Ref> Catalog::findKey(const PackedString& key) const {
  return keyIndex_.find(key.hash(), [&](uint32_t ref) { return slots_[ref].key == key; });
}

std::optional<Label> Catalog::labelOfKey(const std::string& key) const {
  if (key.empty()) return std::nullopt;
  const auto ref = findKey(PackedString(key));
  if (!ref) return std::nullopt;
  return slots_[*ref].label;
}

void Catalog::reserve(std::size_t records) {
  if (records > slots_.capacity()) slots_.reserve(records);
  labelIndex_.reserve(records, [&](uint32_t ref) { return labelHash(ref); });
  keyIndex_.reserve(records, [&](uint32_t ref) { return keyHash(ref); });
}

void Catalog::link(Ref ref, Role role) {
  const StringPool::Id id = idOf(slots_[ref], role);
  if (id == StringPool::kEmpty) return;
  const uint32_t node = ref * kRoles + role;
  uint32_t& head = strings_.listHead(id);
  slots_[ref].prev[role] = kNoNode;
  slots_[ref].next[role] = head;
  if (head != kNoNode) slots_[head / kRoles].prev[head % kRoles] = node;
  head = node;
}

void Catalog::unlink(Ref ref, Role role) {
  const StringPool::Id id = idOf(slots_[ref], role);
  if (id == StringPool::kEmpty) return;
  Slot& slot = slots_[ref];
  const uint32_t prev = slot.prev[role], next = slot.next[role];
  if (prev == kNoNode) {
    strings_.listHead(id) = next;
  } else {
    slots_[prev / kRoles].next[prev % kRoles] = next;
  }
  if (next != kNoNode) slots_[next / kRoles].prev[next % kRoles] = prev;
  slot.prev[role] = slot.next[role] = kNoNode;
}

void Catalog::put(Label label, const Record& record) {
  const std::string& keyText = record.key(space_);
  if (keyText.empty()) throw IndexError(std::string(toString(space_)) + " record without a key");
  if (label >= kMaxLabel) throw IndexError("label " + std::to_string(label) + " out of range");
  erase(label);
  PackedString key(keyText);
  if (findKey(key)) throw IndexError("key '" + keyText + "' already has another label");

  Ref ref;
  if (!freeSlots_.empty()) {
    ref = freeSlots_.back();
    freeSlots_.pop_back();
  } else {
    if (slots_.size() >= (kNoNode - 1) / kRoles) throw IndexError("catalog is full");
    if (slots_.size() == slots_.capacity()) {
      slots_.reserve(slots_.size() + std::max<std::size_t>(slots_.size() / 2, 1024));  // grow by half, not double
    }
    ref = static_cast<Ref>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[ref];
  slot.label = label;
  slot.indexedAtUnix = record.indexedAtUnix;
  slot.key = std::move(key);
  slot.sopInstanceUid = PackedString(record.sopInstanceUid);
  heapBytes_ += slot.key.heapBytes() + slot.sopInstanceUid.heapBytes();
  const bool studies = space_ == Space::Studies;
  slot.patient = strings_.acquire(record.patient);
  slot.study = studies ? StringPool::kEmpty : strings_.acquire(record.study);
  slot.series = strings_.acquire(record.series);
  slot.instance = studies ? strings_.acquire(record.instance) : StringPool::kEmpty;
  slot.studyDate = strings_.acquire(record.studyDate);
  slot.modality = strings_.acquire(record.modality);
  for (Role role : {kPatientRole, kStudyRole, kSeriesRole}) {
    if (linksRole(role)) link(ref, role);
  }
  labelIndex_.insert(ref, label, [&](uint32_t other) { return labelHash(other); });
  keyIndex_.insert(ref, slot.key.hash(), [&](uint32_t other) { return keyHash(other); });
}

void Catalog::erase(Label label) {
  const auto found = find(label);
  if (!found) return;
  const Ref ref = *found;
  labelIndex_.erase(ref, label, [&](uint32_t other) { return labelHash(other); });
  keyIndex_.erase(ref, keyHash(ref), [&](uint32_t other) { return keyHash(other); });
  for (Role role : {kPatientRole, kStudyRole, kSeriesRole}) {
    if (linksRole(role)) unlink(ref, role);
  }
  Slot& slot = slots_[ref];
  for (StringPool::Id id : {slot.patient, slot.study, slot.series, slot.instance, slot.studyDate, slot.modality}) {
    strings_.release(id);
  }
  heapBytes_ -= slot.key.heapBytes() + slot.sopInstanceUid.heapBytes();
  slot = Slot();
  freeSlots_.push_back(ref);
}

Record Catalog::recordAt(Ref ref) const {
  const Slot& slot = slots_[ref];
  Record r;
  r.patient = strings_.text(slot.patient);
  r.study = strings_.text(slot.study);
  r.series = strings_.text(slot.series);
  r.instance = strings_.text(slot.instance);
  r.sopInstanceUid = slot.sopInstanceUid.str();
  r.studyDate = strings_.text(slot.studyDate);
  r.modality = strings_.text(slot.modality);
  r.indexedAtUnix = slot.indexedAtUnix;
  (space_ == Space::Studies ? r.study : r.instance) = slot.key.str();
  return r;
}

std::optional<Record> Catalog::record(Label label) const {
  const auto ref = find(label);
  if (!ref) return std::nullopt;
  return recordAt(*ref);
}

std::vector<Label> Catalog::labelsOf(const std::string& orthancId) const {
  std::vector<Label> labels;
  if (orthancId.empty()) return labels;
  if (auto key = labelOfKey(orthancId)) labels.push_back(*key);
  if (const auto id = strings_.find(orthancId); id && *id != StringPool::kEmpty) {
    for (uint32_t node = strings_.listHead(*id); node != kNoNode;) {
      const Slot& slot = slots_[node / kRoles];
      labels.push_back(slot.label);
      node = slot.next[node % kRoles];
    }
  }
  // A record can refer to the id in several roles (and as its key): list it once.
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  return labels;
}

CompiledFilter Catalog::compile(const Filter& f) const {
  CompiledFilter c;
  c.empty = filterIsEmpty(f);
  if (f.modality) {
    c.modality = strings_.find(*f.modality);
    if (!c.modality) c.matchesNothing = true;  // no record has this modality
  }
  c.dateFrom = f.dateFrom;
  c.dateTo = f.dateTo;
  // An id no record has excludes nothing.
  if (f.excludePatient) c.excludePatient = strings_.find(*f.excludePatient);
  if (f.excludeStudy) {
    if (space_ == Space::Studies) {
      c.excludeStudyKey.emplace(*f.excludeStudy);
    } else {
      c.excludeStudy = strings_.find(*f.excludeStudy);
    }
  }
  return c;
}

bool Catalog::passes(Ref ref, const CompiledFilter& f) const {
  if (f.empty) return true;
  if (f.matchesNothing) return false;
  const Slot& slot = slots_[ref];
  if (f.modality && slot.modality != *f.modality) return false;
  if (f.dateFrom || f.dateTo) {
    // YYYYMMDD compares as text; a record without a date fails any date bound.
    const std::string date = strings_.text(slot.studyDate);
    if (date.empty()) return false;
    if (f.dateFrom && date < *f.dateFrom) return false;
    if (f.dateTo && date > *f.dateTo) return false;
  }
  if (f.excludePatient && slot.patient == *f.excludePatient) return false;
  if (f.excludeStudy && slot.study == *f.excludeStudy) return false;
  if (f.excludeStudyKey && slot.key == *f.excludeStudyKey) return false;
  return true;
}

void Catalog::check(std::vector<std::string>& problems) const {
  const std::string where = std::string(toString(space_)) + ": ";
  std::size_t live = 0;
  std::vector<uint32_t> listed(slots_.size(), 0);  // per slot: roles reached from a list head
  for (Ref ref = 0; ref < slots_.size(); ++ref) {
    const Slot& slot = slots_[ref];
    if (slot.label == kFreeSlot) continue;
    ++live;
    const auto byLabel = find(slot.label);
    if (!byLabel || *byLabel != ref) problems.push_back(where + "label " + std::to_string(slot.label) + " is not indexed");
    const std::string key = slot.key.str();
    if (key.empty()) problems.push_back(where + "label " + std::to_string(slot.label) + " has an empty key");
    const auto byKey = findKey(slot.key);
    if (!byKey || *byKey != ref) problems.push_back(where + "key '" + key + "' points at a wrong record");
    for (StringPool::Id id : {slot.patient, slot.study, slot.series, slot.instance, slot.studyDate, slot.modality}) {
      if (id != StringPool::kEmpty && !strings_.isLive(id)) {
        problems.push_back(where + "record '" + key + "' refers to a freed interned id");
      }
    }
  }
  if (live != labelIndex_.size() || live != keyIndex_.size() || live + freeSlots_.size() != slots_.size()) {
    problems.push_back(where + std::to_string(live) + " records but " + std::to_string(labelIndex_.size()) +
                       " labels and " + std::to_string(keyIndex_.size()) + " keys indexed (duplicate keys?)");
  }
  // Reverse map: walk every list from its head; each linked role of each record once.
  for (Ref ref = 0; ref < slots_.size(); ++ref) {
    const Slot& slot = slots_[ref];
    if (slot.label == kFreeSlot) continue;
    for (Role role : {kPatientRole, kStudyRole, kSeriesRole}) {
      const StringPool::Id id = idOf(slot, role);
      if (!linksRole(role) || id == StringPool::kEmpty || slot.prev[role] != kNoNode) continue;
      if (strings_.listHead(id) != ref * kRoles + role) {
        problems.push_back(where + "resource '" + strings_.text(id) + "' does not list label " + std::to_string(slot.label));
      }
    }
  }
  for (StringPool::Id id = 0; id < strings_.idCount(); ++id) {
    if (!strings_.isLive(id)) continue;
    std::size_t steps = 0;
    for (uint32_t node = strings_.listHead(id), prev = kNoNode; node != kNoNode; prev = node, node = slots_[node / kRoles].next[node % kRoles]) {
      const Ref ref = node / kRoles;
      const auto role = static_cast<Role>(node % kRoles);
      if (ref >= slots_.size() || slots_[ref].label == kFreeSlot || idOf(slots_[ref], role) != id ||
          slots_[ref].prev[role] != prev || ++steps > slots_.size() * kRoles) {
        problems.push_back(where + "the record list of resource '" + strings_.text(id) + "' is damaged");
        break;
      }
      ++listed[ref];
    }
  }
  for (Ref ref = 0; ref < slots_.size(); ++ref) {
    const Slot& slot = slots_[ref];
    if (slot.label == kFreeSlot) continue;
    uint32_t expected = 0;
    for (Role role : {kPatientRole, kStudyRole, kSeriesRole}) expected += linksRole(role) && idOf(slot, role) != StringPool::kEmpty;
    if (listed[ref] != expected) {
      problems.push_back(where + "label " + std::to_string(slot.label) + " is listed under " + std::to_string(listed[ref]) +
                         " of its " + std::to_string(expected) + " resources");
    }
  }
  strings_.check(where, problems);
}

std::size_t Catalog::memoryBytes() const {
  return slots_.capacity() * sizeof(Slot) + freeSlots_.capacity() * sizeof(Ref) + labelIndex_.memoryBytes() +
         keyIndex_.memoryBytes() + strings_.memoryBytes() + heapBytes_;
}

void Catalog::toProto(pb::SpaceCatalog& out) const {
  out.set_space(detail::toProto(space_));
  out.mutable_entries()->Reserve(static_cast<int>(size()));
  forEach([&](Ref ref) {
    auto* entry = out.add_entries();
    entry->set_label(slots_[ref].label);
    detail::toProto(recordAt(ref), *entry->mutable_record());
  });
}

bool filterIsEmpty(const Filter& f) {
  return !f.modality && !f.dateFrom && !f.dateTo && !f.excludePatient && !f.excludeStudy;
}

pb::SpaceId toProto(Space space) {
  switch (space) {
    case Space::Images: return pb::IMAGES;
    case Space::Reports: return pb::REPORTS;
    case Space::Studies: return pb::STUDIES;
  }
  return pb::IMAGES;
}

Space fromProto(pb::SpaceId space) {
  switch (space) {
    case pb::IMAGES: return Space::Images;
    case pb::REPORTS: return Space::Reports;
    case pb::STUDIES: return Space::Studies;
    default: break;
  }
  throw IndexError("unknown space id " + std::to_string(static_cast<int>(space)));
}

void toProto(const Record& r, pb::Record& out) {
  out.set_patient(r.patient);
  out.set_study(r.study);
  out.set_series(r.series);
  out.set_instance(r.instance);
  out.set_sop_instance_uid(r.sopInstanceUid);
  out.set_study_date(r.studyDate);
  out.set_modality(r.modality);
  out.set_indexed_at_unix(r.indexedAtUnix);
}

Record fromProto(const pb::Record& p) {
  Record r;
  r.patient = p.patient();
  r.study = p.study();
  r.series = p.series();
  r.instance = p.instance();
  r.sopInstanceUid = p.sop_instance_uid();
  r.studyDate = p.study_date();
  r.modality = p.modality();
  r.indexedAtUnix = p.indexed_at_unix();
  return r;
}

}  // namespace mcr::index::detail
