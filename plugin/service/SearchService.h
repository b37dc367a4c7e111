#pragma once
// Cross-modal search on a ModelIndex: resolves a query (text, stored instance or study,
// uploaded image/report) to a vector, searches the target space with the filters, and
// shapes the results as docs/api.md describes (snippet, studyDate, previewInstance).
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "ModelIndex.h"
#include "SearchRequest.h"

namespace mcr::plugin {

struct PluginContext;

struct QueryVector {
  std::vector<float> vector;
  Target defaultTarget = Target::Images;
  std::string patient;          // the query's own patient (stored queries)
  std::string excludeInstance;  // the query item itself
  std::string excludeStudy;
};

// What a result shows of its study, read from Orthanc once and cached until the study's
// vectors change (the ingest calls forgetStudy).
struct StudyExtras {
  bool exists = true;  // false: deleted from Orthanc while its vectors are still indexed
  std::string previewInstance;
  std::string snippet;
};

// Bounded caches of report snippets and study extras. Thread-safe.
class ResultCache {
 public:
  std::optional<std::string> snippet(const std::string& reportInstance) const;
  void putSnippet(const std::string& reportInstance, const std::string& snippet);
  std::optional<StudyExtras> study(const std::string& studyId) const;
  void putStudy(const std::string& studyId, const StudyExtras& extras);
  void forgetStudy(const std::string& studyId);

 private:
  static constexpr std::size_t kEntries = 20000;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> snippets_;
  std::map<std::string, StudyExtras> studies_;
};

// The serving ModelIndex, or HttpError 503 with the reason.
std::shared_ptr<ModelIndex> requireReady(PluginContext& context);

// For kinds Text, Instance and Study; 404 for unknown or unindexed ids.
QueryVector resolveQuery(PluginContext& context, ModelIndex& serving, const SearchRequest& request);

boost::json::object runSearch(PluginContext& context, ModelIndex& serving, const SearchRequest& request,
                              const QueryVector& query, double startedMs);

// Report text shortened for a result (cut at a UTF-8 boundary, with an ellipsis).
std::string snippetOf(const std::string& reportText);

double nowMs();

}  // namespace mcr::plugin
