#include "mcr/model/torch/Layers.h"

#include <cmath>

namespace mcr::model {

SelfAttentionImpl::SelfAttentionImpl(int dim, int heads_) : heads(heads_) {
  qkv = register_module("qkv", torch::nn::Linear(dim, 3 * dim));
  proj = register_module("proj", torch::nn::Linear(dim, dim));
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& keyPadding) {
  const auto b = x.size(0), n = x.size(1), d = x.size(2);
  const auto headDim = d / heads;
  // (B, N, 3, H, Dh) -> 3 x (B, H, N, Dh)
  auto parts = qkv->forward(x).reshape({b, n, 3, heads, headDim}).permute({2, 0, 3, 1, 4});
  auto q = parts[0], k = parts[1], v = parts[2];
  auto scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(headDim)));
  if (keyPadding.defined())
    scores = scores.masked_fill(keyPadding.view({b, 1, 1, n}), -std::numeric_limits<float>::infinity());
  auto attn = torch::softmax(scores, -1);
  auto out = torch::matmul(attn, v).transpose(1, 2).reshape({b, n, d});
  return proj->forward(out);
}

BlockImpl::BlockImpl(int dim, int heads, int mlpRatio) {
  norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6)));
  attn = register_module("attn", SelfAttention(dim, heads));
  norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6)));
  fc1 = register_module("fc1", torch::nn::Linear(dim, dim * mlpRatio));
  fc2 = register_module("fc2", torch::nn::Linear(dim * mlpRatio, dim));
}

torch::Tensor BlockImpl::forward(torch::Tensor x, const torch::Tensor& keyPadding) {
  x = x + attn->forward(applyNorm(norm1, x), keyPadding);
  return x + fc2->forward(torch::gelu(fc1->forward(applyNorm(norm2, x))));
}

TransformerImpl::TransformerImpl(int dim, int depth, int heads, int mlpRatio) {
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int i = 0; i < depth; ++i) blocks->push_back(Block(dim, heads, mlpRatio));
  norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6)));
}

torch::Tensor TransformerImpl::forward(torch::Tensor x, const torch::Tensor& keyPadding) {
  for (const auto& block : *blocks) x = block->as<Block>()->forward(x, keyPadding);
  return applyNorm(norm, x);
}

TokenMappingImpl::TokenMappingImpl(int in, int hidden, int out) {
  fc1 = register_module("fc1", torch::nn::Linear(in, hidden));
  fc2 = register_module("fc2", torch::nn::Linear(hidden, out));
}

torch::Tensor TokenMappingImpl::forward(const torch::Tensor& x) { return fc2->forward(torch::gelu(fc1->forward(x))); }

AttentionPoolImpl::AttentionPoolImpl(int dim) {
  norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6)));
  score = register_module("score", torch::nn::Linear(dim, 1));
}

torch::Tensor AttentionPoolImpl::weights(const torch::Tensor& x, const torch::Tensor& valid) {
  auto s = score->forward(applyNorm(norm, x)).squeeze(-1).to(torch::kFloat);  // (B, N)
  if (valid.defined()) s = s.masked_fill(valid.logical_not(), -std::numeric_limits<float>::infinity());
  return torch::softmax(s, -1);
}

torch::Tensor AttentionPoolImpl::forward(const torch::Tensor& x, const torch::Tensor& valid) {
  auto w = weights(x, valid).to(x.scalar_type());
  return (w.unsqueeze(-1) * x).sum(1);
}

void initTransformerWeights(torch::nn::Module& module) {
  torch::NoGradGuard noGrad;
  for (auto& m : module.modules(/*include_self=*/true)) {
    if (auto* linear = m->as<torch::nn::Linear>()) {
      torch::nn::init::xavier_uniform_(linear->weight);
      if (linear->bias.defined()) torch::nn::init::zeros_(linear->bias);
    } else if (auto* emb = m->as<torch::nn::Embedding>()) {
      torch::nn::init::normal_(emb->weight, 0.0, 0.02);
    }
  }
}

}  // namespace mcr::model
