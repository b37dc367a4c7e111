#include "Reindex.h"

#include <algorithm>

#include "Ingest.h"
#include "IngestWorker.h"
#include "OrthancRest.h"
#include "PluginContext.h"

namespace mcr::plugin {

InstanceDiff diffInstances(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  const std::set<std::string> was(before.begin(), before.end()), is(after.begin(), after.end());
  InstanceDiff diff;
  for (const auto& id : after)
    if (!was.count(id)) diff.added.push_back(id);
  for (const auto& id : before)
    if (!is.count(id)) diff.removed.push_back(id);
  return diff;
}

const char* toString(Reindex::Phase phase) {
  switch (phase) {
    case Reindex::Phase::Pending: return "pending";
    case Reindex::Phase::Embedding: return "embedding";
    case Reindex::Phase::Done: return "done";
    case Reindex::Phase::Failed: return "failed";
  }
  return "pending";
}

float Reindex::progress() const {
  if (phase_ == Phase::Done) return 1.0f;
  if (phase_ != Phase::Embedding || ids_.empty()) return 0.0f;
  return 0.99f * static_cast<float>(next_) / static_cast<float>(ids_.size());
}

void Reindex::reset() {
  building_.reset();
  ids_.clear();
  next_ = 0;
  phase_ = Phase::Pending;
}

Reindex::Phase Reindex::step() {
  try {
    if (phase_ == Phase::Pending) load();
    else if (next_ < ids_.size()) embedSome();
    else swap();
  } catch (...) {
    phase_ = Phase::Failed;
    building_.reset();
    throw;
  }
  return phase_;
}

void Reindex::load() {
  const std::string generation = Generations::newName();
  building_ = openModelIndex(context_.config, modelPath_, generation, context_.generations.folderOf(generation));
  ids_ = orthanc::listInstances(context_.orthanc);
  context_.status.reindexTotal = static_cast<int64_t>(ids_.size());
  context_.status.reindexProcessed = 0;
  phase_ = Phase::Embedding;
}

void Reindex::embedSome() {
  const std::size_t end = std::min(ids_.size(), next_ + kInstancesPerStep);
  const std::vector<std::string> part(ids_.begin() + static_cast<std::ptrdiff_t>(next_),
                                      ids_.begin() + static_cast<std::ptrdiff_t>(end));
  const auto outcome = ingestInstances(context_, *building_, part, StatusCounting::NotCounted);
  for (const auto& study : outcome.touchedStudies) refreshStudy(context_, *building_, study);
  next_ = end;
  context_.status.reindexProcessed = static_cast<int64_t>(next_);
}

// Under the worker's lock: catch up with what was stored or deleted meanwhile, then make
// the new generation current (CURRENT, cursor, serving slot) in that order.
void Reindex::swap() {
  std::lock_guard<std::mutex> lock(context_.ingestMutex);
  const InstanceDiff diff = diffInstances(ids_, orthanc::listInstances(context_.orthanc));
  const auto outcome = ingestInstances(context_, *building_, diff.added, StatusCounting::NotCounted);
  for (const auto& study : outcome.touchedStudies) refreshStudy(context_, *building_, study);
  for (const auto& id : diff.removed) removeResource(context_, *building_, id);

  const auto cursor = readCursor(context_);
  context_.generations.writeCurrent(GenerationRecord{building_->generation, modelPath_, context_.config.modelPath});
  writeCursor(context_, Cursor{building_->generation, cursor ? cursor->seq : 0});
  context_.serving.install(building_);
  context_.orthanc.log(orthanc::LogLevel::Warning, "reindex done: " + std::to_string(ids_.size()) + " instances, model " +
                                                       modelPath_ + ", index " + building_->generationDir);
  building_.reset();
  phase_ = Phase::Done;
}

}  // namespace mcr::plugin
