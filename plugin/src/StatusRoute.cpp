#include "StatusRoute.h"

#include <boost/json.hpp>

#include "PluginState.h"
#include "RestRoute.h"

#ifndef MCR_VERSION
#define MCR_VERSION "0.0.0"
#endif

namespace mcr::plugin {

namespace json = boost::json;

json::value statusJson() {
  const auto& config = pluginConfig();
  auto state = engine().current();
  auto& s = status();
  json::object o;
  o["version"] = MCR_VERSION;
  o["enabled"] = config.enable;
  o["ready"] = state != nullptr;
  o["unavailableReason"] = state ? std::string() : engine().unavailableReason();
  if (state) {
    const auto& info = state->embedder->info();
    o["model"] = json::object{{"path", state->modelPath}, {"name", info.name}, {"fingerprint", info.fingerprint},
                              {"device", info.device}, {"precision", info.precision},
                              {"embeddingDim", info.embeddingDim}, {"imageSize", info.imageSize}};
    index::Stats stats;
    {
      std::shared_lock<std::shared_mutex> lock(state->indexMutex);
      stats = state->index->stats();
    }
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
                             {"queueLength", changeQueue().size()},
                             {"queueDropped", changeQueue().dropped()},
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

namespace {
void getStatus(OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request) {
  requireMethod(output, request, OrthancPluginHttpMethod_Get);
  answerJson(output, statusJson());
}
}  // namespace

void registerStatusRoute() { registerRoute("/plugins/mcr/status", restRoute<getStatus>); }

}  // namespace mcr::plugin
