#pragma once
// The steps of fit() (Fit.cpp: options, data, model setup, finish; FitLoop.cpp: the loop) and
// what they hand each other. Private to the trainer library.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcr/model/torch/MCRModel.h"
#include "mcr/tokenizer/Tokenizer.h"
#include "mcr/trainer/Dataset.h"
#include "mcr/trainer/Fit.h"
#include "mcr/trainer/TrainLog.h"

namespace mcr::trainer::detail {

// Every seeded draw of a run derives from the seed through this mix, so that a draw depends on
// (seed, step, row) only: a resumed run replays exactly what a straight one would have drawn.
inline uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Where and how the run computes; fixed before anything loads.
struct FitRuntime {
  torch::Device device{torch::kCPU};
  bool bf16 = false;
  std::string precisionWhy;  // for the log line: requested, or why auto chose it
  model::Objective objective{};
};

// The manifest (or Orthanc) rows of the train and val splits, before any image is read.
struct FitStudies {
  std::vector<Study> train, val;
  std::string description;  // the data source, for the bundle's provenance
};

// The model side of a run: from a checkpoint, a bundle to fine-tune, or fresh.
struct FitModel {
  model::MCRModel net{nullptr};
  std::shared_ptr<tokenizer::Tokenizer> tok;
  std::unique_ptr<torch::optim::AdamW> optimizer;
  std::string initFingerprint;  // the --init bundle's, kept across resumes
  int startStep = 0;
  bool resumed = false;
};

// The decoded images and token ids, and the batch geometry they allow.
struct FitData {
  LoadedStudies train, val;
  std::string description;
  TokenCoverage coverage;
  int batch = 0;
  std::size_t stepsPerEpoch = 1;
};

// What the loop and the finish share. The references outlive it (they are fit()'s locals).
struct FitRun {
  const FitOptions& o;
  const FitRuntime& rt;
  FitModel& m;
  const FitData& data;
  TrainLog& log;
  ProgressBar& progress;
  std::string name;  // the bundle's
  std::optional<RetrievalReport> lastEval;
};

// The bundle's provenance after `step` steps, with the last evaluation.
std::string provenanceJson(const FitRun& run, int step);
// Trains from run.m.startStep up to o.steps or a stop request; fills step and interrupted.
FitResult trainLoop(FitRun& run);

}  // namespace mcr::trainer::detail
