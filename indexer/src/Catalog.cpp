#include "Catalog.h"

namespace mcr::index::detail {

namespace {
// The ids of a record that go into the reverse map (its key is found through byKey_).
std::vector<const std::string*> reverseIds(Space space, const Record& r) {
  std::vector<const std::string*> ids{&r.patient};
  if (space != Space::Studies) {
    ids.push_back(&r.study);
    ids.push_back(&r.series);
  }
  return ids;
}
}  // namespace

void Catalog::link(const std::string& id, Label label) {
  if (!id.empty()) byResource_[id].insert(label);
}

void Catalog::unlink(const std::string& id, Label label) {
  if (id.empty()) return;
  auto found = byResource_.find(id);
  if (found == byResource_.end()) return;
  found->second.erase(label);
  if (found->second.empty()) byResource_.erase(found);
}

void Catalog::put(Label label, const Record& record) {
  erase(label);
  auto& stored = byLabel_[label] = record;
  byKey_[stored.key(space_)] = label;
  for (const std::string* id : reverseIds(space_, stored)) link(*id, label);
}

void Catalog::erase(Label label) {
  auto found = byLabel_.find(label);
  if (found == byLabel_.end()) return;
  const Record& old = found->second;
  auto key = byKey_.find(old.key(space_));
  if (key != byKey_.end() && key->second == label) byKey_.erase(key);
  for (const std::string* id : reverseIds(space_, old)) unlink(*id, label);
  byLabel_.erase(found);
}

const Record* Catalog::record(Label label) const {
  auto found = byLabel_.find(label);
  return found == byLabel_.end() ? nullptr : &found->second;
}

std::optional<Label> Catalog::labelOfKey(const std::string& key) const {
  auto found = byKey_.find(key);
  if (found == byKey_.end()) return std::nullopt;
  return found->second;
}

std::vector<Label> Catalog::labelsOf(const std::string& orthancId) const {
  std::vector<Label> labels;
  if (orthancId.empty()) return labels;
  if (auto key = labelOfKey(orthancId)) labels.push_back(*key);
  auto found = byResource_.find(orthancId);
  if (found != byResource_.end()) {
    for (Label label : found->second) {
      if (labels.empty() || labels.front() != label) labels.push_back(label);
    }
  }
  return labels;
}

void Catalog::check(std::vector<std::string>& problems) const {
  const std::string where = std::string(toString(space_)) + ": ";
  if (byKey_.size() != byLabel_.size()) {
    problems.push_back(where + std::to_string(byLabel_.size()) + " records but " +
                       std::to_string(byKey_.size()) + " keys (duplicate keys)");
  }
  for (const auto& [key, label] : byKey_) {
    const Record* r = record(label);
    if (!r || r->key(space_) != key) problems.push_back(where + "key '" + key + "' points at a wrong record");
  }
  for (const auto& [label, r] : byLabel_) {
    if (r.key(space_).empty()) problems.push_back(where + "label " + std::to_string(label) + " has an empty key");
    for (const std::string* id : reverseIds(space_, r)) {
      if (id->empty()) continue;
      auto found = byResource_.find(*id);
      if (found == byResource_.end() || !found->second.count(label)) {
        problems.push_back(where + "resource '" + *id + "' does not list label " + std::to_string(label));
      }
    }
  }
}

void Catalog::toProto(pb::SpaceCatalog& out) const {
  out.set_space(detail::toProto(space_));
  out.mutable_entries()->Reserve(static_cast<int>(byLabel_.size()));
  for (const auto& [label, r] : byLabel_) {
    auto* entry = out.add_entries();
    entry->set_label(label);
    detail::toProto(r, *entry->mutable_record());
  }
}

bool filterIsEmpty(const Filter& f) {
  return !f.modality && !f.dateFrom && !f.dateTo && !f.excludePatient && !f.excludeStudy;
}

bool matches(const Record& r, const Filter& f) {
  if (f.modality && r.modality != *f.modality) return false;
  // YYYYMMDD compares as text; a record without a date fails any date bound.
  if (f.dateFrom && (r.studyDate.empty() || r.studyDate < *f.dateFrom)) return false;
  if (f.dateTo && (r.studyDate.empty() || r.studyDate > *f.dateTo)) return false;
  if (f.excludePatient && r.patient == *f.excludePatient) return false;
  if (f.excludeStudy && r.study == *f.excludeStudy) return false;
  return true;
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
