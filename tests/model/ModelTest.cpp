// Shapes, masking counts, gradient flow and the MbA/AbM distinction.
#include <gtest/gtest.h>

#include <cmath>

#include "mcr/model/torch/Autocast.h"

#include "ModelTestUtil.h"
#include "mcr/model/torch/MCRModel.h"

namespace mcr::model {
namespace {

TEST(Patchify, PatchesAreRowMajorGridCells) {
  auto img = torch::arange(16 * 16, torch::kFloat).reshape({1, 1, 16, 16});
  auto p = patchify(img, 8);
  ASSERT_EQ(p.sizes(), (std::vector<int64_t>{1, 4, 64}));
  EXPECT_EQ(p[0][1][0].item<float>(), 8.0f);        // top-right patch starts at column 8
  EXPECT_EQ(p[0][2][0].item<float>(), 8.0f * 16);   // bottom-left patch starts at row 8
  EXPECT_EQ(p[0][0][9].item<float>(), 17.0f);       // second row of the first patch
}

TEST(Model, EncoderAndEmbeddingShapes) {
  auto tok = testing::tinyTokenizer();
  auto c = testing::tinyConfig();
  auto model = makeModel(c, 1);
  auto batch = testing::syntheticBatch(c, *tok, 3);
  auto img = model->embedImages(batch.images);
  EXPECT_EQ(img.embedding.sizes(), (std::vector<int64_t>{3, c.embeddingDim}));
  EXPECT_EQ(img.tokens.sizes(), (std::vector<int64_t>{3, c.numPatches(), c.embeddingDim}));
  auto txt = model->embedTexts(batch.ids);
  EXPECT_EQ(txt.embedding.sizes(), (std::vector<int64_t>{3, c.embeddingDim}));
  EXPECT_EQ(txt.tokens.size(1), batch.ids.size(1));
  EXPECT_TRUE(torch::allclose(img.embedding.norm(2, 1), torch::ones({3}), 1e-4, 1e-4));
  EXPECT_TRUE(torch::allclose(txt.embedding.norm(2, 1), torch::ones({3}), 1e-4, 1e-4));
  EXPECT_TRUE(torch::allclose(img.tokens.norm(2, -1), torch::ones({3, c.numPatches()}), 1e-4, 1e-4));
  auto decoded = model->decoder->forward(model->image->forward(batch.images), torch::arange(c.numPatches()).repeat({3, 1}));
  EXPECT_EQ(decoded.sizes(), (std::vector<int64_t>{3, c.numPatches(), c.patchSize * c.patchSize}));
}

TEST(Model, PaddingDoesNotChangeTheTextEmbedding) {
  auto tok = testing::tinyTokenizer();
  auto c = testing::tinyConfig();
  auto model = makeModel(c, 1);
  model->eval();
  auto ids = torch::tensor(tok->encode("right pleural effusion.", c.maxTokens), torch::kLong).unsqueeze(0);
  auto padded = torch::cat({ids, torch::zeros({1, 5}, torch::kLong)}, 1);
  auto a = model->embedTexts(ids).embedding, b = model->embedTexts(padded).embedding;
  EXPECT_TRUE(torch::allclose(a, b, 1e-5, 1e-5));
}

TEST(Masking, CountsFollowTheRatios) {
  auto tok = testing::tinyTokenizer();
  auto c = testing::tinyConfig();
  c.imageMaskRatio = 0.75;
  c.textMaskRatio = 0.25;
  auto batch = testing::syntheticBatch(c, *tok, 4);
  auto m = sampleMasks(c, batch.ids, 4, 123);
  const int64_t n = c.numPatches();  // 16
  EXPECT_EQ(m.keep.sizes(), (std::vector<int64_t>{4, n - 12}));
  EXPECT_TRUE(torch::equal(m.patchMask.sum(1), torch::full({4}, 12.0f)));
  // Kept indices are unmasked, ascending and distinct.
  EXPECT_EQ(m.patchMask.gather(1, m.keep).sum().item<float>(), 0.0f);
  EXPECT_TRUE(m.keep.diff(1, 1).gt(0).all().item<bool>());
  for (int i = 0; i < 4; ++i) {
    auto row = batch.ids[i];
    const auto content = (row.ne(0) & row.ne(2) & row.ne(3)).sum().item<int64_t>();
    const auto masked = m.maskedIds[i].eq(tokenizer::kMaskId).sum().item<int64_t>();
    EXPECT_EQ(masked, std::max<int64_t>(1, std::llround(content * 0.25))) << "row " << i;
    // Targets hold the original ids exactly where [MASK] was put; specials are never masked.
    auto where = m.mlmTargets[i].ne(-100);
    EXPECT_TRUE(torch::equal(where, m.maskedIds[i].eq(tokenizer::kMaskId)));
    EXPECT_TRUE(torch::equal(m.mlmTargets[i].masked_select(where), row.masked_select(where)));
    EXPECT_EQ(m.maskedIds[i][0].item<int64_t>(), tokenizer::kClsId);
  }
  // The same seed gives the same masks; another seed another.
  auto again = sampleMasks(c, batch.ids, 4, 123);
  EXPECT_TRUE(torch::equal(again.keep, m.keep));
  EXPECT_TRUE(torch::equal(again.maskedIds, m.maskedIds));
  EXPECT_FALSE(torch::equal(sampleMasks(c, batch.ids, 4, 124).keep, m.keep));
}

void expectGradientsEverywhere(Objective objective, Aggregation aggregation, const std::string& patchEmbedding = "linear") {
  auto tok = testing::tinyTokenizer();
  auto c = testing::tinyConfig(aggregation);
  c.patchEmbedding = patchEmbedding;
  auto model = makeModel(c, 3);
  auto batch = testing::syntheticBatch(c, *tok, 6);
  auto masks = sampleMasks(c, batch.ids, 6, 9);
  auto l = model->losses(batch, masks, objective);
  ASSERT_TRUE(std::isfinite(l.total.item<double>()));
  EXPECT_GT(l.contrastive.item<double>(), 0.0);
  EXPECT_GT(l.reconstruction.item<double>(), 0.0);
  EXPECT_GT(l.mlm.item<double>(), 0.0);
  l.total.backward();
  for (const auto& p : model->named_parameters()) {
    const auto& g = p.value().grad();
    ASSERT_TRUE(g.defined()) << p.key() << " gets no gradient under " << toString(objective);
    EXPECT_TRUE(g.isfinite().all().item<bool>()) << p.key();
    // The pooling score's bias is added to every score and cancels in the softmax: its
    // gradient is zero up to rounding.
    if (p.key().find("Pool.score.bias") != std::string::npos) {
      EXPECT_LT(g.abs().max().item<double>(), 1e-4) << p.key();
      continue;
    }
    // Embedding rows of tokens absent from the batch legitimately get zero; the rest must not.
    if (p.key() != "text.tokenEmbed.weight") {
      EXPECT_GT(g.abs().sum().item<double>(), 0.0) << p.key() << " has an all-zero gradient under " << toString(objective);
    }
  }
}

TEST(Gradients, ReachEveryParameterUnderMCR) { expectGradientsEverywhere(Objective::MCR, Aggregation::MbA); }
TEST(Gradients, ReachEveryParameterUnderDualStream) { expectGradientsEverywhere(Objective::DualStream, Aggregation::MbA); }
TEST(Gradients, ReachEveryParameterUnderMCRWithAbM) { expectGradientsEverywhere(Objective::MCR, Aggregation::AbM); }
TEST(Gradients, ReachEveryParameterWithTheConvPatchEmbedding) {
  expectGradientsEverywhere(Objective::MCR, Aggregation::MbA, "conv");
  expectGradientsEverywhere(Objective::DualStream, Aggregation::MbA, "conv");
}

TEST(ConvPatchEmbedding, OneTokenPerPatchAndMaskedPixelsNeverReachVisibleTokens) {
  auto c = testing::tinyConfig(Aggregation::MbA);
  c.patchEmbedding = "conv";  // tiny: 8 px patches -> three stride-2 convolutions
  torch::manual_seed(4);
  ImageEncoder encoder(c);
  ASSERT_EQ(encoder->convStem->size(), 5u);  // conv, GELU, conv, GELU, conv
  auto images = torch::rand({2, 1, c.imageSize, c.imageSize});
  const int64_t n = c.numPatches();
  EXPECT_EQ(encoder->forward(images).sizes(), (std::vector<int64_t>{2, n, c.imageDim}));
  // Keep the even patches; scribble over every odd (masked) one.
  auto keep = torch::arange(0, n, 2, torch::kLong).unsqueeze(0).expand({2, -1}).contiguous();
  auto visible = encoder->forward(images, keep);
  EXPECT_EQ(visible.sizes(), (std::vector<int64_t>{2, n / 2, c.imageDim}));
  auto patches = patchify(images, c.patchSize);
  auto odd = torch::arange(1, n, 2, torch::kLong);
  patches.index_put_({torch::indexing::Slice(), odd}, torch::rand({2, n / 2, c.patchSize * c.patchSize}));
  const int64_t g = c.gridSize(), p = c.patchSize;
  auto scribbled = patches.reshape({2, g, g, p, p}).permute({0, 1, 3, 2, 4}).reshape({2, 1, g * p, g * p});
  ASSERT_TRUE(torch::equal(patchify(scribbled, p).index({torch::indexing::Slice(), torch::arange(0, n, 2, torch::kLong)}),
                           patchify(images, p).index({torch::indexing::Slice(), torch::arange(0, n, 2, torch::kLong)})));
  EXPECT_TRUE(torch::allclose(encoder->forward(scribbled, keep), visible));
  // Without the mask the scribbles do change the encoding (the check above is not vacuous).
  EXPECT_FALSE(torch::allclose(encoder->forward(scribbled), encoder->forward(images)));
  // Each kept token carries its own patch and position: keeping every patch in another order
  // permutes the output rows (attention is permutation-equivariant).
  auto order = torch::randperm(n, torch::kLong);
  EXPECT_TRUE(torch::allclose(encoder->forward(images, order.unsqueeze(0).expand({2, -1}).contiguous()),
                              encoder->forward(images).index_select(1, order), 1e-5, 1e-5));
}

TEST(Aggregation, MbAAndAbMDifferNumerically) {
  auto tok = testing::tinyTokenizer();
  auto mbaModel = makeModel(testing::tinyConfig(Aggregation::MbA), 5);
  auto abmModel = makeModel(testing::tinyConfig(Aggregation::AbM), 5);
  // Give both the same encoders and mapping, and uniform pooling, so that the ONLY difference
  // is the order of mapping and pooling: a non-linear map does not commute with the mean.
  torch::NoGradGuard g;
  auto src = mbaModel->named_parameters();
  for (auto& p : abmModel->named_parameters())
    if (p.key().rfind("imagePool", 0) != 0 && p.key().rfind("textPool", 0) != 0) p.value().copy_(src[p.key()]);
  for (auto* m : {&mbaModel, &abmModel}) {
    (*m)->imagePool->score->weight.zero_();
    (*m)->textPool->score->weight.zero_();
  }
  auto batch = testing::syntheticBatch(mbaModel->config, *tok, 4);
  auto a = mbaModel->embedImages(batch.images).embedding, b = abmModel->embedImages(batch.images).embedding;
  EXPECT_GT((a - b).abs().max().item<double>(), 1e-3);
  auto ta = mbaModel->embedTexts(batch.ids).embedding, tb = abmModel->embedTexts(batch.ids).embedding;
  EXPECT_GT((ta - tb).abs().max().item<double>(), 1e-3);
  // Sanity of the construction: with the mapping replaced by a linear one, both orders agree.
  for (auto* m : {&mbaModel, &abmModel}) {
    (*m)->imageMap->fc1->weight.copy_(torch::eye(mbaModel->config.mapHiddenDim, mbaModel->config.imageDim));
    (*m)->imageMap->fc1->bias.fill_(10.0);  // keeps GELU in its linear range (x > 0 region ~ identity)
  }
  a = mbaModel->embedImages(batch.images).embedding;
  b = abmModel->embedImages(batch.images).embedding;
  EXPECT_LT((a - b).abs().max().item<double>(), 1e-3);
}

// Reference: symmetric InfoNCE with soft targets spread evenly over each row's group.
double referenceInfoNce(const torch::Tensor& img, const torch::Tensor& txt, const std::vector<int>& groups, double scale) {
  const auto n = img.size(0);
  auto sim = torch::matmul(img, txt.t()).to(torch::kDouble);
  double total = 0;
  for (int dir = 0; dir < 2; ++dir) {
    for (int64_t i = 0; i < n; ++i) {
      std::vector<double> logits;
      double maxLogit = -1e300;
      for (int64_t j = 0; j < n; ++j) {
        logits.push_back(scale * (dir == 0 ? sim[i][j] : sim[j][i]).item<double>());
        maxLogit = std::max(maxLogit, logits.back());
      }
      double z = 0;
      for (double l : logits) z += std::exp(l - maxLogit);
      int positives = 0;
      for (int64_t j = 0; j < n; ++j) positives += groups[j] == groups[i];
      for (int64_t j = 0; j < n; ++j)
        if (groups[j] == groups[i]) total -= (logits[j] - maxLogit - std::log(z)) / positives;
    }
  }
  return total / (2.0 * n);
}

TEST(Contrastive, MatchesTheReferenceWithAndWithoutGroups) {
  auto c = testing::tinyConfig();
  auto model = makeModel(c, 1);
  torch::manual_seed(4);
  auto unit = [&](torch::Tensor t) {
    return torch::nn::functional::normalize(t, torch::nn::functional::NormalizeFuncOptions().dim(1));
  };
  auto img = unit(torch::randn({5, c.embeddingDim})), txt = unit(torch::randn({5, c.embeddingDim}));
  const double scale = 1.0 / c.initialTemperature;
  auto plain = model->contrastiveLoss(img, txt, {}).item<double>();
  EXPECT_NEAR(plain, referenceInfoNce(img, txt, {0, 1, 2, 3, 4}, scale), 1e-4);
  // Items 0 and 1 share a report: their cross pairs count as positives, not negatives.
  auto grouped = model->contrastiveLoss(img, txt, torch::tensor({7, 7, 1, 2, 3}, torch::kLong)).item<double>();
  EXPECT_NEAR(grouped, referenceInfoNce(img, txt, {7, 7, 1, 2, 3}, scale), 1e-4);
  EXPECT_GT(std::abs(plain - grouped), 1e-3);
  EXPECT_NEAR(model->temperature().item<double>(), c.initialTemperature, 1e-6);
}

TEST(LocalAlignment, RewardsTheReportWhoseWordFindsAPatch) {
  auto c = testing::tinyConfig();
  auto model = makeModel(c, 1);
  // Two images of two patches and two reports of one word each (ids: [CLS] w [SEP] [PAD]).
  // Report r's word equals a patch of image r and is orthogonal to every patch of the other.
  auto e = [&](int k) { return torch::one_hot(torch::tensor({k}), c.embeddingDim).to(torch::kFloat)[0]; };
  SharedSpace image, text;
  image.tokens = torch::stack({torch::stack({e(0), e(2)}), torch::stack({e(3), e(1)})});
  text.tokens = torch::stack({torch::stack({e(5), e(0), e(6), e(7)}), torch::stack({e(5), e(1), e(6), e(7)})});
  const std::vector<int64_t> idList{tokenizer::kClsId, 40, tokenizer::kSepId, tokenizer::kPadId,
                                    tokenizer::kClsId, 41, tokenizer::kSepId, tokenizer::kPadId};
  auto ids = torch::tensor(idList, torch::kLong).view({2, 4});
  const double scale = 1.0 / c.initialTemperature;
  // Only the words count: per-pair similarity is the identity, whatever [CLS]/[SEP]/[PAD] hold.
  auto matched = model->localAlignmentLoss(image, text, ids, {}).item<double>();
  auto identity = torch::eye(2);
  EXPECT_NEAR(matched, referenceInfoNce(identity, identity, {0, 1}, scale), 1e-4);
  // Swapping the reports makes every word meet the wrong image: the loss rises.
  SharedSpace swapped = text;
  swapped.tokens = text.tokens.flip(0);
  EXPECT_GT(model->localAlignmentLoss(image, swapped, ids.flip(0), {}).item<double>(), matched + 1.0);
}

TEST(LocalAlignment, OffByDefaultAndTrainsWhenOn) {
  auto tok = testing::tinyTokenizer();
  auto c = testing::tinyConfig();
  auto batch = testing::syntheticBatch(c, *tok, 6);
  auto masks = sampleMasks(c, batch.ids, 6, 9);
  auto off = makeModel(c, 3)->losses(batch, masks, Objective::MCR);
  EXPECT_EQ(off.local.item<double>(), 0.0);
  c.localWeight = 0.5;
  auto on = makeModel(c, 3);
  auto l = on->losses(batch, masks, Objective::MCR);
  EXPECT_GT(l.local.item<double>(), 0.0);
  EXPECT_NEAR(l.total.item<double>(), off.total.item<double>() + 0.5 * l.local.item<double>(), 1e-4);
  // Its gradient reaches both encoders through the per-token mappings.
  on->zero_grad();
  l.local.backward();
  for (const char* name : {"imageMap.fc1.weight", "textMap.fc1.weight", "image.patchEmbed.weight", "logitScale"})
    EXPECT_GT(on->named_parameters()[name].grad().abs().sum().item<double>(), 0.0) << name;
}

TEST(Autocast, Bf16LossesAreFiniteWithAndWithoutGroups) {
  auto tok = testing::tinyTokenizer();
  auto c = testing::tinyConfig();
  c.localWeight = 0.5;  // every loss term, the token-to-patch one included
  auto model = makeModel(c, 2);
  auto batch = testing::syntheticBatch(c, *tok, 4);
  auto masks = sampleMasks(c, batch.ids, 4, 3);
  Losses grouped, plain;
  {
    AutocastScope bf16(torch::kCPU, true);
    grouped = model->losses(batch, masks, Objective::MCR);
    batch.groups = torch::Tensor();
    plain = model->losses(batch, masks, Objective::DualStream);
  }
  for (const auto& l : {grouped, plain}) {
    EXPECT_EQ(l.total.scalar_type(), torch::kFloat);
    EXPECT_TRUE(std::isfinite(l.total.item<double>()));
  }
  plain.total.backward();
}

}  // namespace
}  // namespace mcr::model
