#include "mcr/model/torch/Encoders.h"

#include <algorithm>

#include "mcr/tokenizer/Tokenizer.h"

namespace mcr::model {

torch::Tensor patchify(const torch::Tensor& images, int p) {
  const auto b = images.size(0), s = images.size(-1), g = s / p;
  // (B, 1, g, p, g, p) -> (B, g, g, p, p) -> (B, g*g, p*p)
  return images.reshape({b, g, p, g, p}).permute({0, 1, 3, 2, 4}).reshape({b, g * g, p * p});
}

namespace {
torch::Tensor gatherTokens(const torch::Tensor& x, const torch::Tensor& index) {
  return torch::gather(x, 1, index.unsqueeze(-1).expand({-1, -1, x.size(-1)}));
}
}  // namespace

ImageEncoderImpl::ImageEncoderImpl(const ModelConfig& c) : patchSize(c.patchSize) {
  patchEmbed = register_module("patchEmbed", torch::nn::Linear(c.patchSize * c.patchSize, c.imageDim));
  if (c.patchEmbedding == "conv") {
    // A per-patch convolutional branch added to the linear embedding. Channels double at each
    // halving and end at imageDim: 16 px patches into 192 dims go 1 -> 24 -> 48 -> 96 -> 192
    // over 8x8, 4x4, 2x2 and 1x1 maps. Default-initialised, the four convolutions shrink the
    // signal about 80-fold, so training starts from the plain linear ViT and grows the branch
    // where it helps. (The branch alone, with or without a LayerNorm after it, left the
    // contrastive loss at ln(batch) for 400 steps on the IU-phantom data.)
    int layers = 0;
    while ((1 << layers) < c.patchSize) ++layers;
    convStem = torch::nn::Sequential();
    int in = 1;
    for (int i = 1; i <= layers; ++i) {
      const int out = i == layers ? c.imageDim : std::max(8, c.imageDim >> (layers - i));
      convStem->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(2).padding(1)));
      if (i < layers) convStem->push_back(torch::nn::GELU());
      in = out;
    }
    register_module("convStem", convStem);
  }
  position = register_parameter("position", torch::randn({1, c.numPatches(), c.imageDim}) * 0.02);
  transformer = register_module("transformer", Transformer(c.imageDim, c.imageDepth, c.imageHeads, c.mlpRatio));
}

torch::Tensor ImageEncoderImpl::forward(const torch::Tensor& images, const torch::Tensor& keep) {
  // Centre the [0, 1] intensities; the patch embedding learns the rest of the scale.
  auto patches = patchify(images * 2.0 - 1.0, patchSize);
  if (convStem) {
    // Only the visible patches are embedded, each on its own: a masked patch's pixels cannot
    // reach a visible token.
    auto pos = position.expand({patches.size(0), -1, -1});
    if (keep.defined()) {
      patches = gatherTokens(patches, keep);
      pos = gatherTokens(pos, keep);
    }
    const auto b = patches.size(0), k = patches.size(1);
    auto detail = convStem->forward(patches.reshape({b * k, 1, patchSize, patchSize})).reshape({b, k, -1});
    return transformer->forward(patchEmbed->forward(patches) + detail + pos);
  }
  auto x = patchEmbed->forward(patches) + position;
  if (keep.defined()) x = gatherTokens(x, keep);
  return transformer->forward(x);
}

TextEncoderImpl::TextEncoderImpl(const ModelConfig& c) {
  tokenEmbed = register_module("tokenEmbed", torch::nn::Embedding(c.vocabSize, c.textDim));
  position = register_parameter("position", torch::randn({1, c.maxTokens, c.textDim}) * 0.02);
  transformer = register_module("transformer", Transformer(c.textDim, c.textDepth, c.textHeads, c.mlpRatio));
}

torch::Tensor TextEncoderImpl::forward(const torch::Tensor& ids) {
  const auto len = ids.size(1);
  auto x = tokenEmbed->forward(ids) + position.narrow(1, 0, len);
  return transformer->forward(x, ids.eq(tokenizer::kPadId));
}

MaeDecoderImpl::MaeDecoderImpl(const ModelConfig& c) : numPatches(c.numPatches()) {
  embed = register_module("embed", torch::nn::Linear(c.imageDim, c.decoderDim));
  maskToken = register_parameter("maskToken", torch::randn({1, 1, c.decoderDim}) * 0.02);
  position = register_parameter("position", torch::randn({1, c.numPatches(), c.decoderDim}) * 0.02);
  transformer = register_module("transformer", Transformer(c.decoderDim, c.decoderDepth, c.decoderHeads, c.mlpRatio));
  predict = register_module("predict", torch::nn::Linear(c.decoderDim, c.patchSize * c.patchSize));
}

torch::Tensor MaeDecoderImpl::forward(const torch::Tensor& visible, const torch::Tensor& keep) {
  auto v = embed->forward(visible);
  const auto b = v.size(0), d = v.size(2);
  // Scatter the visible tokens to their grid places; the mask token fills the rest.
  auto full = maskToken.to(v.scalar_type()).expand({b, numPatches, d}).clone();
  full = full.scatter(1, keep.unsqueeze(-1).expand({-1, -1, d}), v);
  return predict->forward(transformer->forward(full + position));
}

MlmHeadImpl::MlmHeadImpl(const ModelConfig& c) {
  dense = register_module("dense", torch::nn::Linear(c.textDim, c.textDim));
  norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.textDim}).eps(1e-6)));
  decoder = register_module("decoder", torch::nn::Linear(c.textDim, c.vocabSize));
}

torch::Tensor MlmHeadImpl::forward(const torch::Tensor& hidden) {
  return decoder->forward(applyNorm(norm, torch::gelu(dense->forward(hidden))));
}

}  // namespace mcr::model
