#include "IngestWorker.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include <boost/json.hpp>

#include "Ingester.h"
#include "OrthancApi.h"
#include "PluginState.h"

namespace mcr::plugin {

namespace json = boost::json;

namespace {

std::thread g_worker;

// Generations other than the active one are left by a reindex (searches in flight may still
// read them); at the next start nothing uses them any more.
void pruneGenerations(const std::string& indexDirectory, const std::string& active) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(indexDirectory, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.rfind("gen-", 0) == 0 && name != active) {
      std::filesystem::remove_all(entry.path(), ec);
      orthanc::logInfo("removed the old index generation " + entry.path().string());
    }
  }
}
std::mutex g_ingestMutex;

int64_t lastChangeSeq() {
  auto v = orthanc::restGetJson("/changes?last");
  if (!v || !v->is_object()) return -1;
  auto it = v->get_object().find("Last");
  return it != v->get_object().end() && it->value().is_int64() ? it->value().get_int64() : -1;
}

// A generation that has never followed /changes: index every stored instance, then follow
// the feed from where it stood before the scan (re-seeing a change is harmless: ingest
// skips what is indexed, removal is idempotent).
void fullScan(LoadedState& state) {
  int64_t startSeq = std::max<int64_t>(0, lastChangeSeq());
  auto instances = orthanc::restGetJson("/instances");
  std::vector<std::string> ids;
  if (instances && instances->is_array())
    for (const auto& v : instances->get_array())
      if (v.is_string()) ids.emplace_back(v.get_string());
  orthanc::logInfo("indexing the " + std::to_string(ids.size()) + " stored instances into " + state.generation);
  const std::size_t chunk = 64;
  for (std::size_t i = 0; i < ids.size(); i += chunk) {
    std::vector<std::string> part(ids.begin() + i, ids.begin() + std::min(ids.size(), i + chunk));
    IngestOutcome outcome = ingestInstances(state, part, true);
    status().embeddedImages += static_cast<int64_t>(outcome.images);
    status().embeddedReports += static_cast<int64_t>(outcome.reports);
    for (const auto& study : outcome.touchedStudies) refreshStudy(state, study);
  }
  writeCursor(Cursor{state.generation, startSeq});
  status().cursor = startSeq;
}

// One /changes page. Returns true when more pages are waiting.
bool followChanges(LoadedState& state, Cursor& cursor) {
  const auto& config = pluginConfig();
  auto page = orthanc::restGetJson("/changes?since=" + std::to_string(cursor.seq) +
                                   "&limit=" + std::to_string(config.changesBatch));
  if (!page || !page->is_object()) {
    status().error("cannot read Orthanc's /changes");
    return false;
  }
  const json::object& o = page->get_object();
  std::vector<std::string> pendingInstances;
  std::set<std::string> touched;
  auto flush = [&] {
    if (pendingInstances.empty()) return;
    IngestOutcome outcome = ingestInstances(state, pendingInstances, true);
    status().embeddedImages += static_cast<int64_t>(outcome.images);
    status().embeddedReports += static_cast<int64_t>(outcome.reports);
    touched.insert(outcome.touchedStudies.begin(), outcome.touchedStudies.end());
    pendingInstances.clear();
  };
  int64_t processed = 0;
  if (auto it = o.find("Changes"); it != o.end() && it->value().is_array()) {
    for (const auto& change : it->value().get_array()) {
      std::string type = orthanc::field(change, "ChangeType");
      std::string id = orthanc::field(change, "ID");
      std::string level = orthanc::field(change, "ResourceType");
      if (type == "NewInstance") {
        pendingInstances.push_back(id);
      } else if (type == "Deleted") {
        flush();
        removeResource(state, id);
        touched.erase(id);
      } else if (type == "StableStudy") {
        touched.insert(id);
      }
      ++processed;
    }
  }
  flush();
  for (const auto& study : touched) refreshStudy(state, study);
  bool done = true;
  if (auto it = o.find("Done"); it != o.end() && it->value().is_bool()) done = it->value().get_bool();
  if (auto it = o.find("Last"); it != o.end() && it->value().is_int64() && it->value().get_int64() > cursor.seq) {
    cursor.seq = it->value().get_int64();
    writeCursor(cursor);  // only after the batch is durable in the index
  }
  status().cursor = cursor.seq;
  status().processedChanges += processed;
  return !done;
}

void workerLoop() {
  // Storing comes first: the worker (and the decoding threads it starts, which inherit
  // this) yield the CPU to Orthanc's own threads under load.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
  status().workerRunning = true;
  loadInitialState();
  std::deque<ChangeNotice> notices;
  // Orthanc drops the /changes rows of deleted resources: deletions reach the plugin only
  // through the change callback, so they are kept here until a model is loaded.
  std::vector<std::string> deletions;
  std::size_t droppedSeen = 0;
  bool more = true;  // start by catching up
  const auto interval = std::chrono::milliseconds(pluginConfig().pollIntervalMs);
  for (;;) {
    if (!more && !changeQueue().waitAndDrain(interval, notices)) break;
    if (more && !changeQueue().waitAndDrain(std::chrono::milliseconds(0), notices)) break;
    more = false;
    for (const auto& notice : notices)
      if (notice.changeType == OrthancPluginChangeType_Deleted) deletions.push_back(notice.resourceId);
    if (std::size_t dropped = changeQueue().dropped(); dropped > droppedSeen) {
      droppedSeen = dropped;
      status().error("change notifications dropped (MaxQueue reached): new instances are caught up from "
                     "/changes; deletions among the dropped ones are found when a search meets them or by "
                     "POST /mcr/reindex");
    }
    status().lastChange = lastChangeSeq();
    // The snapshot is taken under the lock: a reindex may have swapped generations while
    // this thread waited for it.
    std::lock_guard<std::mutex> lock(g_ingestMutex);
    auto state = engine().current();
    if (!state) continue;  // model unavailable: the cursor waits, nothing is lost
    try {
      for (const auto& id : deletions) removeResource(*state, id);
      deletions.clear();
      auto cursor = readCursor();
      if (!cursor || cursor->generation != state->generation) {
        fullScan(*state);
        cursor = readCursor();
        if (!cursor) cursor = Cursor{state->generation, 0};
      }
      more = followChanges(*state, *cursor);
    } catch (const std::exception& e) {
      status().error(std::string("ingest: ") + e.what());
    }
  }
  status().workerRunning = false;
}

}  // namespace

std::mutex& ingestMutex() { return g_ingestMutex; }

void loadInitialState() {
  const auto& config = pluginConfig();
  try {
    std::string generation, modelPath = config.modelPath;
    if (auto current = readGeneration(config.indexDirectory)) {
      if (current->configuredModel == config.modelPath && !current->model.empty()) {
        generation = current->generation;
        modelPath = current->model;  // a reindexed model stays live across restarts
      } else {
        orthanc::logWarning("MCR.ModelPath changed since the index was built: building a new index");
      }
    }
    bool fresh = generation.empty();
    if (fresh) generation = newGenerationName();
    std::shared_ptr<LoadedState> state;
    try {
      state = loadState(modelPath, config.indexDirectory, generation);
    } catch (const index::FingerprintMismatch& e) {
      orthanc::logWarning(std::string("index built with another model (") + e.what() + "): building a new index");
      generation = newGenerationName();
      fresh = true;
      state = loadState(modelPath, config.indexDirectory, generation);
    }
    if (fresh) writeGeneration(config.indexDirectory, Generation{generation, modelPath, config.modelPath});
    pruneGenerations(config.indexDirectory, generation);
    const auto& info = state->embedder->info();
    orthanc::logWarning("model " + info.name + " (" + info.fingerprint.substr(0, 12) + ") on " + info.device + "/" +
                        info.precision + ", index " + state->generationDir);
    engine().install(state);
  } catch (const std::exception& e) {
    std::string reason = std::string("model not loaded: ") + e.what();
    engine().setUnavailable(reason);
    status().error(reason);
  }
}

void startIngestWorker() {
  if (g_worker.joinable()) return;
  changeQueue().reopen();
  g_worker = std::thread(workerLoop);
}

void stopIngestWorker() {
  changeQueue().close();
  if (g_worker.joinable()) g_worker.join();
}

OrthancPluginErrorCode onChange(OrthancPluginChangeType changeType, OrthancPluginResourceType resourceType,
                                const char* resourceId) {
  try {
    switch (changeType) {
      case OrthancPluginChangeType_OrthancStarted:
        startIngestWorker();
        break;
      case OrthancPluginChangeType_OrthancStopped:
        stopIngestWorker();
        break;
      case OrthancPluginChangeType_NewInstance:
      case OrthancPluginChangeType_Deleted:
      case OrthancPluginChangeType_StableStudy:
        changeQueue().push(ChangeNotice{changeType, resourceType, resourceId ? resourceId : ""});
        break;
      default:
        break;
    }
  } catch (...) {
    // never let an exception cross into Orthanc's storage path
  }
  return OrthancPluginErrorCode_Success;
}

}  // namespace mcr::plugin
