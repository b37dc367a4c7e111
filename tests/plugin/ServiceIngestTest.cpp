// The plugin's ingest logic against a FakeOrthanc: no Orthanc process, the real model,
// index, decoders and pipeline.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include <boost/json.hpp>

#include "Ingest.h"
#include "ServiceFixture.h"

namespace mcr::plugin::testing {
namespace {

using index::Space;

class ServiceIngest : public ServiceFixture {};

TEST_F(ServiceIngest, NewImageAndReportAreEmbeddedAndMakeAStudyVector) {
  storeStudy(0);
  drain();
  auto s = serving();
  EXPECT_TRUE(s->index->contains(Space::Images, imageId(0)));
  EXPECT_TRUE(s->index->contains(Space::Reports, reportId(0)));
  auto study = s->index->get(Space::Studies, studyId(0));
  ASSERT_TRUE(study);
  EXPECT_EQ(study->record.patient, patientId(0));
  EXPECT_EQ(study->record.studyDate, "20260101");
  auto image = s->index->get(Space::Images, imageId(0));
  EXPECT_EQ(image->record.modality, "DX");
  EXPECT_EQ(image->record.sopInstanceUid, "2.25.1000");
  EXPECT_EQ(context_->status.embeddedImages.load(), 1);
  EXPECT_EQ(context_->status.embeddedReports.load(), 1);
}

TEST_F(ServiceIngest, AStudyVectorFollowsItsInstances) {
  storeStudy(0);
  drain();
  const auto withBoth = serving()->index->get(Space::Studies, studyId(0))->vector;
  const auto image = serving()->index->get(Space::Images, imageId(0))->vector;
  const auto report = serving()->index->get(Space::Reports, reportId(0))->vector;
  EXPECT_EQ(*ingest::studyVector({image}, {report}), withBoth);
  // The report deleted: the study vector is its image's alone.
  drain(orthanc_.deleteResource(reportId(0)));
  EXPECT_EQ(serving()->index->get(Space::Studies, studyId(0))->vector, *ingest::studyVector({image}, {}));
}

TEST_F(ServiceIngest, AnUndecodableImageIsSkippedWithItsReason) {
  orthanc_.store(FakeInstance{"bad", "s", "st", "p", "DX", "20260101", "2.25.1", "not a DICOM file"});
  drain();
  EXPECT_FALSE(serving()->index->contains(Space::Images, "bad"));
  EXPECT_EQ(context_->status.skippedTotal(), 1);
  EXPECT_NE(boost::json::serialize(context_->status.skippedJson()).find("\"bad\""), std::string::npos);
  // ... and said in Orthanc's log, through the port.
  const auto warnings = orthanc_.logged(orthanc::LogLevel::Warning);
  EXPECT_TRUE(std::any_of(warnings.begin(), warnings.end(),
                          [](const std::string& m) { return m.find("instance bad not indexed") != std::string::npos; }));
}

TEST_F(ServiceIngest, OtherModalitiesAreIgnored) {
  orthanc_.store(FakeInstance{"ct", "s", "st", "p", "CT", "20260101", "2.25.1", synthStudies()[0].imageDicom});
  drain();
  EXPECT_FALSE(serving()->index->contains(Space::Images, "ct"));
  EXPECT_EQ(context_->status.ignored.load(), 1);
}

TEST_F(ServiceIngest, ARestoredInstanceIsNotEmbeddedTwice) {
  storeStudy(0);
  drain();
  storeStudy(0);  // OverwriteInstances: same ids, a new NewInstance change
  drain();
  EXPECT_EQ(context_->status.embeddedImages.load(), 1);
  EXPECT_EQ(serving()->index->stats().images.vectors, 1u);
}

TEST_F(ServiceIngest, AChangeSeenTwiceIsHarmless) {
  storeStudy(0);
  drain();
  writeCursor(*context_, Cursor{serving()->generation, 0});  // replay the whole feed
  drain();
  EXPECT_EQ(context_->status.embeddedImages.load(), 1);
  EXPECT_EQ(context_->status.embeddedReports.load(), 1);
  EXPECT_TRUE(serving()->index->contains(Space::Studies, studyId(0)));
}

TEST_F(ServiceIngest, DeletionsAtEveryLevelRemoveVectors) {
  for (std::size_t i = 0; i < 3; ++i) storeStudy(i);
  drain();
  drain(orthanc_.deleteResource(imageId(0)));  // instance
  EXPECT_FALSE(serving()->index->contains(Space::Images, imageId(0)));
  EXPECT_TRUE(serving()->index->contains(Space::Studies, studyId(0)));  // its report remains
  drain(orthanc_.deleteResource(studyId(1)));  // study
  EXPECT_FALSE(serving()->index->contains(Space::Images, imageId(1)));
  EXPECT_FALSE(serving()->index->contains(Space::Reports, reportId(1)));
  EXPECT_FALSE(serving()->index->contains(Space::Studies, studyId(1)));
  drain(orthanc_.deleteResource(patientId(2)));  // patient
  EXPECT_FALSE(serving()->index->contains(Space::Studies, studyId(2)));
  EXPECT_FALSE(serving()->index->contains(Space::Reports, reportId(2)));
  EXPECT_EQ(serving()->index->stats().studies.vectors, 1u);
}

TEST_F(ServiceIngest, ATransientFailureNeverDeletesAStudy) {
  storeStudy(0);
  drain();
  orthanc_.failNext("/studies/" + studyId(0));
  orthanc_.stableStudy(studyId(0));
  EXPECT_THROW(worker_->processOnce({}), orthanc::OrthancError);
  EXPECT_TRUE(serving()->index->contains(Space::Studies, studyId(0)));
  EXPECT_TRUE(serving()->index->contains(Space::Images, imageId(0)));
  drain();  // the cursor did not move: the page is processed again
  EXPECT_TRUE(serving()->index->contains(Space::Studies, studyId(0)));
}

TEST_F(ServiceIngest, TheCursorSurvivesARestartAndNothingIsEmbeddedAgain) {
  for (std::size_t i = 0; i < 2; ++i) storeStudy(i);
  drain();
  const std::string generation = serving()->generation;
  restart();
  EXPECT_EQ(serving()->generation, generation);
  drain();
  EXPECT_EQ(context_->status.embeddedImages.load(), 0);  // counters of the new process
  storeStudy(2);
  drain();
  EXPECT_EQ(context_->status.embeddedImages.load(), 1);
  EXPECT_EQ(serving()->index->stats().images.vectors, 3u);
}

TEST_F(ServiceIngest, ANewGenerationStartsWithAFullScanOfWhatIsStored) {
  for (std::size_t i = 0; i < 3; ++i) storeStudy(i);
  drain(orthanc_.deleteResource(studyId(1)));  // before the plugin ever saw it
  EXPECT_EQ(serving()->index->stats().images.vectors, 2u);
  EXPECT_EQ(serving()->index->stats().studies.vectors, 2u);
  auto cursor = readCursor(*context_);
  ASSERT_TRUE(cursor);
  EXPECT_EQ(cursor->generation, serving()->generation);
}

TEST_F(ServiceIngest, ATornCurrentStopsTheLoadAndPrunesNothing) {
  storeStudy(0);
  drain();
  const std::string folder = serving()->generationDir;
  worker_.reset();
  context_.reset();  // the plugin stops; then power fails while CURRENT is rewritten
  std::ofstream(indexDir_ / "CURRENT", std::ios::trunc) << "{\"generation\": \"gen-";
  context_ = std::make_unique<PluginContext>(config_, orthanc_, coreDicomDecoder());
  loadServingModel(*context_);
  EXPECT_FALSE(context_->serving.current());
  EXPECT_NE(context_->serving.unavailableReason().find("CURRENT"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(folder));
}

}  // namespace
}  // namespace mcr::plugin::testing
