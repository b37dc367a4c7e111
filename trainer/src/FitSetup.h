#pragma once
// The steps of fit() before its loop (internal to mcr_trainer): the data, the model with its
// tokenizer (fresh, --init or --resume) and the optimizer. Fit.cpp runs the loop.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcr/model/torch/MCRModel.h"
#include "mcr/trainer/Checkpoint.h"
#include "mcr/trainer/Dataset.h"
#include "mcr/trainer/Fit.h"
#include "mcr/trainer/Manifest.h"

namespace mcr::trainer::detail {

uint64_t splitmix(uint64_t x);

// The studies of the run, split, before any image is loaded.
struct FitData {
  std::vector<Study> train, val;
  std::string description;  // for the provenance: where the studies came from
};
FitData loadFitData(const FitOptions& o);

// The model and its tokenizer, and where they came from.
struct FitModel {
  model::MCRModel net{nullptr};
  std::shared_ptr<tokenizer::Tokenizer> tokenizer;
  std::string initFingerprint;           // the --init bundle's, kept across resumes
  int startStep = 0;
  std::optional<CheckpointState> resumed;
};
// From the latest checkpoint (--resume), a bundle to fine-tune (--init) or fresh; the
// options' loss weights and mask ratios applied and validated.
FitModel setupModel(const FitOptions& o, const std::vector<Study>& trainStudies);

std::unique_ptr<torch::optim::AdamW> makeOptimizer(model::MCRModel& model, const FitOptions& o);

std::string settingsJson(const FitOptions& o, const model::ModelConfig& c, const std::string& precision,
                         const std::string& device, const TokenCoverage& reportTokens);

int defaultVocab(const std::string& preset);
std::vector<std::string> reportTexts(const std::vector<Study>& studies);

}  // namespace mcr::trainer::detail
