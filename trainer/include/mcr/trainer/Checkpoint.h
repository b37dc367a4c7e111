#pragma once
// Checkpoints: out/checkpoints/step-NNNNNNN/{model.bundle, optimizer.pt, state.json} and
// out/checkpoints/LATEST naming the newest. Written to a temporary folder and renamed,
// so an interruption while saving leaves the previous checkpoint intact.
#include <torch/torch.h>

#include <string>

#include "mcr/model/torch/MCRModel.h"
#include "mcr/tokenizer/Tokenizer.h"
#include "mcr/trainer/Fit.h"

namespace mcr::trainer {

struct CheckpointState {
  int step = 0;
  std::string initFingerprint;
  std::string optionsJson;  // the settings that must not change across a resume
  std::string dir, bundlePath, optimizerPath;
};

std::string resumeKeyJson(const FitOptions& options);
// Throws std::runtime_error naming the first setting that differs from the checkpoint's.
void checkResumeCompatible(const CheckpointState& state, const FitOptions& options);

void writeCheckpoint(const std::string& outDir, CheckpointState state, model::MCRModel& model,
                     const tokenizer::Tokenizer& tok, torch::optim::Optimizer& optimizer, const std::string& name,
                     const std::string& provenanceJson, int keep);
// Throws std::runtime_error when there is none or it is unreadable.
CheckpointState readLatestCheckpoint(const std::string& outDir);

}  // namespace mcr::trainer
