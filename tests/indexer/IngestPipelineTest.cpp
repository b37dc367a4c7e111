// The one ingest pipeline (indexer/ingest) with the committed tiny model: decode failures
// become skipped items, gone items are silent, indexed keys are not embedded again, and the
// one study-vector definition.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "IngestPipeline.h"
#include "mcr/image/DicomImageDecoder.h"

namespace mcr::ingest {
namespace {

namespace fs = std::filesystem;
using index::Space;

TEST(StudyVector, IsTheNormalisedMeanOfTheImagePartAndTheReportPart) {
  const auto both = studyVector({{1.f, 0.f, 0.f}, {0.f, 1.f, 0.f}}, {{0.f, 0.f, 1.f}});
  ASSERT_TRUE(both);
  // image part (1,1,0)/sqrt2, report part (0,0,1): equal weight to each modality.
  const float a = static_cast<float>(1 / std::sqrt(2.0) / std::sqrt(2.0));
  EXPECT_NEAR((*both)[0], a, 1e-6);
  EXPECT_NEAR((*both)[1], a, 1e-6);
  EXPECT_NEAR((*both)[2], std::sqrt(0.5f), 1e-6);
  EXPECT_EQ(*studyVector({{0.f, 2.f}}, {}), (std::vector<float>{0.f, 1.f}));
  EXPECT_EQ(*studyVector({}, {{0.f, 1.f}}), (std::vector<float>{0.f, 1.f}));
  EXPECT_FALSE(studyVector({}, {}));
  EXPECT_FALSE(studyVector({{1.f, 0.f}, {-1.f, 0.f}}, {}));
  EXPECT_THROW(studyVector({{1.f, 0.f}, {1.f}}, {}), std::invalid_argument);
}

class IngestPipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mcr-ingest-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    embedder_ = model::Embedder::load(MCR_TINY_BUNDLE, "cpu");
    index::Options options;
    options.dim = embedder_->info().embeddingDim;
    options.modelFingerprint = embedder_->info().fingerprint;
    index_ = index::VectorIndex::open(dir_.string(), options);
  }
  void TearDown() override {
    index_.reset();
    fs::remove_all(dir_);
  }
  static PendingItem image(const std::string& instance, const std::string& study, float shade) {
    PendingItem item;
    item.record.instance = instance;
    item.record.study = study;
    item.record.patient = "p";
    item.kind = ItemKind::Image;
    item.loadImage = [shade] {
      image::GrayImage g;
      g.width = g.height = 64;
      g.pixels.assign(64 * 64, shade);
      for (int i = 0; i < 64; ++i) g.pixels[static_cast<std::size_t>(i * 65)] = 1.0f - shade;
      return g;
    };
    return item;
  }
  static PendingItem report(const std::string& instance, const std::string& study, const std::string& text) {
    PendingItem item;
    item.record.instance = instance;
    item.record.study = study;
    item.kind = ItemKind::Report;
    item.loadText = [text] { return text; };
    return item;
  }
  fs::path dir_;
  std::unique_ptr<model::Embedder> embedder_;
  std::unique_ptr<index::VectorIndex> index_;
};

TEST_F(IngestPipeline, EmbedsAddsAndSkipsWithReasons) {
  std::vector<PendingItem> items{image("i1", "s1", 0.2f), image("i2", "s2", 0.6f),
                                 report("r1", "s1", "Small right pleural effusion."), report("r2", "s2", "")};
  PendingItem broken = image("i3", "s3", 0.f);
  broken.loadImage = []() -> image::GrayImage {
    throw image::DecodeError(image::DecodeErrorCode::NotAnImage, "no pixel data");
  };
  items.push_back(broken);
  PendingItem gone = image("i4", "s4", 0.f);
  gone.loadImage = []() -> image::GrayImage { throw ItemGone("deleted"); };
  items.push_back(gone);
  PipelineOptions options;
  options.batchSize = 1;  // several model calls
  const IngestOutcome outcome = ingest(*embedder_, *index_, std::move(items), options);
  EXPECT_EQ(outcome.images, 2u);
  EXPECT_EQ(outcome.reports, 1u);
  ASSERT_EQ(outcome.skipped.size(), 2u);  // the empty report and the undecodable image; not the gone one
  EXPECT_EQ(outcome.touchedStudies, (std::set<std::string>{"s1", "s2"}));
  EXPECT_TRUE(index_->contains(Space::Images, "i2"));
  EXPECT_TRUE(index_->contains(Space::Reports, "r1"));
  EXPECT_FALSE(index_->contains(Space::Images, "i4"));
  bool emptyReport = false, notAnImage = false;
  for (const auto& s : outcome.skipped) {
    emptyReport = emptyReport || (s.instance == "r2" && s.reason == "EmptyReport");
    notAnImage = notAnImage || (s.instance == "i3" && s.reason == image::toString(image::DecodeErrorCode::NotAnImage));
  }
  EXPECT_TRUE(emptyReport && notAnImage);
}

TEST_F(IngestPipeline, IndexedKeysAreNotEmbeddedAgainButTheirStudyIsTouched) {
  ingest(*embedder_, *index_, {image("i1", "s1", 0.2f)}, {});
  PendingItem again = image("i1", "s1", 0.2f);
  again.loadImage = []() -> image::GrayImage { throw std::logic_error("loaded twice"); };
  const IngestOutcome outcome = ingest(*embedder_, *index_, {again}, {});
  EXPECT_EQ(outcome.images, 0u);
  EXPECT_TRUE(outcome.skipped.empty());
  EXPECT_EQ(outcome.touchedStudies, (std::set<std::string>{"s1"}));
}

TEST_F(IngestPipeline, StudyVectorsFollowWhatTheIndexHolds) {
  ingest(*embedder_, *index_, {image("i1", "s1", 0.2f), report("r1", "s1", "Cardiomegaly.")}, {});
  index::Record study;
  study.study = "s1";
  study.patient = "p";
  study.studyDate = "20260101";
  ASSERT_TRUE(updateStudyVector(*index_, study, {"i1", "r1", "unknown"}));
  const auto expected = studyVector({index_->get(Space::Images, "i1")->vector}, {index_->get(Space::Reports, "r1")->vector});
  const auto stored = index_->get(Space::Studies, "s1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->vector, *expected);
  EXPECT_EQ(stored->record.studyDate, "20260101");
  EXPECT_FALSE(updateStudyVector(*index_, study, {"unknown"}));
  EXPECT_FALSE(index_->contains(Space::Studies, "s1"));
}

}  // namespace
}  // namespace mcr::ingest
