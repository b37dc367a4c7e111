#pragma once
// What serves searches: a loaded model bundle and the index generation built with it
// (ModelIndex), and the slot that holds the current one or the reason there is none
// (ServingSlot). A reindex builds a new ModelIndex beside the serving one and installs it;
// searches and the ingest worker hold a shared_ptr, so a swap never pulls data from under
// them. The index is internally thread-safe (VectorIndex.h): no lock of ours around it.
#include <memory>
#include <mutex>
#include <string>

#include "Configuration.h"
#include "mcr/index/VectorIndex.h"
#include "mcr/model/Embedder.h"

namespace mcr::plugin {

struct ModelIndex {
  std::shared_ptr<const model::Embedder> embedder;
  std::unique_ptr<index::VectorIndex> index;
  std::string modelPath;
  std::string generation;     // folder name under IndexDirectory
  std::string generationDir;
};

// Loads a bundle and opens (or creates) the index in `generationDir` for it. Throws
// model::BundleError / index::IndexError (index::FingerprintMismatch) with the reason.
std::shared_ptr<ModelIndex> openModelIndex(const PluginConfig& config, const std::string& modelPath,
                                           const std::string& generation, const std::string& generationDir);

class ServingSlot {
 public:
  std::shared_ptr<ModelIndex> current() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return current_;
  }
  std::string unavailableReason() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return reason_;
  }
  void install(std::shared_ptr<ModelIndex> modelIndex) {
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = std::move(modelIndex);
    reason_.clear();
  }
  void setUnavailable(const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    current_.reset();
    reason_ = reason;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<ModelIndex> current_;
  std::string reason_ = "the model is loading";
};

}  // namespace mcr::plugin
