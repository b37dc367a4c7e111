// mcr-train's library end to end on a tiny on-disk study set: init, fit, checkpoints,
// exact resume, fine-tuning, evaluation through the public Embedder.
#include "mcr/trainer/Fit.h"

#include <gtest/gtest.h>

#include <csignal>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "TrainerTestData.h"
#include "mcr/model/Bundle.h"
#include "mcr/model/Embedder.h"
#include "mcr/trainer/Dataset.h"
#include "mcr/trainer/Evaluate.h"
#include "mcr/model/torch/BundleIO.h"

namespace mcr::trainer {
namespace {
namespace fs = std::filesystem;

class FitTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    torch::set_num_threads(1);
    dataDir = testing::uniqueTempDir("fitdata");
    manifest = testing::writeTinyStudySet(dataDir, 40);
  }
  static void TearDownTestSuite() { fs::remove_all(dataDir); }

  FitOptions tinyOptions(const std::string& out) const {
    FitOptions o;
    o.manifest = manifest;
    o.out = out;
    o.config = "tiny";
    o.steps = 6;
    o.batchSize = 8;
    o.warmupSteps = 2;
    o.evalEvery = 3;
    o.checkpointEvery = 3;
    o.precision = "fp32";
    o.device = "cpu";
    o.vocabSize = 200;
    o.progress = false;
    o.seed = 5;
    return o;
  }
  // fit() must refuse `o` with a std::runtime_error whose message contains `needle`.
  static void expectRefused(const FitOptions& o, const std::string& needle, const std::string& what) {
    try {
      fit(o);
      ADD_FAILURE() << "fit accepted " << what;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  }
  static std::size_t countLines(const std::string& path, const std::string& needle) {
    std::ifstream f(path);
    std::string line;
    std::size_t n = 0;
    while (std::getline(f, line)) n += line.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }
  static std::string dataDir, manifest;
};
std::string FitTest::dataDir, FitTest::manifest;

TEST_F(FitTest, TinyFitEndToEnd) {
  const auto out = testing::uniqueTempDir("fit");
  auto result = fit(tinyOptions(out));
  ASSERT_TRUE(result.completed);
  EXPECT_EQ(result.step, 6);
  EXPECT_FALSE(result.interrupted);
  ASSERT_TRUE(result.lastEval.has_value());
  EXPECT_EQ(result.lastEval->n, 8u);  // patients 3, 8, 13, 18 are val: 8 studies
  EXPECT_EQ(countLines(out + "/train.jsonl", "\"type\":\"step\""), 6u);
  EXPECT_EQ(countLines(out + "/train.jsonl", "\"type\":\"eval\""), 2u);
  std::ifstream svg(out + "/curves.svg");
  std::string svgText((std::istreambuf_iterator<char>(svg)), {});
  EXPECT_NE(svgText.find("<svg"), std::string::npos);
  EXPECT_NE(svgText.find("<polyline"), std::string::npos);
  EXPECT_TRUE(fs::exists(out + "/checkpoints/LATEST"));

  auto embedder = model::Embedder::load(result.bundle, "cpu", "fp32");
  EXPECT_EQ(embedder->info().imageSize, 64);
  auto bundle = model::readBundleFile(result.bundle);
  auto prov = boost::json::parse(bundle.provenance).as_object();
  EXPECT_EQ(prov.at("steps").as_int64(), 6);
  EXPECT_TRUE(prov.at("eval").is_object());
  EXPECT_EQ(std::string(prov.at("objective").as_string()), "mcr");
  fs::remove_all(out);
}

extern "C" void markerSigint(int) {}

void (*currentSigint())(int) {
  struct sigaction now {};
  sigaction(SIGINT, nullptr, &now);
  return now.sa_handler;
}

TEST_F(FitTest, TheSigintHandlerIsRestoredOnEveryWayOut) {
  struct sigaction mine {}, previous {};
  mine.sa_handler = markerSigint;
  ASSERT_EQ(sigaction(SIGINT, &mine, &previous), 0);
  auto diverging = tinyOptions(testing::uniqueTempDir("diverging"));
  diverging.learningRate = 1e30;  // the loss stops being finite: fit throws from inside its loop
  EXPECT_THROW(
      try { fit(diverging); } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("loss became"), std::string::npos) << e.what();
        throw;
      },
      std::runtime_error);
  EXPECT_EQ(currentSigint(), &markerSigint);
  const auto out = testing::uniqueTempDir("restored");
  auto normal = tinyOptions(out);
  normal.steps = 2;
  EXPECT_TRUE(fit(normal).completed);
  EXPECT_EQ(currentSigint(), &markerSigint);
  sigaction(SIGINT, &previous, nullptr);
  fs::remove_all(diverging.out);
  fs::remove_all(out);
}

TEST_F(FitTest, ResumeAfterInterruptionIsBitIdentical) {
  const auto straight = testing::uniqueTempDir("straight"), interrupted = testing::uniqueTempDir("interrupted");
  auto full = fit(tinyOptions(straight));
  ASSERT_TRUE(full.completed);

  auto first = tinyOptions(interrupted);
  first.stopAfter = 4;  // between checkpoints: the stop itself must save one
  auto part = fit(first);
  EXPECT_TRUE(part.interrupted);
  EXPECT_FALSE(part.completed);
  EXPECT_EQ(part.step, 4);
  // Without --resume the folder is protected.
  EXPECT_THROW(fit(tinyOptions(interrupted)), std::runtime_error);
  // A different schedule is refused.
  auto changed = tinyOptions(interrupted);
  changed.resume = true;
  changed.learningRate = 5e-4;
  EXPECT_THROW(fit(changed), std::runtime_error);

  auto again = tinyOptions(interrupted);
  again.resume = true;
  auto rest = fit(again);
  ASSERT_TRUE(rest.completed);
  EXPECT_EQ(rest.step, 6);
  EXPECT_EQ(model::readBundleFile(rest.bundle).fingerprint, model::readBundleFile(full.bundle).fingerprint);
  auto a = model::loadModelBundle(full.bundle), b = model::loadModelBundle(rest.bundle);
  auto pa = a.model->named_parameters();
  for (const auto& p : b.model->named_parameters()) EXPECT_TRUE(torch::equal(p.value(), pa[p.key()])) << p.key();
  EXPECT_EQ(countLines(interrupted + "/train.jsonl", "\"type\":\"step\""), 6u);
  fs::remove_all(straight);
  fs::remove_all(interrupted);
}

TEST_F(FitTest, AugmentationAndFindingPositivesResumeBitIdentically) {
  auto options = [&](const std::string& out) {
    auto o = tinyOptions(out);
    o.textAugment = {0.5, 0.5};
    o.imageAugment = {1.0};
    o.localWeight = 0.5;
    o.positives = "findings";
    return o;
  };
  const auto straight = testing::uniqueTempDir("aug-straight"), interrupted = testing::uniqueTempDir("aug-interrupted");
  auto full = fit(options(straight));
  ASSERT_TRUE(full.completed);
  auto first = options(interrupted);
  first.stopAfter = 4;
  ASSERT_TRUE(fit(first).interrupted);
  auto plain = tinyOptions(interrupted);  // resuming without the augmentation is refused
  plain.resume = true;
  plain.positives = "findings";
  EXPECT_THROW(fit(plain), std::runtime_error);
  auto again = options(interrupted);
  again.resume = true;
  auto rest = fit(again);
  ASSERT_TRUE(rest.completed);
  EXPECT_EQ(model::readBundleFile(rest.bundle).fingerprint, model::readBundleFile(full.bundle).fingerprint);
  auto prov = boost::json::parse(model::readBundleFile(full.bundle).provenance).as_object();
  EXPECT_EQ(std::string(prov.at("positives").as_string()), "findings");
  EXPECT_DOUBLE_EQ(prov.at("rewrite_rate").as_double(), 0.5);
  EXPECT_DOUBLE_EQ(prov.at("image_augment").as_double(), 1.0);
  EXPECT_DOUBLE_EQ(model::readBundleFile(full.bundle).config.localWeight, 0.5);
  EXPECT_EQ(countLines(straight + "/train.jsonl", "\"local\":"), 6u);  // every step logs it
  fs::remove_all(straight);
  fs::remove_all(interrupted);
}

TEST_F(FitTest, FindingPositivesWithoutFindingsFailBeforeImagesLoad) {
  // A generic manifest: no findings column, and images that do not exist. Were the check
  // made after loading, the error would be about unreadable images.
  const auto dir = testing::uniqueTempDir("no-findings");
  {
    std::ofstream csv(fs::path(dir) / "manifest.csv");
    csv << "image_path,report_text,patient_id,split\n";
    for (int i = 0; i < 4; ++i) csv << "missing-" << i << ".png,Heart size normal.,P" << i << ",train\n";
  }
  auto o = tinyOptions(testing::uniqueTempDir("no-findings-out"));
  o.manifest = (fs::path(dir) / "manifest.csv").string();
  o.positives = "findings";
  expectRefused(o, "findings column", "--positives findings without a findings column");
  fs::remove_all(dir);
  fs::remove_all(o.out);
}

TEST_F(FitTest, ImageGeometryOptionsShapeANewModelOnly) {
  const auto out = testing::uniqueTempDir("geometry");
  auto o = tinyOptions(out + "/run");
  o.steps = 2;
  o.checkpointEvery = 1;
  o.imageSize = 96;  // tiny's preset is 64 px in 8 px patches
  o.patchSize = 16;
  o.patchEmbedding = "conv";
  auto result = fit(o);
  ASSERT_TRUE(result.completed);
  auto embedder = model::Embedder::load(result.bundle, "cpu", "fp32");
  EXPECT_EQ(embedder->info().imageSize, 96);
  const auto trained = model::loadModelBundle(result.bundle).model;
  EXPECT_EQ(trained->config.patchSize, 16);
  EXPECT_EQ(trained->config.patchEmbedding, "conv");

  auto notAMultiple = tinyOptions(out + "/bad");
  notAMultiple.imageSize = 100;
  expectRefused(notAMultiple, "imageSize must be a multiple of patchSize", "an image size of 100 with 8 px patches");
  // A bundle to fine-tune keeps its geometry: the option is refused, not ignored.
  auto fineTune = tinyOptions(out + "/tune");
  fineTune.init = result.bundle;
  fineTune.imageSize = 128;
  expectRefused(fineTune, "--init keeps the bundle's", "--image-size with --init");
  // A resumed run is started with its own command line: the same geometry is accepted (the
  // run is already complete, so nothing is trained), another is refused.
  auto resume = o;
  resume.resume = true;
  EXPECT_TRUE(fit(resume).completed);
  resume.patchEmbedding = "linear";
  expectRefused(resume, "a resumed run keeps its checkpoint's (96 px, 16 px patches, conv", "--patch-embedding changed on resume");
  fs::remove_all(out);
}

TEST_F(FitTest, FindingPositivesGroupEqualFindingSets) {
  auto studies = selectSplit(loadManifest(manifest), "train");
  ASSERT_GE(studies.size(), 8u);
  auto tok = tokenizer::trainWordPiece({"heart lungs"}, 50);
  auto data = loadStudies(studies, 64, *tok, 32, 1);
  groupByFindings(data);
  for (std::size_t i = 0; i < data.size(); ++i)
    for (std::size_t j = 0; j < data.size(); ++j)
      EXPECT_EQ(data.groups[i] == data.groups[j],
                findingSetKey(data.studies[i].findings) == findingSetKey(data.studies[j].findings));
  data.studies[0].hasFindings = false;  // a generic manifest without the column
  EXPECT_THROW(groupByFindings(data), std::runtime_error);
}

TEST_F(FitTest, TokenCoverageCountsUnknownPiecesAndCutReports) {
  auto tok = tokenizer::trainWordPiece({"heart lungs heart lungs"}, 50);
  std::vector<Study> studies(4);
  // "heart lungs" spells in the vocabulary, 'z' is outside its alphabet; with a limit of
  // the third report's exact length only the fourth, one word longer, is cut.
  studies[0].reportText = "heart lungs";
  studies[1].reportText = "heart z lungs";
  studies[2].reportText = "heart lungs heart lungs";
  studies[3].reportText = "heart lungs heart lungs heart";
  const auto exact = static_cast<int>(tok->encode(studies[2].reportText, 1000).size());
  std::size_t content = 0, unknown = 0;
  for (const auto& s : studies) {
    const auto ids = tok->encode(s.reportText, 1000);
    for (std::size_t i = 1; i + 1 < ids.size(); ++i) {
      ++content;
      unknown += ids[i] == tokenizer::kUnkId ? 1 : 0;
    }
  }
  ASSERT_GE(unknown, 1u);  // the test's premise: the second report holds [UNK] pieces
  const auto c = tokenCoverage(studies, *tok, exact);
  EXPECT_DOUBLE_EQ(c.meanTokens, static_cast<double>(content) / 4);
  EXPECT_DOUBLE_EQ(c.unknownShare, static_cast<double>(unknown) / static_cast<double>(content));
  EXPECT_DOUBLE_EQ(c.truncatedShare, 1.0 / 4);  // an exact fit is not a cut
  EXPECT_EQ(tokenCoverage({}, *tok, exact).meanTokens, 0.0);
}

TEST_F(FitTest, InitThenFineTuneKeepsTheTokenizer) {
  const auto out = testing::uniqueTempDir("finetune");
  InitOptions init;
  init.config = "tiny";
  init.corpus = manifest;
  init.out = out + "/init.bundle";
  init.vocabSize = 150;
  const auto fingerprint = init.out.empty() ? "" : initBundle(init);
  auto initial = model::loadModelBundle(init.out);
  EXPECT_EQ(initial.file.fingerprint, fingerprint);
  EXPECT_EQ(initial.model->config.vocabSize, static_cast<int>(initial.tokenizer->vocabSize()));

  auto o = tinyOptions(out + "/run");
  o.init = init.out;
  o.steps = 3;
  o.objective = "dual-stream";
  auto result = fit(o);
  ASSERT_TRUE(result.completed);
  auto tuned = model::loadModelBundle(result.bundle);
  EXPECT_EQ(tuned.tokenizer->serialize(), initial.tokenizer->serialize());
  EXPECT_NE(tuned.file.fingerprint, fingerprint);
  auto prov = boost::json::parse(tuned.file.provenance).as_object();
  EXPECT_EQ(std::string(prov.at("init").as_string()), fingerprint);
  // The settings line says how the kept tokenizer fits the new reports.
  std::ifstream jsonl(out + "/run/train.jsonl");
  std::string first;
  std::getline(jsonl, first);
  auto tokens = boost::json::parse(first).as_object().at("report_tokens").as_object();
  EXPECT_GT(tokens.at("mean").as_double(), 0.0);
  EXPECT_GE(tokens.at("unknown_share").as_double(), 0.0);
  EXPECT_LE(tokens.at("truncated_share").as_double(), 1.0);
  // An aggregation that contradicts the bundle is refused.
  auto wrong = tinyOptions(out + "/wrong");
  wrong.init = init.out;
  wrong.aggregation = "abm";
  EXPECT_THROW(fit(wrong), std::runtime_error);
  fs::remove_all(out);
}

TEST_F(FitTest, EvaluationThroughTheEmbedderScoresProbes) {
  const auto out = testing::uniqueTempDir("evalrun");
  InitOptions init;
  init.corpus = manifest;
  init.out = out + "/m.bundle";
  initBundle(init);
  auto embedder = model::Embedder::load(init.out, "cpu", "fp32");
  auto loaded = model::loadModelBundle(init.out);
  auto data = loadStudies(selectSplit(loadManifest(manifest), "all"), embedder->info().imageSize, *loaded.tokenizer,
                          embedder->info().maxTokens, 1);
  auto report = evaluateEmbedder(*embedder, data);
  EXPECT_EQ(report.n, 40u);
  ASSERT_TRUE(report.macroP10.has_value());
  // cardiomegaly, right pleural effusion, pacemaker: 10 positives each.
  EXPECT_EQ(report.probes.size(), 3u);
  for (const auto& p : report.probes) EXPECT_NEAR(p.random, 0.25, 1e-12) << p.query;
  EXPECT_NEAR(report.randomI2t.findings->r1, 0.25, 1e-12);
  EXPECT_FALSE(report.macroImageCeiling.has_value());
  // With reference studies (here the same ones) every probe also gets its image ceiling.
  auto withCeiling = evaluateEmbedder(*embedder, data, &data);
  ASSERT_TRUE(withCeiling.macroImageCeiling.has_value());
  for (const auto& p : withCeiling.probes) {
    ASSERT_TRUE(p.imageCeiling.has_value()) << p.query;
    EXPECT_GE(*p.imageCeiling, 0.0);
    EXPECT_LE(*p.imageCeiling, 1.0);
  }
  EXPECT_EQ(withCeiling.macroP10, report.macroP10);  // the text probes themselves are unchanged
  fs::remove_all(out);
}

TEST_F(FitTest, UnreadableImagesAreSkippedNotFatal) {
  const auto dir = testing::uniqueTempDir("broken");
  auto path = testing::writeTinyStudySet(dir, 8);
  std::ofstream(dir + "/images/s2.png") << "not a png";
  auto loaded = model::loadModelBundle([&] {
    InitOptions init;
    init.corpus = path;
    init.out = dir + "/m.bundle";
    initBundle(init);
    return init.out;
  }());
  auto data = loadStudies(loadManifest(path), 64, *loaded.tokenizer, 64, 2);
  EXPECT_EQ(data.size(), 7u);
  ASSERT_EQ(data.skipped.size(), 1u);
  EXPECT_NE(data.skipped[0].find("s2.png"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mcr::trainer
