#pragma once
// The architecture of an MCR model: every size the weights depend on, plus the training
// choices that belong to the model (masking ratios, aggregation, loss weights).
// Torch-free; stored as JSON inside the model bundle (one source of truth).
#include <string>
#include <vector>

namespace mcr::model {

enum class Aggregation {
  MbA,  // Mapping before Aggregation: map every token into the shared space, then pool there
  AbM,  // Aggregation before Mapping: pool in the encoder space, then map the pooled vector
};
const char* toString(Aggregation a);
Aggregation parseAggregation(const std::string& text);  // "mba" | "abm"; throws std::invalid_argument

struct ModelConfig {
  std::string preset = "tiny";  // informational: which preset the sizes came from
  // Image encoder (ViT over a single-channel image).
  int imageSize = 64;
  int patchSize = 8;
  int imageDim = 64;
  int imageDepth = 2;
  int imageHeads = 2;
  // "linear": one linear map of each patch's pixels (ViT). "conv": that map plus a small
  // per-patch stack of stride-2 3x3 convolutions (log2(patchSize) of them) down to one token;
  // it sees only its own patch, so masking stays exact. Stored in the bundle JSON only when "conv".
  std::string patchEmbedding = "linear";
  // Report encoder (transformer over tokenizer ids, [CLS] first).
  int vocabSize = 0;  // set from the tokenizer
  int maxTokens = 64;
  int textDim = 64;
  int textDepth = 2;
  int textHeads = 2;
  int mlpRatio = 4;
  // Shared space and the mapping into it.
  int embeddingDim = 64;
  int mapHiddenDim = 128;  // hidden width of the per-token mapping MLP
  Aggregation aggregation = Aggregation::MbA;
  // MAE decoder.
  int decoderDim = 32;
  int decoderDepth = 1;
  int decoderHeads = 2;
  // Masking used in training (inference never masks).
  double imageMaskRatio = 0.5;
  double textMaskRatio = 0.25;
  // Loss weights and the initial contrastive temperature.
  double contrastiveWeight = 1.0;
  double reconstructionWeight = 1.0;
  double mlmWeight = 0.5;
  // Token-to-patch alignment (see docs/model.md, "Local alignment"); 0 = off. Stored in the
  // bundle JSON only when on, so bundles written before it existed keep their fingerprint.
  double localWeight = 0.0;
  double initialTemperature = 0.07;

  int gridSize() const { return imageSize / patchSize; }
  int numPatches() const { return gridSize() * gridSize(); }
  // Throws std::invalid_argument naming the first inconsistent field.
  void validate() const;
  // The image-side part of validate(): sizes, patch size, patch embedding.
  void validateImageGeometry() const;
};

// "tiny" (tests, CI, seconds per step) or "small" (the default model). Throws std::invalid_argument.
ModelConfig presetConfig(const std::string& name);
std::vector<std::string> presetNames();

// Canonical JSON (fixed key order), so that the fingerprint of a config is stable.
std::string toJson(const ModelConfig& config);
// Throws std::invalid_argument naming the missing or bad field.
ModelConfig configFromJson(const std::string& json);

}  // namespace mcr::model
