#pragma once
// Shared fixtures for the model tests: a tiny tokenizer and config, synthetic batches.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "mcr/model/ModelConfig.h"
#include "mcr/model/torch/MCRModel.h"
#include "mcr/tokenizer/Tokenizer.h"

namespace mcr::model::testing {

// Report-like sentences over a small vocabulary; index i has finding (i % 4).
std::vector<std::string> tinyCorpus();
std::unique_ptr<tokenizer::Tokenizer> tinyTokenizer();
// The tiny preset at 32 px with 8 px patches (16 patches), vocab from tinyTokenizer().
ModelConfig tinyConfig(Aggregation aggregation = Aggregation::MbA);
// A batch whose image content depends on the report's finding, so the pairs are learnable.
TrainBatch syntheticBatch(const ModelConfig& config, const tokenizer::Tokenizer& tok, int batchSize, int offset = 0);

}  // namespace mcr::model::testing
