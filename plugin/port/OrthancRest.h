#pragma once
// Typed reads of Orthanc's REST resources through an OrthancPort: the one place that
// knows the JSON shapes of /instances, /series, /studies and /changes.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "OrthancPort.h"

namespace mcr::orthanc {

// GET as JSON; nullopt for 404. Throws OrthancError for invalid JSON.
std::optional<boost::json::value> getJson(OrthancPort& port, const std::string& uri);

// The string at a key path, or "" (e.g. field(v, "MainDicomTags", "Modality")).
std::string field(const boost::json::value& v, std::string_view key);
std::string field(const boost::json::value& v, std::string_view key, std::string_view subKey);

// Every stored instance id (GET /instances).
std::vector<std::string> listInstances(OrthancPort& port);
// Every study id (GET /studies).
std::vector<std::string> listStudies(OrthancPort& port);

// The series of a study with their modality and instances; nullopt when the study does not
// exist (GET /studies/{id}/series).
struct SeriesListing {
  std::string id, modality;
  std::vector<std::string> instances;
};
std::optional<std::vector<SeriesListing>> seriesOfStudy(OrthancPort& port, const std::string& studyId);

// The instance ids of a study; nullopt when the study does not exist.
std::optional<std::vector<std::string>> instancesOfStudy(OrthancPort& port, const std::string& studyId);

// The sequence number of the newest change (GET /changes?last); 0 when there is none.
int64_t lastChange(OrthancPort& port);

struct Change {
  int64_t seq = 0;
  std::string type;          // "NewInstance", "Deleted", "StableStudy", ...
  std::string resourceType;  // "Instance", "Study", ...
  std::string id;
};
struct ChangesPage {
  std::vector<Change> changes;
  int64_t last = 0;  // the cursor after this page
  bool done = true;  // no later change is waiting
};
ChangesPage changesSince(OrthancPort& port, int64_t since, int limit);

// What the index records of an instance, from its own and its parents' resources.
struct InstanceFacts {
  std::string patient, study, series, instance, sopInstanceUid, studyDate, modality;
};
struct StudyFacts {
  std::string patient, studyDate;
};

// Describes instances with a cache of their series and studies (one per batch: parents
// change rarely, but a cache that outlived a batch could outlive a deletion).
class InstanceDescriber {
 public:
  explicit InstanceDescriber(OrthancPort& port) : port_(port) {}
  // nullopt when the instance (or a parent) no longer exists.
  std::optional<InstanceFacts> describe(const std::string& instanceId);
  std::optional<StudyFacts> study(const std::string& studyId);

 private:
  struct SeriesFacts { std::string study, modality; };
  OrthancPort& port_;
  std::map<std::string, std::optional<SeriesFacts>> series_;
  std::map<std::string, std::optional<StudyFacts>> studies_;
};

}  // namespace mcr::orthanc
