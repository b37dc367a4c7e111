#pragma once
// The MCR model (Masked Contrastive and Reconstruction, arXiv 2312.15840): a ViT image
// encoder and a transformer report encoder trained with a contrastive loss and masked
// reconstruction on the SAME masked inputs, with Mapping-before-Aggregation (MbA).
#include <cstdint>
#include <torch/torch.h>

#include "mcr/model/ModelConfig.h"
#include "mcr/model/torch/Encoders.h"
#include "mcr/model/torch/Layers.h"

namespace mcr::model {

enum class Objective {
  MCR,         // masked inputs only: one encoder pass per modality feeds every loss
  DualStream,  // unmasked inputs for the contrastive loss + masked inputs for reconstruction
};
const char* toString(Objective o);
Objective parseObjective(const std::string& text);  // "mcr" | "dual-stream"; std::invalid_argument

struct TrainBatch {
  torch::Tensor images;  // (B, 1, S, S) float in [0, 1]
  torch::Tensor ids;     // (B, L) int64, kPadId padded
  torch::Tensor groups;  // (B) int64: equal values = identical normalised report (extra positives); may be undefined
};

// The random part of one training step, drawn from an explicit generator so that a step
// is a pure function of (weights, batch, seed): this is what makes resume exact.
struct Masks {
  torch::Tensor keep;        // (B, K) int64 visible patch indices, ascending
  torch::Tensor patchMask;   // (B, N) float, 1 = masked (hidden) patch
  torch::Tensor maskedIds;   // (B, L) ids with the chosen tokens replaced by kMaskId
  torch::Tensor mlmTargets;  // (B, L) original id at masked positions, -100 elsewhere
};
Masks sampleMasks(const ModelConfig& config, const torch::Tensor& ids, int64_t batchSize, uint64_t seed);

struct Losses {
  torch::Tensor total, contrastive, reconstruction, mlm;  // scalars (float)
  torch::Tensor local;  // token-to-patch alignment; zero when config.localWeight is 0
};

// Shared-space output of one modality. embedding: (B, E) L2-normalised; tokens: (B, N, E)
// L2-normalised per-token shared-space features (MbA: exactly what was pooled; AbM: the
// mapping applied to each token, for display only); valid: (B, N) bool or undefined.
struct SharedSpace {
  torch::Tensor embedding, tokens, valid;
};

struct MCRModelImpl : torch::nn::Module {
  explicit MCRModelImpl(const ModelConfig& config);

  // Whole inputs, no masking (inference and the dual-stream contrastive pass).
  SharedSpace embedImages(const torch::Tensor& images);
  SharedSpace embedTexts(const torch::Tensor& ids);
  // Aggregation of encoder outputs (MbA or AbM per config).
  SharedSpace aggregateImage(const torch::Tensor& tokens);
  SharedSpace aggregateText(const torch::Tensor& tokens, const torch::Tensor& ids);

  // One training step's losses under the given objective.
  Losses losses(const TrainBatch& batch, const Masks& masks, Objective objective);

  // Symmetric InfoNCE with the learnable temperature; groups (B) marks extra positives.
  torch::Tensor contrastiveLoss(const torch::Tensor& img, const torch::Tensor& txt, const torch::Tensor& groups);
  // The same InfoNCE over a token-to-patch similarity: each content token of a report is
  // matched to its most similar patch of an image, and the matches are averaged.
  torch::Tensor localAlignmentLoss(const SharedSpace& image, const SharedSpace& text, const torch::Tensor& ids,
                                   const torch::Tensor& groups);
  // MSE on per-patch normalised pixels of the masked patches only (MAE's norm_pix_loss).
  torch::Tensor reconstructionLoss(const torch::Tensor& images, const torch::Tensor& predicted,
                                   const torch::Tensor& patchMask);
  torch::Tensor temperature() const;  // 1 / exp(logitScale), clamped like CLIP

  ModelConfig config;
  ImageEncoder image{nullptr};
  TextEncoder text{nullptr};
  MaeDecoder decoder{nullptr};
  MlmHead mlm{nullptr};
  TokenMapping imageMap{nullptr}, textMap{nullptr};
  AttentionPool imagePool{nullptr}, textPool{nullptr};
  torch::Tensor logitScale;  // scalar, log(1 / temperature)
};
TORCH_MODULE(MCRModel);

// Builds a model with deterministic initial weights for `seed`.
MCRModel makeModel(const ModelConfig& config, uint64_t seed);

}  // namespace mcr::model
