#pragma once
// Transformer building blocks, written here because LibTorch 1.13's TransformerEncoderLayer
// is post-norm and sequence-first. Every module is batch-first: (batch, tokens, dim).
// Needs LibTorch: include only from model, trainer, tests and benchmarks.
#include <torch/torch.h>

namespace mcr::model {

// Multi-head self-attention. keyPadding: (B, N) bool, true where a key must be ignored
// (a padding token); undefined when every token is real.
struct SelfAttentionImpl : torch::nn::Module {
  SelfAttentionImpl(int dim, int heads);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& keyPadding = {});
  int heads;
  torch::nn::Linear qkv{nullptr}, proj{nullptr};
};
TORCH_MODULE(SelfAttention);

// Pre-norm block: x + Attn(LN(x)), then x + MLP(LN(x)).
struct BlockImpl : torch::nn::Module {
  BlockImpl(int dim, int heads, int mlpRatio);
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& keyPadding = {});
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  SelfAttention attn{nullptr};
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Block);

// A stack of blocks followed by a final LayerNorm.
struct TransformerImpl : torch::nn::Module {
  TransformerImpl(int dim, int depth, int heads, int mlpRatio);
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& keyPadding = {});
  torch::nn::ModuleList blocks;
  torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(Transformer);

// The non-linear per-token mapping into the shared space: Linear -> GELU -> Linear.
// Non-linear on purpose: a linear map commutes with mean pooling, which would make MbA == AbM.
struct TokenMappingImpl : torch::nn::Module {
  TokenMappingImpl(int in, int hidden, int out);
  torch::Tensor forward(const torch::Tensor& x);  // (..., in) -> (..., out)
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(TokenMapping);

// Attention pooling with a learned scoring vector: softmax over the valid tokens of
// score(LN(x_i)), then the weighted sum of x_i. valid: (B, N) bool, undefined = all valid.
struct AttentionPoolImpl : torch::nn::Module {
  explicit AttentionPoolImpl(int dim);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& valid = {});
  torch::Tensor weights(const torch::Tensor& x, const torch::Tensor& valid = {});  // (B, N)
  torch::nn::LayerNorm norm{nullptr};
  torch::nn::Linear score{nullptr};
};
TORCH_MODULE(AttentionPool);

// LayerNorm in the dtype of its own weights: under bf16 autocast (fp32 weights) the
// input is promoted to fp32; in a model converted to bf16 it stays bf16.
inline torch::Tensor applyNorm(torch::nn::LayerNorm& norm, const torch::Tensor& x) {
  return norm->forward(x.to(norm->weight.scalar_type()));
}

// Xavier-uniform Linear weights, zero biases, N(0, 0.02) embeddings: the ViT/BERT defaults.
void initTransformerWeights(torch::nn::Module& module);

}  // namespace mcr::model
