#include "mcr/model/torch/MCRModel.h"

#include <ATen/CPUGeneratorImpl.h>
#include <cmath>
#include <cstdint>

#include "mcr/tokenizer/Tokenizer.h"

namespace mcr::model {

const char* toString(Objective o) { return o == Objective::MCR ? "mcr" : "dual-stream"; }

Objective parseObjective(const std::string& text) {
  if (text == "mcr") return Objective::MCR;
  if (text == "dual-stream") return Objective::DualStream;
  throw std::invalid_argument("objective must be 'mcr' or 'dual-stream', not '" + text + "'");
}

Masks sampleMasks(const ModelConfig& c, const torch::Tensor& ids, int64_t batchSize, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  Masks m;
  // Image: keep a uniformly random subset of K patches per image (at least one).
  const int64_t n = c.numPatches();
  const int64_t hidden = std::min<int64_t>(n - 1, std::llround(c.imageMaskRatio * static_cast<double>(n)));
  const int64_t k = n - hidden;
  auto noise = at::rand({batchSize, n}, gen, torch::kFloat);
  m.keep = std::get<0>(torch::sort(noise.argsort(int64_t{1}).narrow(1, 0, k), 1));
  m.patchMask = torch::ones({batchSize, n}).scatter(1, m.keep, 0.0);

  // Text: mask round(ratio * content tokens) per report (at least one when it has any);
  // [CLS], [SEP] and padding are never masked. Masked tokens become [MASK].
  auto cpuIds = ids.to(torch::kCPU);
  auto content = cpuIds.ne(tokenizer::kPadId) & cpuIds.ne(tokenizer::kClsId) & cpuIds.ne(tokenizer::kSepId);
  auto count = content.sum(1).to(torch::kFloat);
  auto toMask = torch::where(count.gt(0), torch::clamp_min(torch::round(count * c.textMaskRatio), 1.0), count);
  auto textNoise = at::rand(cpuIds.sizes(), gen, torch::kFloat).masked_fill(content.logical_not(), 2.0);
  auto rank = textNoise.argsort(int64_t{1}).argsort(int64_t{1}).to(torch::kFloat);
  auto chosen = rank.lt(toMask.unsqueeze(1)) & content;
  m.maskedIds = cpuIds.masked_fill(chosen, tokenizer::kMaskId);
  m.mlmTargets = cpuIds.masked_fill(chosen.logical_not(), -100);
  return m;
}

MCRModelImpl::MCRModelImpl(const ModelConfig& c) : config(c) {
  config.validate();
  image = register_module("image", ImageEncoder(c));
  text = register_module("text", TextEncoder(c));
  decoder = register_module("decoder", MaeDecoder(c));
  mlm = register_module("mlm", MlmHead(c));
  imageMap = register_module("imageMap", TokenMapping(c.imageDim, c.mapHiddenDim, c.embeddingDim));
  textMap = register_module("textMap", TokenMapping(c.textDim, c.mapHiddenDim, c.embeddingDim));
  // MbA pools in the shared space, AbM in each encoder's own space.
  const bool mba = c.aggregation == Aggregation::MbA;
  imagePool = register_module("imagePool", AttentionPool(mba ? c.embeddingDim : c.imageDim));
  textPool = register_module("textPool", AttentionPool(mba ? c.embeddingDim : c.textDim));
  logitScale = register_parameter("logitScale", torch::tensor(std::log(1.0 / c.initialTemperature), torch::kFloat));
}

namespace {
torch::Tensor l2(const torch::Tensor& x) { return torch::nn::functional::normalize(x.to(torch::kFloat),
    torch::nn::functional::NormalizeFuncOptions().dim(-1).eps(1e-6)); }
}  // namespace

SharedSpace MCRModelImpl::aggregateImage(const torch::Tensor& tokens) {
  SharedSpace s;
  auto mapped = imageMap->forward(tokens);
  s.tokens = l2(mapped);
  if (config.aggregation == Aggregation::MbA)
    s.embedding = l2(imagePool->forward(mapped));
  else
    s.embedding = l2(imageMap->forward(imagePool->forward(tokens)));
  return s;
}

SharedSpace MCRModelImpl::aggregateText(const torch::Tensor& tokens, const torch::Tensor& ids) {
  SharedSpace s;
  s.valid = ids.ne(tokenizer::kPadId);
  auto mapped = textMap->forward(tokens);
  s.tokens = l2(mapped);
  if (config.aggregation == Aggregation::MbA)
    s.embedding = l2(textPool->forward(mapped, s.valid));
  else
    s.embedding = l2(textMap->forward(textPool->forward(tokens, s.valid)));
  return s;
}

SharedSpace MCRModelImpl::embedImages(const torch::Tensor& images) { return aggregateImage(image->forward(images)); }

SharedSpace MCRModelImpl::embedTexts(const torch::Tensor& ids) { return aggregateText(text->forward(ids), ids); }

torch::Tensor MCRModelImpl::temperature() const {
  return 1.0 / torch::exp(logitScale.clamp_max(std::log(100.0)));
}

namespace {
// Symmetric InfoNCE over (B, B) image-by-report logits; groups (B) marks extra positives.
torch::Tensor infoNce(const torch::Tensor& logits, const torch::Tensor& groups) {
  torch::Tensor target;
  if (groups.defined()) {
    target = groups.unsqueeze(1).eq(groups.unsqueeze(0)).to(torch::kFloat);
    target = target / target.sum(1, true);
  } else {
    target = torch::eye(logits.size(0), logits.options());
  }
  auto i2t = -(target * torch::log_softmax(logits, 1)).sum(1).mean();
  auto t2i = -(target * torch::log_softmax(logits.t(), 1)).sum(1).mean();  // target is symmetric
  return 0.5 * (i2t + t2i);
}
}  // namespace

torch::Tensor MCRModelImpl::contrastiveLoss(const torch::Tensor& img, const torch::Tensor& txt,
                                            const torch::Tensor& groups) {
  auto scale = torch::exp(logitScale.clamp_max(std::log(100.0)));
  // fp32 logits even under autocast (which runs the matmul in bf16): the softmax needs the range.
  auto logits = (scale * torch::matmul(img.to(torch::kFloat), txt.to(torch::kFloat).t())).to(torch::kFloat);
  return infoNce(logits, groups);
}

torch::Tensor MCRModelImpl::localAlignmentLoss(const SharedSpace& image, const SharedSpace& text,
                                               const torch::Tensor& ids, const torch::Tensor& groups) {
  // Words, not [CLS], [SEP], padding: a word such as "nodule" should find its patch.
  auto content = (ids.ne(tokenizer::kPadId) & ids.ne(tokenizer::kClsId) & ids.ne(tokenizer::kSepId)).to(torch::kFloat);
  // (reports, images, tokens, patches): cosine of every token with every patch; the best
  // patch per token, averaged over the report's words.
  auto sim = torch::einsum("rtd,ipd->ritp", {text.tokens, image.tokens});
  auto best = std::get<0>(sim.max(-1)).to(torch::kFloat);
  auto weights = content.unsqueeze(1);
  auto perPair = (best * weights).sum(-1) / weights.sum(-1).clamp_min(1.0);  // (reports, images)
  auto scale = torch::exp(logitScale.clamp_max(std::log(100.0)));
  return infoNce((scale * perPair.t()).to(torch::kFloat), groups);  // rows: images
}

torch::Tensor MCRModelImpl::reconstructionLoss(const torch::Tensor& images, const torch::Tensor& predicted,
                                               const torch::Tensor& patchMask) {
  auto target = patchify(images.to(torch::kFloat), config.patchSize);
  auto mean = target.mean(-1, true);
  auto var = target.var(-1, /*unbiased=*/true, /*keepdim=*/true);
  target = (target - mean) / torch::sqrt(var + 1e-6);
  auto perPatch = (predicted.to(torch::kFloat) - target).pow(2).mean(-1);  // (B, N)
  return (perPatch * patchMask).sum() / patchMask.sum().clamp_min(1.0);
}

Losses MCRModelImpl::losses(const TrainBatch& batch, const Masks& masks, Objective objective) {
  const auto device = batch.images.device();
  auto keep = masks.keep.to(device), patchMask = masks.patchMask.to(device);
  auto maskedIds = masks.maskedIds.to(device), targets = masks.mlmTargets.to(device);

  // Masked pass, one per modality: feeds reconstruction, MLM and (under MCR) the contrastive loss.
  auto visible = image->forward(batch.images, keep);
  auto reportTokens = text->forward(maskedIds);
  Losses l;
  l.reconstruction = reconstructionLoss(batch.images, decoder->forward(visible, keep), patchMask);
  auto where = targets.ne(-100);
  if (where.any().item<bool>()) {
    auto logits = mlm->forward(reportTokens.index({where})).to(torch::kFloat);
    l.mlm = torch::nn::functional::cross_entropy(logits, targets.index({where}));
  } else {
    l.mlm = torch::zeros({}, torch::TensorOptions().device(device));
  }
  SharedSpace img, txt;
  torch::Tensor contrastIds;
  if (objective == Objective::MCR) {
    img = aggregateImage(visible);
    txt = aggregateText(reportTokens, maskedIds);
    contrastIds = maskedIds;
  } else {
    img = embedImages(batch.images);
    txt = embedTexts(batch.ids);
    contrastIds = batch.ids;
  }
  torch::Tensor groups = batch.groups.defined() ? batch.groups.to(device) : torch::Tensor();
  l.contrastive = contrastiveLoss(img.embedding, txt.embedding, groups);
  l.local = config.localWeight > 0 ? localAlignmentLoss(img, txt, contrastIds, groups)
                                   : torch::zeros({}, torch::TensorOptions().device(device));
  l.total = config.contrastiveWeight * l.contrastive + config.reconstructionWeight * l.reconstruction +
            config.mlmWeight * l.mlm + config.localWeight * l.local;
  return l;
}

MCRModel makeModel(const ModelConfig& config, uint64_t seed) {
  torch::manual_seed(seed);
  MCRModel model(config);
  initTransformerWeights(*model);
  return model;
}

}  // namespace mcr::model
