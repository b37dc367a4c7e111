#pragma once
// The catalog of one space: HNSW label -> Record, the key (instance or study id) -> label,
// and the reverse map from the other Orthanc ids (patient, study, series) to labels, so
// that deleting any Orthanc resource finds all its vectors. Not thread-safe by itself;
// const members may run concurrently.
//
// Memory (docs/indexer.md, "catalog memory"): one fixed 112-byte slot per record in a flat
// array; the key and the SOP Instance UID as PackedStrings (an Orthanc id in 20 bytes,
// inline); the other ids, the date and the modality interned in a StringPool (4 bytes per
// field, each distinct string stored once); label -> slot and key -> slot through
// open-addressing indexes of 4-byte buckets; the reverse map as intrusive doubly-linked
// lists threaded through the slots (O(1) unlink however many records share a patient).
// The on-disk form (pb::SpaceCatalog) is the same as with the std::unordered_map catalog
// that preceded it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "PackedString.h"
#include "SlotHashIndex.h"
#include "StringPool.h"
#include "mcr/index/VectorIndex.h"
#include "mcr_index.pb.h"

namespace mcr::index::detail {

using Label = uint64_t;
// Labels are assigned densely by the index; larger ones only come from damaged files.
constexpr Label kMaxLabel = Label{1} << 40;

// A filter resolved against one catalog's interned strings, so that testing a record
// compares 32-bit ids instead of strings (Catalog::compile).
struct CompiledFilter {
  bool empty = true;
  bool matchesNothing = false;  // e.g. a modality no record has
  std::optional<StringPool::Id> modality;
  std::optional<std::string> dateFrom, dateTo;
  std::optional<StringPool::Id> excludePatient;
  std::optional<StringPool::Id> excludeStudy;  // images, reports
  std::optional<PackedString> excludeStudyKey;  // studies space: the study is the key
};

class Catalog {
 public:
  // A record's place in the catalog; valid until the next non-const call.
  using Ref = uint32_t;

  explicit Catalog(Space space) : space_(space) {}

  Space space() const { return space_; }
  std::size_t size() const { return labelIndex_.size(); }
  // Sets the record of `label`, replacing what it had (and its reverse-map entries).
  // Throws IndexError for an empty key, a label >= kMaxLabel, or a key held by another label.
  void put(Label label, const Record& record);
  void erase(Label label);
  void reserve(std::size_t records);

  std::optional<Ref> find(Label label) const;
  bool contains(Label label) const { return find(label).has_value(); }
  std::optional<Record> record(Label label) const;
  Record recordAt(Ref ref) const;
  Label label(Ref ref) const { return slots_[ref].label; }
  std::string key(Ref ref) const { return slots_[ref].key.str(); }
  std::optional<Label> labelOfKey(const std::string& key) const;
  // Every label whose patient, study, series or instance is `orthancId` (each once).
  std::vector<Label> labelsOf(const std::string& orthancId) const;
  // fn(Ref) for every record, in slot order.
  template <typename Fn>
  void forEach(Fn fn) const {
    for (Ref ref = 0; ref < slots_.size(); ++ref) {
      if (slots_[ref].label != kFreeSlot) fn(ref);
    }
  }

  CompiledFilter compile(const Filter& filter) const;
  bool passes(Ref ref, const CompiledFilter& filter) const;

  // Internal consistency of the slots, indexes, lists and interned strings; appends problems.
  void check(std::vector<std::string>& problems) const;
  std::size_t memoryBytes() const;
  void toProto(pb::SpaceCatalog& out) const;

 private:
  // Resources whose records are linked into a list of the interned id (the reverse map).
  enum Role : uint32_t { kPatientRole = 0, kStudyRole = 1, kSeriesRole = 2, kRoles = 3 };
  static constexpr Label kFreeSlot = UINT64_MAX;
  static constexpr uint32_t kNoNode = StringPool::kNoRecord;

  struct Slot {
    Label label = kFreeSlot;
    int64_t indexedAtUnix = 0;
    PackedString key;             // record.key(space)
    PackedString sopInstanceUid;  // unique per instance: not worth interning
    // Interned; the field that is the key is kEmpty here (the key holds it).
    StringPool::Id patient = StringPool::kEmpty, study = StringPool::kEmpty, series = StringPool::kEmpty,
                   instance = StringPool::kEmpty, studyDate = StringPool::kEmpty, modality = StringPool::kEmpty;
    // Reverse-map lists, per role: nodes are slot * kRoles + role.
    uint32_t prev[kRoles] = {kNoNode, kNoNode, kNoNode};
    uint32_t next[kRoles] = {kNoNode, kNoNode, kNoNode};
  };
  static_assert(sizeof(Slot) == 112);

  bool linksRole(Role role) const { return role == kPatientRole || space_ != Space::Studies; }
  StringPool::Id idOf(const Slot& slot, Role role) const {
    return role == kPatientRole ? slot.patient : role == kStudyRole ? slot.study : slot.series;
  }
  void link(Ref ref, Role role);
  void unlink(Ref ref, Role role);
  uint64_t labelHash(Ref ref) const { return slots_[ref].label; }
  uint64_t keyHash(Ref ref) const { return slots_[ref].key.hash(); }
  std::optional<Ref> findKey(const PackedString& key) const;

  Space space_;
  std::vector<Slot> slots_;
  std::vector<Ref> freeSlots_;
  SlotHashIndex labelIndex_;
  SlotHashIndex keyIndex_;
  StringPool strings_;
  std::size_t heapBytes_ = 0;  // of the slots' long keys and UIDs
};

bool filterIsEmpty(const Filter& filter);

pb::SpaceId toProto(Space space);
Space fromProto(pb::SpaceId space);
void toProto(const Record& record, pb::Record& out);
Record fromProto(const pb::Record& record);

}  // namespace mcr::index::detail
