#include "OrthancRest.h"

#include <boost/json.hpp>

namespace mcr::orthanc {

namespace json = boost::json;

std::optional<json::value> getJson(OrthancPort& port, const std::string& uri) {
  auto text = port.get(uri);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec) throw OrthancError("Orthanc answered invalid JSON for " + uri);
  return v;
}

std::string field(const json::value& v, std::string_view key) {
  if (!v.is_object()) return {};
  auto it = v.get_object().find(key);
  if (it == v.get_object().end() || !it->value().is_string()) return {};
  return std::string(it->value().get_string());
}

std::string field(const json::value& v, std::string_view key, std::string_view subKey) {
  if (!v.is_object()) return {};
  auto it = v.get_object().find(key);
  if (it == v.get_object().end()) return {};
  return field(it->value(), subKey);
}

namespace {
std::vector<std::string> stringsOf(const json::value& list, const char* idField) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& v : list.get_array()) {
    if (v.is_string()) out.emplace_back(v.get_string());
    else if (idField) out.push_back(field(v, idField));
  }
  return out;
}

int64_t int64Of(const json::object& o, std::string_view key, int64_t otherwise) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_int64() ? it->value().get_int64() : otherwise;
}
}  // namespace

std::vector<std::string> listInstances(OrthancPort& port) {
  auto list = getJson(port, "/instances");
  if (!list || !list->is_array()) throw OrthancError("Orthanc's /instances is not a list");
  return stringsOf(*list, nullptr);
}

std::vector<std::string> listStudies(OrthancPort& port) {
  auto list = getJson(port, "/studies");
  if (!list || !list->is_array()) throw OrthancError("Orthanc's /studies is not a list");
  return stringsOf(*list, nullptr);
}

std::optional<std::vector<SeriesListing>> seriesOfStudy(OrthancPort& port, const std::string& studyId) {
  auto list = getJson(port, "/studies/" + studyId + "/series");
  if (!list) return std::nullopt;
  if (!list->is_array()) throw OrthancError("Orthanc's /studies/" + studyId + "/series is not a list");
  std::vector<SeriesListing> out;
  for (const auto& s : list->get_array()) {
    SeriesListing series{field(s, "ID"), field(s, "MainDicomTags", "Modality"), {}};
    if (const auto* instances = s.is_object() ? s.get_object().if_contains("Instances") : nullptr)
      series.instances = stringsOf(*instances, nullptr);
    out.push_back(std::move(series));
  }
  return out;
}

std::optional<std::vector<std::string>> instancesOfStudy(OrthancPort& port, const std::string& studyId) {
  auto list = getJson(port, "/studies/" + studyId + "/instances");
  if (!list) return std::nullopt;
  return stringsOf(*list, "ID");
}

int64_t lastChange(OrthancPort& port) {
  auto v = getJson(port, "/changes?last");
  if (!v || !v->is_object()) throw OrthancError("Orthanc's /changes?last is not an object");
  return int64Of(v->get_object(), "Last", 0);
}

ChangesPage changesSince(OrthancPort& port, int64_t since, int limit) {
  auto v = getJson(port, "/changes?since=" + std::to_string(since) + "&limit=" + std::to_string(limit));
  if (!v || !v->is_object()) throw OrthancError("Orthanc's /changes is not an object");
  const json::object& o = v->get_object();
  ChangesPage page;
  if (auto it = o.find("Changes"); it != o.end() && it->value().is_array()) {
    for (const auto& c : it->value().get_array()) {
      Change change{0, field(c, "ChangeType"), field(c, "ResourceType"), field(c, "ID")};
      if (c.is_object()) change.seq = int64Of(c.get_object(), "Seq", 0);
      page.changes.push_back(std::move(change));
    }
  }
  page.last = std::max(since, int64Of(o, "Last", since));
  if (auto it = o.find("Done"); it != o.end() && it->value().is_bool()) page.done = it->value().get_bool();
  return page;
}

std::optional<InstanceFacts> InstanceDescriber::describe(const std::string& instanceId) {
  auto instance = getJson(port_, "/instances/" + instanceId);
  if (!instance) return std::nullopt;
  InstanceFacts f;
  f.instance = instanceId;
  f.series = field(*instance, "ParentSeries");
  f.sopInstanceUid = field(*instance, "MainDicomTags", "SOPInstanceUID");
  auto& s = series_[f.series];
  if (!s) {
    if (auto v = getJson(port_, "/series/" + f.series))
      s = SeriesFacts{field(*v, "ParentStudy"), field(*v, "MainDicomTags", "Modality")};
  }
  if (!s) return std::nullopt;
  f.study = s->study;
  f.modality = s->modality;
  auto st = study(f.study);
  if (!st) return std::nullopt;
  f.patient = st->patient;
  f.studyDate = st->studyDate;
  return f;
}

std::optional<StudyFacts> InstanceDescriber::study(const std::string& studyId) {
  auto& st = studies_[studyId];
  if (!st) {
    if (auto v = getJson(port_, "/studies/" + studyId))
      st = StudyFacts{field(*v, "ParentPatient"), field(*v, "MainDicomTags", "StudyDate")};
  }
  return st;
}

}  // namespace mcr::orthanc
