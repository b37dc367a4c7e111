// Reindex (diffing, the generation swap) and result shaping against a FakeOrthanc.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "HttpError.h"
#include "Reindex.h"
#include "SearchService.h"
#include "ServiceFixture.h"

namespace mcr::plugin::testing {
namespace {

using index::Space;
namespace json = boost::json;

class ServiceReindexSearch : public ServiceFixture {};

std::string str(const json::object& o, const char* key) { return std::string(o.at(key).as_string()); }

TEST(InstanceDiff, AddedAndRemovedBetweenTwoListings) {
  const InstanceDiff diff = diffInstances({"a", "b", "c"}, {"b", "c", "d", "e"});
  EXPECT_EQ(diff.added, (std::vector<std::string>{"d", "e"}));
  EXPECT_EQ(diff.removed, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(diffInstances({"a"}, {"a"}).added.empty());
}

TEST_F(ServiceReindexSearch, AReindexCatchesUpAndSwapsTheGeneration) {
  for (std::size_t i = 0; i < 3; ++i) storeStudy(i);
  drain();
  const std::string oldGeneration = serving()->generation;
  Reindex reindex(*context_, config_.modelPath);
  EXPECT_EQ(reindex.step(), Reindex::Phase::Embedding);  // loaded, listed
  EXPECT_EQ(reindex.total(), 6u);
  // Stored and deleted while the job runs: the swap catches up.
  storeStudy(3);
  orthanc_.deleteResource(studyId(0));
  while (reindex.step() != Reindex::Phase::Done) {
    EXPECT_EQ(serving()->generation, oldGeneration);  // the old one serves meanwhile
  }
  auto s = serving();
  EXPECT_NE(s->generation, oldGeneration);
  EXPECT_EQ(context_->generations.readCurrent()->generation, s->generation);
  EXPECT_EQ(readCursor(*context_)->generation, s->generation);
  EXPECT_FALSE(s->index->contains(Space::Studies, studyId(0)));
  EXPECT_TRUE(s->index->contains(Space::Images, imageId(3)));
  EXPECT_EQ(s->index->stats().studies.vectors, 3u);
  EXPECT_EQ(context_->status.embeddedImages.load(), 3);  // the reindex does not count as ingest
  // The next start prunes the old generation and keeps the new one.
  const std::string newGeneration = s->generation;
  s.reset();  // the index is released, as the plugin's are when it stops
  restart();
  EXPECT_EQ(serving()->generation, newGeneration);
  EXPECT_FALSE(std::filesystem::exists(context_->generations.folderOf(oldGeneration)));
}

TEST_F(ServiceReindexSearch, AReindexWithAMissingModelFailsAndKeepsServing) {
  storeStudy(0);
  drain();
  Reindex reindex(*context_, "/nonexistent.bundle");
  EXPECT_ANY_THROW(reindex.step());
  EXPECT_EQ(reindex.phase(), Reindex::Phase::Failed);
  EXPECT_TRUE(serving()->index->contains(Space::Images, imageId(0)));
}

TEST_F(ServiceReindexSearch, ResultsCarrySnippetDateAndPreview) {
  for (std::size_t i = 0; i < 4; ++i) storeStudy(i);
  drain();
  auto s = serving();
  SearchRequest request;
  request.kind = QueryKind::Study;
  request.id = studyId(0);
  request.k = 3;
  QueryVector query = resolveQuery(*context_, *s, request);
  json::object answer = runSearch(*context_, *s, request, query, nowMs());
  EXPECT_EQ(json::value_to<std::string>(answer.at("target")), "studies");
  const json::array& results = answer.at("results").as_array();
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) {
    const json::object& o = r.as_object();
    EXPECT_NE(o.at("study").as_string(), studyId(0));  // the query study itself is excluded
    EXPECT_EQ(o.at("studyDate").as_string(), "20260101");
    EXPECT_EQ(str(o, "previewInstance").rfind("img-", 0), 0u);
    EXPECT_FALSE(o.at("snippet").as_string().empty());
    EXPECT_FALSE(o.contains("instance"));
  }
  // Reports of an image: the snippet is the report's own text.
  request.kind = QueryKind::Instance;
  request.id = imageId(1);
  query = resolveQuery(*context_, *s, request);
  answer = runSearch(*context_, *s, request, query, nowMs());
  EXPECT_EQ(answer.at("target").as_string(), "reports");
  for (const auto& r : answer.at("results").as_array()) {
    EXPECT_EQ(str(r.as_object(), "instance").rfind("rep-", 0), 0u);
    EXPECT_FALSE(r.as_object().at("snippet").as_string().empty());
  }
}

TEST_F(ServiceReindexSearch, UnknownAndUnindexedIdsAre404) {
  storeStudy(0);
  orthanc_.store(FakeInstance{"ct", "s", "st", "p", "CT", "20260101", "2.25.9", synthStudies()[0].imageDicom});
  drain();
  auto expect404 = [&](const std::string& id, const std::string& reason) {
    SearchRequest request;
    request.kind = QueryKind::Instance;
    request.id = id;
    try {
      resolveQuery(*context_, *serving(), request);
      ADD_FAILURE() << id << ": no 404";
    } catch (const HttpError& e) {
      EXPECT_EQ(e.status(), 404) << id;
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
  };
  expect404("nope", "unknown instance");
  expect404("ct", "not indexed");
}

TEST_F(ServiceReindexSearch, AHitOfAStudyDeletedBehindThePluginsBackIsDroppedAndQueued) {
  for (std::size_t i = 0; i < 3; ++i) storeStudy(i);
  drain();
  orthanc_.deleteResource(studyId(1));  // the plugin is not told
  SearchRequest request;
  request.kind = QueryKind::Text;
  request.text = "normal chest";
  request.k = 10;
  request.target = Target::Studies;
  auto s = serving();
  json::object answer = runSearch(*context_, *s, request, resolveQuery(*context_, *s, request), nowMs());
  for (const auto& r : answer.at("results").as_array()) EXPECT_NE(r.as_object().at("study").as_string(), studyId(1));
  EXPECT_EQ(answer.at("results").as_array().size(), 2u);
  std::deque<ChangeNotice> queued;
  context_->changes.waitAndDrain(std::chrono::milliseconds(0), queued);
  ASSERT_EQ(queued.size(), 1u);
  drain(queued);
  EXPECT_FALSE(serving()->index->contains(Space::Studies, studyId(1)));
}

}  // namespace
}  // namespace mcr::plugin::testing
