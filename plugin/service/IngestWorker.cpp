#include "IngestWorker.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <set>

#include <boost/json.hpp>

#include "Ingest.h"
#include "OrthancRest.h"
#include "PluginContext.h"

namespace mcr::plugin {

namespace json = boost::json;

namespace {
constexpr std::size_t kScanChunk = 64;  // instances per full-scan step (a stop is checked between)
}

std::optional<Cursor> readCursor(PluginContext& context) {
  auto text = context.orthanc.globalProperty(kCursorGlobalProperty);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* seq = v.get_object().if_contains("seq");
  if (!seq || !seq->is_int64()) return std::nullopt;
  return Cursor{orthanc::field(v, "generation"), seq->get_int64()};
}

void writeCursor(PluginContext& context, const Cursor& cursor) {
  context.orthanc.setGlobalProperty(
      kCursorGlobalProperty, json::serialize(json::object{{"generation", cursor.generation}, {"seq", cursor.seq}}));
}

void loadServingModel(PluginContext& context) {
  const PluginConfig& config = context.config;
  const Generations& generations = context.generations;
  try {
    std::string generation, modelPath = config.modelPath;
    if (auto current = generations.readCurrent()) {
      if (current->configuredModel == config.modelPath && !current->model.empty()) {
        generation = current->generation;
        modelPath = current->model;  // a reindexed model stays live across restarts
      } else {
        context.orthanc.log(orthanc::LogLevel::Warning,
                            "MCR.ModelPath changed since the index was built: building a new index");
      }
    }
    bool fresh = generation.empty();
    if (fresh) generation = Generations::newName();
    std::shared_ptr<ModelIndex> modelIndex;
    try {
      modelIndex = openModelIndex(config, modelPath, generation, generations.folderOf(generation));
    } catch (const index::FingerprintMismatch& e) {
      context.orthanc.log(orthanc::LogLevel::Warning,
                          std::string("index built with another model (") + e.what() + "): building a new index");
      generation = Generations::newName();
      fresh = true;
      modelIndex = openModelIndex(config, modelPath, generation, generations.folderOf(generation));
    }
    if (fresh) generations.writeCurrent(GenerationRecord{generation, modelPath, config.modelPath});
    for (const auto& removed : generations.pruneAllBut(generation))
      context.orthanc.log(orthanc::LogLevel::Info, "removed the old index generation " + removed);
    const auto& info = modelIndex->embedder->info();
    context.orthanc.log(orthanc::LogLevel::Warning, "model " + info.name + " (" + info.fingerprint.substr(0, 12) +
                                                        ") on " + info.device + "/" + info.precision + ", index " +
                                                        modelIndex->generationDir);
    context.serving.install(modelIndex);
  } catch (const std::exception& e) {
    const std::string reason = std::string("model not loaded: ") + e.what();
    context.serving.setUnavailable(reason);
    context.status.error(reason);
  }
}

void IngestWorker::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  context_.changes.reopen();
  thread_ = std::thread([this] { run(); });
}

void IngestWorker::stop() {
  stopping_ = true;
  context_.changes.close();
  if (thread_.joinable()) thread_.join();
}

void IngestWorker::run() {
  // Storing comes first: the worker (and the decoding threads it starts, which inherit
  // this) yield the CPU to Orthanc's own threads under load.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
  context_.status.workerRunning = true;
  // The saved cursor is shown at once, not 0 with a false backlog until the first page.
  if (auto cursor = readCursor(context_)) context_.status.cursor = cursor->seq;
  loadServingModel(context_);
  std::deque<ChangeNotice> notices;
  bool more = true;  // start by catching up
  const auto interval = std::chrono::milliseconds(context_.config.pollIntervalMs);
  while (context_.changes.waitAndDrain(more ? std::chrono::milliseconds(0) : interval, notices)) {
    try {
      more = processOnce(notices);
    } catch (const std::exception& e) {
      more = false;
      context_.status.error(std::string("ingest: ") + e.what());
    }
  }
  context_.status.workerRunning = false;
}

bool IngestWorker::processOnce(const std::deque<ChangeNotice>& notices) {
  for (const auto& notice : notices)
    if (notice.kind == ChangeKind::Deleted) deletions_.push_back(notice.resourceId);
  if (std::size_t dropped = context_.changes.dropped(); dropped > droppedSeen_) {
    droppedSeen_ = dropped;
    context_.status.error("change notifications dropped (MaxQueue reached): new instances are caught up from "
                          "/changes; deletions among the dropped ones are found when a search meets them or by "
                          "POST /mcr/reindex");
  }
  context_.status.lastChange = orthanc::lastChange(context_.orthanc);
  // The serving index is read under the lock: a reindex may have swapped generations while
  // this thread waited for it.
  std::lock_guard<std::mutex> lock(context_.ingestMutex);
  auto target = context_.serving.current();
  if (!target) return false;  // model unavailable: the cursor waits, nothing is lost
  while (!deletions_.empty()) {
    removeResource(context_, *target, deletions_.back());
    deletions_.pop_back();
  }
  auto cursor = readCursor(context_);
  if (!cursor || cursor->generation != target->generation) {
    fullScan(*target);
    if (stopping_) return false;
    cursor = readCursor(context_);
    if (!cursor) cursor = Cursor{target->generation, 0};
  }
  return followChanges(*target, *cursor);
}

// A generation that has never followed /changes: index every stored instance, then follow
// the feed from where it stood before the scan (re-seeing a change is harmless: ingest
// skips what is indexed, removal is idempotent). Interrupted by a stop, it starts again
// at the next start, skipping what it had indexed.
void IngestWorker::fullScan(ModelIndex& target) {
  const int64_t startSeq = orthanc::lastChange(context_.orthanc);
  const std::vector<std::string> ids = orthanc::listInstances(context_.orthanc);
  context_.orthanc.log(orthanc::LogLevel::Info, "indexing the " + std::to_string(ids.size()) +
                                                    " stored instances into " + target.generation);
  for (std::size_t i = 0; i < ids.size(); i += kScanChunk) {
    if (stopping_) return;
    std::vector<std::string> part(ids.begin() + static_cast<std::ptrdiff_t>(i),
                                  ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + kScanChunk)));
    const auto outcome = ingestInstances(context_, target, part, StatusCounting::Counted);
    for (const auto& study : outcome.touchedStudies) refreshStudy(context_, target, study);
  }
  writeCursor(context_, Cursor{target.generation, startSeq});
  context_.status.cursor = startSeq;
}

// One /changes page. Returns true when more pages are waiting.
bool IngestWorker::followChanges(ModelIndex& target, Cursor& cursor) {
  const orthanc::ChangesPage page = orthanc::changesSince(context_.orthanc, cursor.seq, context_.config.changesBatch);
  std::vector<std::string> pendingInstances;
  std::set<std::string> touched;
  auto flush = [&] {
    if (pendingInstances.empty()) return;
    const auto outcome = ingestInstances(context_, target, pendingInstances, StatusCounting::Counted);
    touched.insert(outcome.touchedStudies.begin(), outcome.touchedStudies.end());
    pendingInstances.clear();
  };
  for (const auto& change : page.changes) {
    if (change.type == "NewInstance") {
      pendingInstances.push_back(change.id);
    } else if (change.type == "Deleted") {
      flush();
      removeResource(context_, target, change.id);
      touched.erase(change.id);
    } else if (change.type == "StableStudy") {
      touched.insert(change.id);
    }
  }
  flush();
  for (const auto& study : touched) refreshStudy(context_, target, study);
  if (page.last > cursor.seq) {
    cursor.seq = page.last;
    writeCursor(context_, cursor);  // only after the page is durable in the index
  }
  context_.status.cursor = cursor.seq;
  context_.status.processedChanges += static_cast<int64_t>(page.changes.size());
  return !page.done;
}

}  // namespace mcr::plugin
