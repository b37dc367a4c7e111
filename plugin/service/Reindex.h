#pragma once
// A reindex: every stored instance embedded with a (new) model into a new generation
// beside the serving one, then swapped in. The steps are Orthanc-job-sized so that
// plugin/sdk/ReindexJob.cpp can run them as an Orthanc job; SDK-free so that tests run
// them against a FakeOrthanc.
#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ModelIndex.h"

namespace mcr::plugin {

struct PluginContext;

// What changed in Orthanc between the listing a reindex started from and the one it swaps
// with: what to add and what to remove from the new generation.
struct InstanceDiff {
  std::vector<std::string> added;
  std::vector<std::string> removed;
};
InstanceDiff diffInstances(const std::vector<std::string>& before, const std::vector<std::string>& after);

class Reindex {
 public:
  enum class Phase { Pending, Embedding, Done, Failed };

  Reindex(PluginContext& context, std::string modelPath) : context_(context), modelPath_(std::move(modelPath)) {}

  // One step: the first loads the model and lists the instances; then a chunk of
  // instances per step; the last catches up and swaps. Returns the phase after the step.
  // Throws on failure (the phase is then Failed).
  Phase step();
  void reset();  // back to Pending, nothing kept (the job was resubmitted)

  Phase phase() const { return phase_; }
  std::size_t processed() const { return next_; }
  std::size_t total() const { return ids_.size(); }
  const std::string& modelPath() const { return modelPath_; }
  float progress() const;

  static constexpr std::size_t kInstancesPerStep = 32;

 private:
  void load();
  void embedSome();
  void swap();

  PluginContext& context_;
  std::string modelPath_;
  std::shared_ptr<ModelIndex> building_;
  std::vector<std::string> ids_;
  std::size_t next_ = 0;
  Phase phase_ = Phase::Pending;
};

const char* toString(Reindex::Phase phase);

}  // namespace mcr::plugin
