// Config JSON, the bundle file format and its failure modes.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ModelTestUtil.h"
#include "mcr/model/Bundle.h"
#include "mcr/model/torch/BundleIO.h"

namespace mcr::model {
namespace {

namespace fs = std::filesystem;

std::string tempPath(const std::string& name) {
  return (fs::temp_directory_path() / ("mcr_model_test_" + std::to_string(::getpid()) + "_" + name)).string();
}

std::string readAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

void writeAll(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Expects BundleError whose message contains `needle`.
template <typename F>
void expectBundleError(F&& f, const std::string& needle) {
  try {
    f();
    FAIL() << "expected BundleError containing '" << needle << "'";
  } catch (const BundleError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(ModelConfig, JsonRoundTripKeepsEveryField) {
  ModelConfig c = presetConfig("small");
  c.vocabSize = 777;
  c.aggregation = Aggregation::AbM;
  c.imageMaskRatio = 0.625;
  c.mlmWeight = 0.25;
  const std::string json = toJson(c);
  ModelConfig back = configFromJson(json);
  EXPECT_EQ(toJson(back), json);
  EXPECT_EQ(back.aggregation, Aggregation::AbM);
  EXPECT_EQ(back.vocabSize, 777);
  EXPECT_DOUBLE_EQ(back.imageMaskRatio, 0.625);
  EXPECT_EQ(back.numPatches(), 64);
}

TEST(ModelConfig, LocalWeightIsStoredOnlyWhenOn) {
  // Bundles written before the local alignment loss existed have no such key; their config
  // JSON (and so their fingerprint) must not change when they are re-serialised.
  ModelConfig c = presetConfig("tiny");
  c.vocabSize = 100;
  EXPECT_EQ(toJson(c).find("localWeight"), std::string::npos);
  EXPECT_DOUBLE_EQ(configFromJson(toJson(c)).localWeight, 0.0);
  c.localWeight = 0.5;
  EXPECT_NE(toJson(c).find("\"localWeight\":5E-1"), std::string::npos) << toJson(c);
  EXPECT_DOUBLE_EQ(configFromJson(toJson(c)).localWeight, 0.5);
  c.localWeight = -1;
  EXPECT_THROW(c.validate(), std::invalid_argument);
}

TEST(ModelConfig, PatchEmbeddingIsStoredOnlyWhenConv) {
  ModelConfig c = presetConfig("small");
  c.vocabSize = 100;
  EXPECT_EQ(toJson(c).find("patchEmbedding"), std::string::npos);  // old bundles keep their fingerprint
  EXPECT_EQ(configFromJson(toJson(c)).patchEmbedding, "linear");
  c.patchEmbedding = "conv";
  EXPECT_NO_THROW(c.validate());
  EXPECT_EQ(configFromJson(toJson(c)).patchEmbedding, "conv");
  c.patchSize = 32;  // another power of two
  EXPECT_NO_THROW(c.validate());
  c.imageSize = 96;
  c.patchSize = 12;  // not a power of two: the stride-2 stack cannot reach one token
  EXPECT_THROW(c.validate(), std::invalid_argument);
  c.patchSize = 16;
  c.patchEmbedding = "cnn";
  EXPECT_THROW(c.validate(), std::invalid_argument);
}

TEST(ModelConfig, AnUnknownKeyIsRefusedByName) {
  ModelConfig c = presetConfig("tiny");
  c.vocabSize = 100;
  std::string json = toJson(c);
  json.insert(json.size() - 1, ",\"rotaryPositions\":true");  // before the closing brace
  try {
    configFromJson(json);
    ADD_FAILURE() << "an unknown key was ignored";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'rotaryPositions'"), std::string::npos) << e.what();
  }
}

TEST(ModelConfig, RejectsInconsistentOrUnknown) {
  EXPECT_THROW(presetConfig("huge"), std::invalid_argument);
  ModelConfig c = presetConfig("tiny");
  c.vocabSize = 100;
  c.patchSize = 7;  // 64 is not a multiple of 7
  EXPECT_THROW(c.validate(), std::invalid_argument);
  EXPECT_THROW(configFromJson("{\"preset\": \"tiny\"}"), std::invalid_argument);
  EXPECT_THROW(configFromJson("not json"), std::invalid_argument);
  EXPECT_THROW(parseAggregation("mean"), std::invalid_argument);
}

TEST(Sha256, MatchesKnownVectors) {
  EXPECT_EQ(sha256Hex("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";  // 56 bytes: two-block padding
  EXPECT_EQ(sha256Hex(two.data(), two.size()), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tok = testing::tinyTokenizer();
    model = makeModel(testing::tinyConfig(), 7);
    path = tempPath("roundtrip.bundle");
    fingerprint = saveModelBundle(path, "mcr-test", model, *tok, R"({"data":"unit test","steps":0})");
  }
  void TearDown() override { std::remove(path.c_str()); }
  std::unique_ptr<tokenizer::Tokenizer> tok;
  MCRModel model{nullptr};
  std::string path, fingerprint;
};

TEST_F(BundleTest, RoundTripRestoresWeightsConfigTokenizerAndFingerprint) {
  auto loaded = loadModelBundle(path);
  EXPECT_EQ(loaded.file.name, "mcr-test");
  EXPECT_EQ(loaded.file.fingerprint, fingerprint);
  EXPECT_EQ(fingerprint.size(), 64u);
  EXPECT_EQ(toJson(loaded.file.config), toJson(model->config));
  EXPECT_NE(loaded.file.provenance.find("unit test"), std::string::npos);
  EXPECT_EQ(loaded.tokenizer->serialize(), tok->serialize());
  auto original = model->named_parameters();
  for (const auto& p : loaded.model->named_parameters()) {
    ASSERT_TRUE(original.contains(p.key())) << p.key();
    EXPECT_TRUE(torch::equal(p.value(), original[p.key()])) << p.key();
  }
  EXPECT_EQ(computeFingerprint(loaded.model), fingerprint);
}

TEST_F(BundleTest, FingerprintChangesWithWeightsAndConfig) {
  {
    torch::NoGradGuard g;
    model->logitScale.add_(1e-3);
  }
  EXPECT_NE(computeFingerprint(model), fingerprint);
  auto other = makeModel(testing::tinyConfig(Aggregation::AbM), 7);
  EXPECT_NE(computeFingerprint(other), fingerprint);
  // Same seed, same config: same weights, same fingerprint (deterministic init).
  auto same = makeModel(testing::tinyConfig(), 7);
  {
    torch::NoGradGuard g;
    model->logitScale.sub_(1e-3);
  }
  EXPECT_EQ(computeFingerprint(same), computeFingerprint(model));
}

TEST_F(BundleTest, MissingFileIsAClearError) {
  expectBundleError([&] { loadModelBundle(tempPath("does-not-exist.bundle")); }, "does not exist");
}

TEST_F(BundleTest, TruncatedFileIsAClearError) {
  const std::string bytes = readAll(path);
  for (std::size_t keep : {std::size_t{4}, std::size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
    writeAll(path, bytes.substr(0, keep));
    try {
      loadModelBundle(path);
      FAIL() << "truncated to " << keep << " bytes loaded";
    } catch (const BundleError& e) {
      const std::string what = e.what();
      EXPECT_TRUE(what.find("truncated") != std::string::npos || what.find("bad magic") != std::string::npos) << what;
    }
  }
}

TEST_F(BundleTest, WrongVersionIsAClearError) {
  std::string bytes = readAll(path);
  bytes[8] = 99;  // the u32 version follows the 8-byte magic
  writeAll(path, bytes);
  expectBundleError([&] { loadModelBundle(path); }, "format version 99");
}

TEST_F(BundleTest, FlippedByteIsAChecksumError) {
  std::string bytes = readAll(path);
  bytes[bytes.size() / 2] ^= 0x5A;
  writeAll(path, bytes);
  expectBundleError([&] { loadModelBundle(path); }, "checksum");
}

TEST_F(BundleTest, MissingTokenizerIsAClearError) {
  BundleFile b = readBundleFile(path);
  b.tokenizer.clear();
  EXPECT_THROW(writeBundleFile(path, b), BundleError);  // refuses to write one
  // A bundle crafted without one (by another writer) is refused on read.
  std::string bytes = readAll(path);
  BundleFile good = parseBundle(bytes);
  EXPECT_FALSE(good.tokenizer.empty());
  // Rebuild the file by hand with an empty tokenizer section.
  std::string header = bytes.substr(12, 8);
  uint64_t headerLen = 0;
  for (int i = 0; i < 8; ++i) headerLen |= uint64_t(static_cast<unsigned char>(header[i])) << (8 * i);
  std::string body = bytes.substr(0, 20 + headerLen);
  body += std::string(8, '\0');  // tokenizer length 0
  body += std::string(1, '\x01') + std::string(7, '\0') + "w";  // a 1-byte weights section
  body += sha256Hex(body.data(), body.size());
  body += std::string("MCREND\0\0", 8);
  expectBundleError([&] { parseBundle(body); }, "no tokenizer");
}

TEST_F(BundleTest, WeightsThatDoNotFitTheConfigAreAClearError) {
  BundleFile b = readBundleFile(path);
  b.config.imageDim = 32;  // the stored weights are 64 wide
  b.config.imageHeads = 2;
  writeBundleFile(path, b);
  expectBundleError([&] { loadModelBundle(path); }, "has shape");
}

TEST_F(BundleTest, TamperedFingerprintIsAClearError) {
  BundleFile b = readBundleFile(path);
  b.fingerprint = std::string(64, '0');
  writeBundleFile(path, b);
  expectBundleError([&] { loadModelBundle(path); }, "fingerprint mismatch");
}

TEST(Bundle, NotABundleIsAClearError) {
  expectBundleError([] { parseBundle("PK\x03\x04 this is a zip file"); }, "bad magic");
  expectBundleError([] { parseBundle(""); }, "bad magic");
}

}  // namespace
}  // namespace mcr::model
