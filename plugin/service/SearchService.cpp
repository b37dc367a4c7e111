#include "SearchService.h"

#include <algorithm>
#include <chrono>

#include <boost/json.hpp>

#include "HttpError.h"
#include "OrthancRest.h"
#include "PluginContext.h"
#include "mcr/report/ReportText.h"

namespace mcr::plugin {

namespace json = boost::json;

namespace {

constexpr std::size_t kSnippetChars = 600;

index::Space spaceOf(Target t) {
  switch (t) {
    case Target::Images: return index::Space::Images;
    case Target::Reports: return index::Space::Reports;
    case Target::Studies: return index::Space::Studies;
  }
  return index::Space::Images;
}

std::string reportSnippet(PluginContext& context, const std::string& instanceId) {
  if (auto cached = context.results.snippet(instanceId)) return *cached;
  std::string text;
  if (auto dicom = context.orthanc.instanceFile(instanceId)) {
    try {
      text = snippetOf(report::readReportText(dicom->data(), dicom->size()));
    } catch (const std::exception&) {
      // indexed once, unreadable now: the result simply shows no snippet
    }
  }
  context.results.putSnippet(instanceId, text);
  return text;
}

StudyExtras studyExtras(PluginContext& context, ModelIndex& serving, const std::string& studyId) {
  if (auto cached = context.results.study(studyId)) return *cached;
  StudyExtras extras;
  std::string reportInstance;
  auto instances = orthanc::instancesOfStudy(context.orthanc, studyId);
  extras.exists = instances.has_value();
  for (const auto& id : instances.value_or(std::vector<std::string>{})) {
    if (extras.previewInstance.empty() && serving.index->contains(index::Space::Images, id)) extras.previewInstance = id;
    if (reportInstance.empty() && serving.index->contains(index::Space::Reports, id)) reportInstance = id;
  }
  if (!reportInstance.empty()) extras.snippet = reportSnippet(context, reportInstance);
  context.results.putStudy(studyId, extras);
  return extras;
}

std::vector<float> firstRow(const model::Embeddings& e) {
  if (e.count < 1) throw std::runtime_error("the model returned no embedding");
  return std::vector<float>(e.row(0), e.row(0) + e.dim);
}

json::object resultOf(const index::Hit& hit, Target target, const StudyExtras& extras, const std::string& snippet) {
  const index::Record& r = hit.record;
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
  if (target == Target::Studies && !extras.previewInstance.empty()) o["previewInstance"] = extras.previewInstance;
  if (!snippet.empty()) o["snippet"] = snippet;
  return o;
}

}  // namespace

std::optional<std::string> ResultCache::snippet(const std::string& reportInstance) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = snippets_.find(reportInstance);
  if (it == snippets_.end()) return std::nullopt;
  return it->second;
}

void ResultCache::putSnippet(const std::string& reportInstance, const std::string& snippet) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (snippets_.size() >= kEntries) snippets_.clear();
  snippets_[reportInstance] = snippet;
}

std::optional<StudyExtras> ResultCache::study(const std::string& studyId) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = studies_.find(studyId);
  if (it == studies_.end()) return std::nullopt;
  return it->second;
}

void ResultCache::putStudy(const std::string& studyId, const StudyExtras& extras) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (studies_.size() >= kEntries) studies_.clear();
  studies_[studyId] = extras;
}

void ResultCache::forgetStudy(const std::string& studyId) {
  std::lock_guard<std::mutex> lock(mutex_);
  studies_.erase(studyId);
}

std::string snippetOf(const std::string& text) {
  if (text.size() <= kSnippetChars) return text;
  std::size_t cut = kSnippetChars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "\xE2\x80\xA6";
}

double nowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::shared_ptr<ModelIndex> requireReady(PluginContext& context) {
  auto serving = context.serving.current();
  if (!serving) throw unavailable(context.serving.unavailableReason());
  return serving;
}

QueryVector resolveQuery(PluginContext& context, ModelIndex& serving, const SearchRequest& request) {
  QueryVector q;
  const index::VectorIndex& index = *serving.index;
  switch (request.kind) {
    case QueryKind::Text:
      q.vector = firstRow(serving.embedder->embedTexts({request.text}));
      q.defaultTarget = Target::Images;
      return q;
    case QueryKind::Instance: {
      std::optional<index::Item> item = index.get(index::Space::Images, request.id);
      q.defaultTarget = item ? Target::Reports : Target::Images;
      if (!item) item = index.get(index::Space::Reports, request.id);
      if (!item) {
        if (!context.orthanc.get("/instances/" + request.id)) throw notFound("unknown instance '" + request.id + "'");
        throw notFound("instance '" + request.id +
                       "' is not indexed (not an indexed modality, not decodable, or not ingested yet)");
      }
      q.vector = std::move(item->vector);
      q.patient = item->record.patient;
      q.excludeInstance = request.id;
      return q;
    }
    case QueryKind::Study: {
      std::optional<index::Item> item = index.get(index::Space::Studies, request.id);
      if (!item) {
        if (!context.orthanc.get("/studies/" + request.id)) throw notFound("unknown study '" + request.id + "'");
        throw notFound("study '" + request.id + "' has nothing indexed yet");
      }
      q.vector = std::move(item->vector);
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

json::object runSearch(PluginContext& context, ModelIndex& serving, const SearchRequest& request,
                       const QueryVector& query, double startedMs) {
  const Target target = request.target.value_or(query.defaultTarget);
  index::Filter filter;
  filter.modality = request.modality;
  filter.dateFrom = request.studyDateFrom;
  filter.dateTo = request.studyDateTo;
  if (request.excludeQueryPatient && !query.patient.empty()) filter.excludePatient = query.patient;
  if (!query.excludeStudy.empty() && target == Target::Studies) filter.excludeStudy = query.excludeStudy;

  // One extra hit so that dropping the query item itself still leaves k.
  const std::size_t wanted = request.k + (query.excludeInstance.empty() ? 0 : 1);
  const std::vector<index::Hit> hits =
      serving.index->search(spaceOf(target), query.vector.data(), wanted, filter, std::max(request.ef, wanted));

  json::array results;
  for (const auto& hit : hits) {
    const index::Record& r = hit.record;
    if (!query.excludeInstance.empty() && r.instance == query.excludeInstance) continue;
    if (results.size() >= request.k) break;
    const StudyExtras extras = studyExtras(context, serving, r.study);
    if (!extras.exists) {
      // A deletion the worker has not seen (e.g. made while the plugin was stopped): drop
      // the hit now and let the worker remove the study's vectors.
      context.changes.push(ChangeNotice{ChangeKind::Deleted, r.study});
      continue;
    }
    const std::string snippet = target == Target::Reports ? reportSnippet(context, r.instance) : extras.snippet;
    results.push_back(resultOf(hit, target, extras, snippet));
  }
  const double took = nowMs() - startedMs;
  context.status.searchTime(took);
  return json::object{{"results", std::move(results)}, {"tookMs", took}, {"target", toString(target)},
                      {"k", request.k}};
}

}  // namespace mcr::plugin
