#pragma once
// The model and index currently serving, swapped atomically by a reindex job. Searches and
// the ingest worker take a snapshot (shared_ptr) so a swap never pulls data from under them.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "mcr/index/VectorIndex.h"
#include "mcr/model/Embedder.h"

namespace mcr::plugin {

struct LoadedState {
  std::shared_ptr<const model::Embedder> embedder;
  std::unique_ptr<index::VectorIndex> index;
  std::string modelPath;
  std::string generation;      // folder name under IndexDirectory
  std::string generationDir;
  // The index is guarded here (searches shared, add/remove/setEf exclusive) so that the
  // plugin does not depend on the index's own thread-safety guarantees.
  mutable std::shared_mutex indexMutex;
  std::atomic<std::size_t> currentEf{0};  // the ef last given to the index
};

class Engine {
 public:
  std::shared_ptr<LoadedState> current() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return state_;
  }
  std::string unavailableReason() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return reason_;
  }
  void install(std::shared_ptr<LoadedState> state) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = std::move(state);
    reason_.clear();
  }
  void setUnavailable(const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_.reset();
    reason_ = reason;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<LoadedState> state_;
  std::string reason_ = "the model is loading";
};

// The active generation of the index: IndexDirectory/CURRENT holds
// {"generation": "...", "model": "/path.bundle", "configuredModel": "/path.bundle"}.
struct Generation {
  std::string generation;
  std::string model;            // the bundle this generation was built with
  std::string configuredModel;  // MCR.ModelPath when it was written (a config change wins)
};
std::optional<Generation> readGeneration(const std::string& indexDirectory);
void writeGeneration(const std::string& indexDirectory, const Generation& generation);  // atomic rename
std::string newGenerationName();

// The ingest cursor, kept in an Orthanc global property with the generation it belongs to,
// so that a cursor never outlives the index it describes.
constexpr int32_t kCursorGlobalProperty = 5471;
struct Cursor {
  std::string generation;
  int64_t seq = 0;
};
std::optional<Cursor> readCursor();
void writeCursor(const Cursor& cursor);

// Loads a bundle and opens (or creates) the index of `generation` for it. Throws
// model::BundleError / index::IndexError with the reason.
std::shared_ptr<LoadedState> loadState(const std::string& modelPath, const std::string& indexDirectory,
                                       const std::string& generation);

}  // namespace mcr::plugin
