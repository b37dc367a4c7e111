#include "FakeOrthanc.h"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

namespace mcr::plugin::testing {

namespace json = boost::json;

namespace {
bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string queryValue(const std::string& uri, const std::string& key) {
  const auto at = uri.find(key + "=");
  if (at == std::string::npos) return {};
  const auto end = uri.find('&', at);
  return uri.substr(at + key.size() + 1, end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
}
}  // namespace

void FakeOrthanc::store(const FakeInstance& instance) {
  std::lock_guard<std::mutex> lock(mutex_);
  instances_[instance.id] = instance;
  changes_.push_back({++lastSeq_, "NewInstance", "Instance", instance.id});
}

void FakeOrthanc::stableStudy(const std::string& studyId) {
  std::lock_guard<std::mutex> lock(mutex_);
  changes_.push_back({++lastSeq_, "StableStudy", "Study", studyId});
}

std::deque<ChangeNotice> FakeOrthanc::deleteResource(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::set<std::string> gone;
  for (auto it = instances_.begin(); it != instances_.end();) {
    const FakeInstance& i = it->second;
    if (i.id == id || i.series == id || i.study == id || i.patient == id) {
      gone.insert({i.id, i.series});
      it = instances_.erase(it);
    } else {
      ++it;
    }
  }
  if (gone.empty()) return {};
  gone.insert(id);
  changes_.erase(std::remove_if(changes_.begin(), changes_.end(), [&](const ChangeRow& c) { return gone.count(c.id) > 0; }),
                 changes_.end());
  return {ChangeNotice{ChangeKind::Deleted, id}};
}

void FakeOrthanc::failNext(const std::string& uriPrefix) {
  std::lock_guard<std::mutex> lock(mutex_);
  failures_.push_back(uriPrefix);
}

std::vector<std::string> FakeOrthanc::logged(orthanc::LogLevel level) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [l, m] : log_)
    if (l == level) out.push_back(m);
  return out;
}

void FakeOrthanc::checkFailure(const std::string& what) {
  for (auto it = failures_.begin(); it != failures_.end(); ++it) {
    if (startsWith(what, *it)) {
      failures_.erase(it);
      throw orthanc::OrthancError("injected failure for " + what);
    }
  }
}

std::optional<std::string> FakeOrthanc::get(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mutex_);
  checkFailure(uri);
  return answer(uri);
}

std::optional<std::string> FakeOrthanc::answer(const std::string& uri) const {
  if (uri == "/instances") {
    json::array ids;
    for (const auto& [id, i] : instances_) ids.emplace_back(id);
    return json::serialize(ids);
  }
  if (uri == "/changes?last") return json::serialize(json::object{{"Last", lastSeq_}});
  if (startsWith(uri, "/changes?")) {
    const std::string limit = queryValue(uri, "limit");
    return changesJson(std::stoll(queryValue(uri, "since")), limit.empty() ? 100 : std::stoul(limit));
  }
  for (const auto& [id, i] : instances_) {
    if (uri == "/instances/" + id)
      return json::serialize(json::object{{"ID", id}, {"ParentSeries", i.series},
                                          {"MainDicomTags", json::object{{"SOPInstanceUID", i.sopInstanceUid}}}});
    if (uri == "/series/" + i.series)
      return json::serialize(json::object{{"ID", i.series}, {"ParentStudy", i.study},
                                          {"MainDicomTags", json::object{{"Modality", i.modality}}}});
    if (uri == "/studies/" + i.study)
      return json::serialize(json::object{{"ID", i.study}, {"ParentPatient", i.patient},
                                          {"MainDicomTags", json::object{{"StudyDate", i.studyDate}}}});
  }
  const std::string studyPrefix = "/studies/";
  if (startsWith(uri, studyPrefix) && uri.size() > studyPrefix.size() + 10 &&
      uri.compare(uri.size() - 10, 10, "/instances") == 0) {
    const std::string study = uri.substr(studyPrefix.size(), uri.size() - studyPrefix.size() - 10);
    json::array list;
    for (const auto& [id, i] : instances_)
      if (i.study == study) list.push_back(json::object{{"ID", id}, {"ParentSeries", i.series}});
    if (list.empty()) return std::nullopt;
    return json::serialize(list);
  }
  return std::nullopt;
}

std::string FakeOrthanc::changesJson(int64_t since, std::size_t limit) const {
  json::array rows;
  int64_t last = since;
  bool done = true;
  for (const auto& c : changes_) {
    if (c.seq <= since) continue;
    if (rows.size() == limit) {
      done = false;
      break;
    }
    rows.push_back(json::object{{"Seq", c.seq}, {"ChangeType", c.type}, {"ResourceType", c.resourceType}, {"ID", c.id}});
    last = c.seq;
  }
  // As Orthanc 1.10: "Last" is the newest change returned, or `since` when none is.
  return json::serialize(json::object{{"Changes", rows}, {"Done", done}, {"Last", last}});
}

std::optional<std::string> FakeOrthanc::post(const std::string& uri, std::string_view) {
  std::lock_guard<std::mutex> lock(mutex_);
  checkFailure(uri);
  // Only the SDK's report route posts (a Basic Text SR), and it is tested against the real
  // Orthanc: an honest refusal rather than a fake "not found".
  throw orthanc::OrthancError("FakeOrthanc does not store posted files (" + uri + ")");
}

std::optional<std::string> FakeOrthanc::instanceFile(const std::string& instanceId) {
  std::lock_guard<std::mutex> lock(mutex_);
  checkFailure("/instances/" + instanceId + "/file");
  auto it = instances_.find(instanceId);
  if (it == instances_.end()) return std::nullopt;
  return it->second.dicom;
}

std::optional<std::string> FakeOrthanc::globalProperty(int32_t key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = properties_.find(key);
  if (it == properties_.end()) return std::nullopt;
  return it->second;
}

void FakeOrthanc::setGlobalProperty(int32_t key, const std::string& value) {
  std::lock_guard<std::mutex> lock(mutex_);
  properties_[key] = value;
}

void FakeOrthanc::log(orthanc::LogLevel level, const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  log_.emplace_back(level, message);
}

}  // namespace mcr::plugin::testing
