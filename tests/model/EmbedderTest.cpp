// The public, torch-free Embedder over a real bundle file.
#include "mcr/model/Embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "ModelTestUtil.h"
#include "mcr/model/torch/BundleIO.h"

namespace mcr::model {
namespace {

class EmbedderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path = (std::filesystem::temp_directory_path() / ("mcr_embedder_test_" + std::to_string(::getpid()) + ".bundle")).string();
    auto tok = testing::tinyTokenizer();
    auto model = makeModel(testing::tinyConfig(), 21);
    saveModelBundle(path, "mcr-embedder-test", model, *tok, "{}");
  }
  static void TearDownTestSuite() { std::remove(path.c_str()); }
  static std::string path;
};
std::string EmbedderTest::path;

image::GrayImage gradient(int w, int h, float phase) {
  image::GrayImage img;
  img.width = w;
  img.height = h;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) img.pixels.push_back(0.5f + 0.5f * std::sin(phase + 0.1f * x + 0.07f * y));
  return img;
}

void expectUnitRows(const Embeddings& e) {
  for (std::size_t i = 0; i < e.count; ++i) {
    double n = 0;
    for (std::size_t j = 0; j < e.dim; ++j) n += e.row(i)[j] * e.row(i)[j];
    EXPECT_NEAR(std::sqrt(n), 1.0, 1e-3);
  }
}

TEST_F(EmbedderTest, InfoComesFromTheBundle) {
  auto e = Embedder::load(path, "cpu", "fp32");
  EXPECT_EQ(e->info().embeddingDim, testing::tinyConfig().embeddingDim);
  EXPECT_EQ(e->info().imageSize, 32);
  EXPECT_EQ(e->info().maxTokens, 32);
  EXPECT_EQ(e->info().name, "mcr-embedder-test");
  EXPECT_EQ(e->info().precision, "fp32");
  EXPECT_EQ(e->info().device, "cpu");
  EXPECT_EQ(e->info().fingerprint.size(), 64u);
}

TEST_F(EmbedderTest, EmbedsImagesOfAnySizeAndTextsBatchedAndNormalised) {
  auto e = Embedder::load(path, "cpu", "fp32");
  std::vector<image::GrayImage> images = {gradient(32, 32, 0), gradient(100, 60, 1), gradient(7, 300, 2)};
  auto ie = e->embedImages(images);
  ASSERT_EQ(ie.count, 3u);
  ASSERT_EQ(ie.dim, static_cast<std::size_t>(e->info().embeddingDim));
  expectUnitRows(ie);
  // Batched == one by one.
  auto single = e->embedImages({images[1]});
  for (std::size_t j = 0; j < ie.dim; ++j) EXPECT_NEAR(single.row(0)[j], ie.row(1)[j], 1e-4);

  auto te = e->embedTexts({"Cardiomegaly.", "", "right pleural effusion. " + std::string(2000, 'x')});
  ASSERT_EQ(te.count, 3u);
  expectUnitRows(te);
  EXPECT_EQ(e->embedTexts({}).count, 0u);
  EXPECT_EQ(e->embedImages({}).count, 0u);
}

TEST_F(EmbedderTest, PatchFeaturesCoverTheGrid) {
  auto e = Embedder::load(path, "cpu", "fp32");
  auto f = e->embedImagePatches(gradient(64, 64, 0));
  EXPECT_EQ(f.gridSize, 4);
  EXPECT_EQ(f.patches.count, 16u);
  expectUnitRows(f.patches);
}

TEST_F(EmbedderTest, BadImagesAreRejectedClearly) {
  auto e = Embedder::load(path, "cpu", "fp32");
  image::GrayImage empty;
  EXPECT_THROW(e->embedImages({empty}), std::invalid_argument);
  image::GrayImage lying = gradient(10, 10, 0);
  lying.width = 11;
  EXPECT_THROW(e->embedImages({lying}), std::invalid_argument);
}

TEST_F(EmbedderTest, Bf16AgreesWithFp32) {
  auto fp32 = Embedder::load(path, "cpu", "fp32");
  auto bf16 = Embedder::load(path, "cpu", "bf16");
  EXPECT_EQ(bf16->info().precision, "bf16");
  std::vector<image::GrayImage> images;
  for (int i = 0; i < 8; ++i) images.push_back(gradient(48, 48, static_cast<float>(i)));
  auto a = fp32->embedImages(images), b = bf16->embedImages(images);
  for (std::size_t i = 0; i < a.count; ++i) {
    double dot = 0;
    for (std::size_t j = 0; j < a.dim; ++j) dot += a.row(i)[j] * b.row(i)[j];
    EXPECT_GT(dot, 0.98) << "image " << i;
  }
}

TEST_F(EmbedderTest, BadDeviceOrPrecisionIsABundleError) {
  EXPECT_THROW(Embedder::load(path, "tpu"), BundleError);
  EXPECT_THROW(Embedder::load(path, "cpu", "fp8"), BundleError);
  EXPECT_THROW(Embedder::load(path + ".missing"), BundleError);
}

TEST_F(EmbedderTest, ConcurrentCallersGetTheSameAnswers) {
  auto e = Embedder::load(path, "cpu", "fp32");
  const auto expected = e->embedTexts({"a pacemaker is seen."}).values;
  const auto expectedImg = e->embedImages({gradient(40, 40, 3)}).values;
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        if (e->embedTexts({"a pacemaker is seen."}).values != expected) ++mismatches;
        if (e->embedImages({gradient(40, 40, 3)}).values != expectedImg) ++mismatches;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace mcr::model
