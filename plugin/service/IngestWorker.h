#pragma once
// The ingest worker: one thread that follows Orthanc's /changes feed from a cursor kept in
// a global property, and feeds new instances to the ingest pipeline. Orthanc's change
// callback only pokes it through the bounded ChangeQueue (never the REST API: deadlock).
// Modelled on Orthanc's Housekeeper sample: resumable from its cursor after any stop.
#include <atomic>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ChangeQueue.h"
#include "ModelIndex.h"

namespace mcr::plugin {

struct PluginContext;

// The cursor, with the generation it belongs to, so that it never outlives its index.
constexpr int32_t kCursorGlobalProperty = 5471;
struct Cursor {
  std::string generation;
  int64_t seq = 0;
};
std::optional<Cursor> readCursor(PluginContext& context);
void writeCursor(PluginContext& context, const Cursor& cursor);

// Loads the model and the active index generation (or creates one) into the serving slot;
// on failure the slot says why. Never throws.
void loadServingModel(PluginContext& context);

class IngestWorker {
 public:
  explicit IngestWorker(PluginContext& context) : context_(context) {}
  ~IngestWorker() { stop(); }
  IngestWorker(const IngestWorker&) = delete;
  IngestWorker& operator=(const IngestWorker&) = delete;

  void start();  // loads the model on the worker thread, then follows /changes
  void stop();   // joins; a full scan in progress stops at its next chunk

  // One round of the loop, for tests that drive the worker without its thread: applies
  // the deletions among `notices`, runs the first full scan of a new generation, then
  // processes one /changes page. Returns true when more pages are waiting.
  bool processOnce(const std::deque<ChangeNotice>& notices);

 private:
  void run();
  void fullScan(ModelIndex& target);
  bool followChanges(ModelIndex& target, Cursor& cursor);

  PluginContext& context_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  // Orthanc drops the /changes rows of deleted resources: deletions reach the plugin only
  // through the change callback, so they wait here while no model is loaded.
  std::vector<std::string> deletions_;
  std::size_t droppedSeen_ = 0;
};

}  // namespace mcr::plugin
