#pragma once
// The two encoders and the MAE decoder of the MCR model (LibTorch).
#include <torch/torch.h>

#include "mcr/model/ModelConfig.h"
#include "mcr/model/torch/Layers.h"

namespace mcr::model {

// (B, 1, S, S) -> (B, N, P*P), patches in row-major grid order.
torch::Tensor patchify(const torch::Tensor& images, int patchSize);

// ViT over a single-channel image. No [CLS]: the embedding comes from aggregating the
// patch tokens (MbA or AbM), so every output token is a patch with a place on the grid.
struct ImageEncoderImpl : torch::nn::Module {
  explicit ImageEncoderImpl(const ModelConfig& config);
  // images: (B, 1, S, S) in [0, 1]. keep: (B, K) int64 indices of the visible patches,
  // undefined = all patches. Returns (B, K or N, imageDim).
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& keep = {});
  int patchSize;
  torch::nn::Linear patchEmbed{nullptr};
  torch::nn::Sequential convStem{nullptr};  // patchEmbedding "conv" only: a branch added to patchEmbed
  torch::Tensor position;  // (1, N, imageDim)
  Transformer transformer{nullptr};
};
TORCH_MODULE(ImageEncoder);

// Transformer over tokenizer ids with learned positions; [CLS] is the tokenizer's first id.
struct TextEncoderImpl : torch::nn::Module {
  explicit TextEncoderImpl(const ModelConfig& config);
  // ids: (B, L) int64 with kPadId padding, L <= maxTokens. Returns (B, L, textDim).
  torch::Tensor forward(const torch::Tensor& ids);
  torch::nn::Embedding tokenEmbed{nullptr};
  torch::Tensor position;  // (1, maxTokens, textDim)
  Transformer transformer{nullptr};
};
TORCH_MODULE(TextEncoder);

// Light MAE decoder: visible tokens + a shared mask token at every hidden position,
// decoded to the pixels of every patch.
struct MaeDecoderImpl : torch::nn::Module {
  explicit MaeDecoderImpl(const ModelConfig& config);
  // visible: (B, K, imageDim) from ImageEncoder with `keep` (B, K). Returns (B, N, P*P).
  torch::Tensor forward(const torch::Tensor& visible, const torch::Tensor& keep);
  int numPatches;
  torch::nn::Linear embed{nullptr};
  torch::Tensor maskToken;  // (1, 1, decoderDim)
  torch::Tensor position;   // (1, N, decoderDim)
  Transformer transformer{nullptr};
  torch::nn::Linear predict{nullptr};
};
TORCH_MODULE(MaeDecoder);

// Masked-token prediction head: Linear -> GELU -> LN -> Linear(vocab).
struct MlmHeadImpl : torch::nn::Module {
  explicit MlmHeadImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& hidden);  // (M, textDim) -> (M, vocab)
  torch::nn::Linear dense{nullptr}, decoder{nullptr};
  torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(MlmHead);

}  // namespace mcr::model
