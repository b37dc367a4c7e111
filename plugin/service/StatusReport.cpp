#include "StatusReport.h"

#include <boost/json.hpp>

#include "PluginContext.h"

namespace mcr::plugin {

namespace json = boost::json;

json::value statusJson(PluginContext& context, const char* version) {
  const PluginConfig& config = context.config;
  auto state = context.serving.current();
  StatusCounters& s = context.status;
  json::object o;
  o["version"] = version;
  o["enabled"] = config.enable;
  o["ready"] = state != nullptr;
  o["unavailableReason"] = state ? std::string() : context.serving.unavailableReason();
  if (state) {
    const auto& info = state->embedder->info();
    o["model"] = json::object{{"path", state->modelPath}, {"name", info.name}, {"fingerprint", info.fingerprint},
                              {"device", info.device}, {"precision", info.precision},
                              {"embeddingDim", info.embeddingDim}, {"imageSize", info.imageSize}};
    const index::Stats stats = state->index->stats();
    o["index"] = json::object{{"directory", state->generationDir}, {"images", stats.images.vectors},
                              {"reports", stats.reports.vectors}, {"studies", stats.studies.vectors},
                              {"deletedSlots", stats.images.deletedSlots + stats.reports.deletedSlots +
                                               stats.studies.deletedSlots}};
  } else {
    o["model"] = nullptr;
    o["index"] = nullptr;
  }
  int64_t cursor = s.cursor, last = s.lastChange;
  o["ingest"] = json::object{{"running", s.workerRunning.load()},
                             {"queueLength", context.changes.size()},
                             {"queueDropped", context.changes.dropped()},
                             {"maxQueue", config.maxQueue},
                             {"cursor", cursor},
                             {"lastChange", last},
                             {"lag", last > cursor ? last - cursor : 0},
                             {"processedChanges", s.processedChanges.load()},
                             {"embeddedImages", s.embeddedImages.load()},
                             {"embeddedReports", s.embeddedReports.load()},
                             {"studyVectors", s.studyVectors.load()},
                             {"removed", s.removed.load()},
                             {"ignored", s.ignored.load()},
                             {"embeddingMsAvg", s.embeddingMsAvg()}};
  o["skipped"] = s.skippedJson();
  o["reindex"] = json::object{{"running", s.reindexRunning.load()}, {"job", s.reindexJob()},
                              {"processed", s.reindexProcessed.load()}, {"total", s.reindexTotal.load()}};
  o["lastErrors"] = s.errorsJson();
  return o;
}

}  // namespace mcr::plugin
