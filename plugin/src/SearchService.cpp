#include "SearchService.h"

#include <chrono>
#include <map>
#include <mutex>

#include <boost/json.hpp>

#include "HttpError.h"
#include "OrthancApi.h"
#include "PluginState.h"
#include "mcr/report/ReportText.h"

namespace mcr::plugin {

namespace json = boost::json;

namespace {

constexpr std::size_t kSnippetChars = 600;
constexpr std::size_t kCacheEntries = 20000;

index::Space spaceOf(Target t) {
  switch (t) {
    case Target::Images: return index::Space::Images;
    case Target::Reports: return index::Space::Reports;
    case Target::Studies: return index::Space::Studies;
  }
  return index::Space::Images;
}

// Cut at a UTF-8 boundary.
std::string shorten(const std::string& text) {
  if (text.size() <= kSnippetChars) return text;
  std::size_t cut = kSnippetChars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "\xE2\x80\xA6";
}

struct StudyExtras {
  bool exists = true;  // false: deleted from Orthanc while its vectors are still indexed
  std::string previewInstance;
  std::string snippet;
};

std::mutex g_cacheMutex;
std::map<std::string, std::string> g_reportTexts;     // report instance -> snippet
std::map<std::string, StudyExtras> g_studyExtras;     // study -> preview + snippet

std::string reportSnippet(const std::string& instanceId) {
  {
    std::lock_guard<std::mutex> lock(g_cacheMutex);
    if (auto it = g_reportTexts.find(instanceId); it != g_reportTexts.end()) return it->second;
  }
  std::string text;
  if (auto dicom = orthanc::dicomOfInstance(instanceId)) {
    try {
      text = shorten(report::normaliseReportText(report::extractSrText(dicom->data(), dicom->size())));
    } catch (const std::exception&) {
    }
  }
  std::lock_guard<std::mutex> lock(g_cacheMutex);
  if (g_reportTexts.size() > kCacheEntries) g_reportTexts.clear();
  g_reportTexts[instanceId] = text;
  return text;
}

StudyExtras studyExtras(LoadedState& state, const std::string& studyId) {
  {
    std::lock_guard<std::mutex> lock(g_cacheMutex);
    if (auto it = g_studyExtras.find(studyId); it != g_studyExtras.end()) return it->second;
  }
  StudyExtras extras;
  std::string reportInstance;
  auto instances = orthanc::restGetJson("/studies/" + studyId + "/instances");
  extras.exists = instances.has_value();
  if (instances && instances->is_array()) {
    std::shared_lock<std::shared_mutex> lock(state.indexMutex);
    for (const auto& instance : instances->get_array()) {
      std::string id = orthanc::field(instance, "ID");
      if (extras.previewInstance.empty() && state.index->contains(index::Space::Images, id)) extras.previewInstance = id;
      if (reportInstance.empty() && state.index->contains(index::Space::Reports, id)) reportInstance = id;
    }
  }
  if (!reportInstance.empty()) extras.snippet = reportSnippet(reportInstance);
  std::lock_guard<std::mutex> lock(g_cacheMutex);
  if (g_studyExtras.size() > kCacheEntries) g_studyExtras.clear();
  g_studyExtras[studyId] = extras;
  return extras;
}

std::vector<float> rowOf(const model::Embeddings& e) {
  if (e.count < 1) throw std::runtime_error("the model returned no embedding");
  return std::vector<float>(e.row(0), e.row(0) + e.dim);
}

}  // namespace

double nowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void forgetStudy(const std::string& studyId) {
  std::lock_guard<std::mutex> lock(g_cacheMutex);
  g_studyExtras.erase(studyId);
}

std::shared_ptr<LoadedState> requireReady() {
  auto state = engine().current();
  if (!state) throw unavailable(engine().unavailableReason());
  return state;
}

QueryVector resolveQuery(LoadedState& state, const SearchRequest& request) {
  QueryVector q;
  switch (request.kind) {
    case QueryKind::Text:
      q.vector = rowOf(state.embedder->embedTexts({request.text}));
      q.defaultTarget = Target::Images;
      return q;
    case QueryKind::Instance: {
      std::optional<index::Item> item;
      {
        std::shared_lock<std::shared_mutex> lock(state.indexMutex);
        item = state.index->get(index::Space::Images, request.id);
        q.defaultTarget = Target::Reports;
        if (!item) {
          item = state.index->get(index::Space::Reports, request.id);
          q.defaultTarget = Target::Images;
        }
      }
      if (!item) {
        if (!orthanc::restGet("/instances/" + request.id)) throw notFound("unknown instance '" + request.id + "'");
        throw notFound("instance '" + request.id + "' is not indexed (not an indexed modality, not decodable, or not ingested yet)");
      }
      q.vector = item->vector;
      q.patient = item->record.patient;
      q.excludeInstance = request.id;
      return q;
    }
    case QueryKind::Study: {
      std::optional<index::Item> item;
      {
        std::shared_lock<std::shared_mutex> lock(state.indexMutex);
        item = state.index->get(index::Space::Studies, request.id);
      }
      if (!item) {
        if (!orthanc::restGet("/studies/" + request.id)) throw notFound("unknown study '" + request.id + "'");
        throw notFound("study '" + request.id + "' has nothing indexed yet");
      }
      q.vector = item->vector;
      q.patient = item->record.patient;
      q.excludeStudy = request.id;
      q.defaultTarget = Target::Studies;
      return q;
    }
    case QueryKind::Upload:
      break;
  }
  throw badRequest("this query kind needs an uploaded file");
}

boost::json::object runSearch(LoadedState& state, const SearchRequest& request, const QueryVector& query,
                              double startedMs) {
  const Target target = request.target.value_or(query.defaultTarget);
  index::Filter filter;
  filter.modality = request.modality;
  filter.dateFrom = request.studyDateFrom;
  filter.dateTo = request.studyDateTo;
  if (request.excludeQueryPatient && !query.patient.empty()) filter.excludePatient = query.patient;
  if (!query.excludeStudy.empty() && target == Target::Studies) filter.excludeStudy = query.excludeStudy;

  // One extra hit so that dropping the query item itself still leaves k.
  const std::size_t wanted = request.k + (query.excludeInstance.empty() ? 0 : 1);
  std::vector<index::Hit> hits;
  {
    const std::size_t ef = std::max(request.ef, wanted);
    if (state.currentEf != ef) {
      std::unique_lock<std::shared_mutex> lock(state.indexMutex);
      state.index->setEf(ef);
      state.currentEf = ef;
    }
    std::shared_lock<std::shared_mutex> lock(state.indexMutex);
    hits = state.index->search(spaceOf(target), query.vector.data(), wanted, filter);
  }

  json::array results;
  for (const auto& hit : hits) {
    const auto& r = hit.record;
    if (!query.excludeInstance.empty() && r.instance == query.excludeInstance) continue;
    if (results.size() >= request.k) break;
    StudyExtras extras = studyExtras(state, r.study);
    if (!extras.exists) {
      // A deletion the worker has not seen (e.g. made while the plugin was stopped): drop
      // the hit now and let the worker remove the study's vectors.
      changeQueue().push(ChangeNotice{OrthancPluginChangeType_Deleted, OrthancPluginResourceType_Study, r.study});
      continue;
    }
    json::object o;
    o["patient"] = r.patient;
    o["study"] = r.study;
    if (target != Target::Studies) {
      o["series"] = r.series;
      o["instance"] = r.instance;
    }
    o["score"] = hit.score;
    o["studyDate"] = r.studyDate;
    o["modality"] = r.modality;
    std::string snippet;
    if (target == Target::Reports) {
      snippet = reportSnippet(r.instance);
    } else {
      snippet = extras.snippet;
      if (target == Target::Studies && !extras.previewInstance.empty()) o["previewInstance"] = extras.previewInstance;
    }
    if (!snippet.empty()) o["snippet"] = snippet;
    results.push_back(std::move(o));
  }
  double took = nowMs() - startedMs;
  status().searchTime(took);
  return json::object{{"results", std::move(results)}, {"tookMs", took}, {"target", toString(target)},
                      {"k", request.k}};
}

}  // namespace mcr::plugin
