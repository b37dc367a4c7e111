#pragma once
// The catalog of one space: HNSW label -> Record, the key (instance or study id) -> label,
// and the reverse map from the other Orthanc ids (patient, study, series) to labels, so
// that deleting any Orthanc resource finds all its vectors. Not thread-safe by itself.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mcr/index/VectorIndex.h"
#include "mcr_index.pb.h"

namespace mcr::index::detail {

using Label = uint64_t;

class Catalog {
 public:
  explicit Catalog(Space space) : space_(space) {}

  Space space() const { return space_; }
  std::size_t size() const { return byLabel_.size(); }
  // Sets the record of `label`, replacing what it had (and its reverse-map entries).
  void put(Label label, const Record& record);
  void erase(Label label);
  const Record* record(Label label) const;
  std::optional<Label> labelOfKey(const std::string& key) const;
  // Every label whose patient, study, series or instance is `orthancId`.
  std::vector<Label> labelsOf(const std::string& orthancId) const;
  const std::unordered_map<Label, Record>& entries() const { return byLabel_; }
  // Internal consistency of the three maps; appends problems found.
  void check(std::vector<std::string>& problems) const;

  void toProto(pb::SpaceCatalog& out) const;

 private:
  void link(const std::string& id, Label label);
  void unlink(const std::string& id, Label label);
  Space space_;
  std::unordered_map<Label, Record> byLabel_;
  std::unordered_map<std::string, Label> byKey_;
  // patient, study and series ids (the key is looked up in byKey_).
  std::unordered_map<std::string, std::unordered_set<Label>> byResource_;
};

bool matches(const Record& record, const Filter& filter);
bool filterIsEmpty(const Filter& filter);

pb::SpaceId toProto(Space space);
Space fromProto(pb::SpaceId space);
void toProto(const Record& record, pb::Record& out);
Record fromProto(const pb::Record& record);

}  // namespace mcr::index::detail
