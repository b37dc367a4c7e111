// Scenarios that each need their own Orthanc: SIGKILL during ingest, plugin disabled then
// enabled, a missing model file, an invalid configuration.
#include <csignal>
#include <set>
#include <thread>

#include "Helpers.h"
#include "TestData.h"

using namespace mcr::test;
namespace json = boost::json;

namespace {

// Orthanc's own view: instances per modality and the number of studies.
struct OrthancCounts {
  int64_t images = 0, reports = 0, studies = 0;
};
OrthancCounts orthancCounts(const OrthancServer& server) {
  OrthancCounts c;
  for (const auto& s : arrayOf(server.get("/series?expand"))) {
    std::string modality = str(s.at("MainDicomTags"), "Modality");
    int64_t n = static_cast<int64_t>(s.at("Instances").as_array().size());
    if (modality == "SR") c.reports += n;
    else if (modality == "CR" || modality == "DX") c.images += n;
  }
  c.studies = static_cast<int64_t>(server.get("/studies").json().as_array().size());
  return c;
}

void expectIndexMatchesOrthanc(const OrthancServer& server, const json::value& status) {
  OrthancCounts c = orthancCounts(server);
  EXPECT_EQ(indexCount(status, "images"), c.images) << json::serialize(status);
  EXPECT_EQ(indexCount(status, "reports"), c.reports) << json::serialize(status);
  EXPECT_EQ(indexCount(status, "studies"), c.studies) << json::serialize(status);
  // Every stored study is found exactly once in the studies space.
  auto all = search(server, {{"text", "chest"}, {"target", "studies"}, {"k", 1000}});
  ASSERT_EQ(all.status, 200) << all.body;
  std::set<std::string> seen;
  for (const auto& r : results(all.json())) EXPECT_TRUE(seen.insert(str(r, "study")).second) << str(r, "study");
  for (const auto& s : arrayOf(server.get("/studies"))) EXPECT_EQ(seen.count(std::string(s.as_string())), 1u);
}

}  // namespace

TEST(IsolatedServer, SigkillDuringIngestIndexesEveryStudyExactlyOnce) {
  const TestData& data = testData(studiesForTests());
  OrthancServer server(scratchDir("kill"), mcrSection(data.bundle.string()));
  server.start();
  server.waitFor([](const json::value& s) { return s.at("ready").as_bool(); }, std::chrono::seconds(60));
  const std::size_t n = std::min<std::size_t>(60, data.studies.size());
  std::thread storing([&] {
    try {
      server.storeRest(data.filesOf(0, n));
    } catch (const std::exception&) {
      // the server is killed under it
    }
  });
  server.waitFor([](const json::value& s) { return ingestCounter(s, "embeddedImages") >= 8; }, std::chrono::seconds(120));
  server.kill();
  storing.join();

  server.start();
  // Store the rest of the batch after the restart, as a modality would retry.
  server.storeRest(data.filesOf(0, n));
  auto status = server.waitIdle(std::chrono::seconds(300));
  expectIndexMatchesOrthanc(server, status);
  EXPECT_EQ(orthancCounts(server).studies, static_cast<int64_t>(n));
}

TEST(IsolatedServer, DisabledThenEnabledCatchesUp) {
  const TestData& data = testData(studiesForTests());
  ASSERT_GE(data.studies.size(), 25u);
  fs::path dir = scratchDir("disabled");
  json::object enabled = mcrSection(data.bundle.string());
  OrthancServer server(dir, enabled);
  server.start();
  server.storeRest(data.filesOf(0, 5));
  server.waitIdle();
  server.stop();

  json::object disabled = enabled;
  disabled["Enable"] = false;
  server.setMcr(disabled);
  server.start();
  server.storeRest(data.filesOf(5, 20));
  auto off = server.status();
  EXPECT_FALSE(off.at("enabled").as_bool());
  EXPECT_FALSE(off.at("ready").as_bool());
  EXPECT_EQ(server.post("/mcr/search", R"({"text":"x"})").status, 404) << "no search route while disabled";
  server.stop();

  server.setMcr(enabled);
  server.start();
  auto status = server.waitIdle();
  int64_t newImages = 0, newReports = 0;
  for (std::size_t i = 5; i < 25; ++i) {
    newImages += data.studies[i].images;
    newReports += data.studies[i].reports;
  }
  EXPECT_EQ(ingestCounter(status, "embeddedImages"), newImages) << "only the 20 new studies are embedded";
  EXPECT_EQ(ingestCounter(status, "embeddedReports"), newReports);
  expectIndexMatchesOrthanc(server, status);
}

TEST(IsolatedServer, MissingModelAnswers503AndOrthancKeepsStoring) {
  const TestData& data = testData(studiesForTests());
  json::object mcr = mcrSection("/nonexistent/missing.bundle");
  OrthancServer server(scratchDir("nomodel"), mcr);
  server.start();
  auto status = server.waitFor([](const json::value& s) { return !str(s, "unavailableReason").empty() &&
                                                                 str(s, "unavailableReason") != "the model is loading"; },
                               std::chrono::seconds(30));
  EXPECT_FALSE(status.at("ready").as_bool());
  EXPECT_NE(str(status, "unavailableReason").find("/nonexistent/missing.bundle"), std::string::npos) << json::serialize(status);
  EXPECT_HTTP_ERROR(server.post("/mcr/search", R"({"text":"effusion"})"), 503, "/nonexistent/missing.bundle");
  EXPECT_HTTP_ERROR(server.get("/mcr/studies/abc/similar"), 503, "model not loaded");
  EXPECT_HTTP_ERROR(server.post("/mcr/search/upload", "\x89PNG\r\n\x1a\nxx", "image/png"), 503, "model not loaded");
  EXPECT_HTTP_ERROR(server.post("/mcr/search", R"({"text": 1})"), 400, "'text'");  // validation first
  auto ids = server.storeRest(data.filesOf(0, 2));
  EXPECT_EQ(server.get("/instances").json().as_array().size(), ids.size());
  EXPECT_EQ(server.status().at("ingest").at("cursor").to_number<int64_t>(), 0) << "nothing lost: the cursor waits";
}

TEST(IsolatedServer, InvalidConfigurationLeavesOrthancRunning) {
  const TestData& data = testData(studiesForTests());
  json::object mcr = mcrSection(data.bundle.string());
  mcr["Threads"] = 0;
  OrthancServer server(scratchDir("badconfig"), mcr);
  server.start();
  EXPECT_EQ(server.get("/system").status, 200);
  EXPECT_EQ(server.get("/plugins/mcr/status").status, 404) << "the plugin registered nothing";
  EXPECT_EQ(server.storeRest(data.filesOf(0, 1)).size(), data.studies[0].files.size());
  EXPECT_NE(readFile(server.logFile()).find("MCR.Threads"), std::string::npos) << server.logTail();
}
