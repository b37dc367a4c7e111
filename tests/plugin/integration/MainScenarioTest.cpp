// One Orthanc with the plugin, fed N mcr-synth studies (half REST, half C-STORE) while 8
// clients search; then search shapes, errors, uploads, reports, deletion, restart, reindex.
// The tests of this suite run in order on the same server.
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "Helpers.h"
#include "IntegrationPaths.h"
#include "TestData.h"
#include "mcr/image/DicomImageDecoder.h"
#include "mcr/image/ImageOps.h"

using namespace mcr::test;
namespace json = boost::json;

class MainScenario : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = &testData(studiesForTests());
    server_ = new OrthancServer(scratchDir("main"), mcrSection(data_->bundle.string()));
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    if (!server_->running()) GTEST_SKIP() << "the server of this suite is not running (an earlier test failed)";
  }
  static const TestData* data_;
  static OrthancServer* server_;
};
const TestData* MainScenario::data_ = nullptr;
OrthancServer* MainScenario::server_ = nullptr;

TEST_F(MainScenario, IngestsRestAndDicomWhileEightClientsSearch) {
  OrthancServer& server = *server_;
  server.waitFor([](const json::value& s) { return s.at("ready").as_bool(); }, std::chrono::seconds(60));

  const std::size_t n = data_->studies.size(), half = n / 2;
  std::atomic<bool> storing{true};
  std::atomic<int> searches{0}, failures{0};
  std::string firstFailure;
  std::mutex failureMutex;
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c)
    clients.emplace_back([&, c] {
      const char* targets[] = {"images", "reports", "studies"};
      while (storing) {
        auto a = search(server, {{"text", "small right pleural effusion"}, {"target", targets[c % 3]}, {"k", 10}});
        ++searches;
        if (a.status != 200 || !a.json().is_object()) {
          std::lock_guard<std::mutex> lock(failureMutex);
          if (failures++ == 0) firstFailure = std::to_string(a.status) + " " + a.body;
        }
      }
    });
  std::thread rest([&] { server.storeRest(data_->filesOf(0, half)); });
  std::thread dicom([&] { server.storeDicom(data_->filesOf(half, n - half)); });
  rest.join();
  dicom.join();
  auto status = server.waitIdle(std::chrono::seconds(600));
  storing = false;
  for (auto& t : clients) t.join();

  EXPECT_EQ(failures, 0) << firstFailure;
  EXPECT_GT(searches, 8);
  EXPECT_EQ(server.get("/studies").json().as_array().size(), n);
  EXPECT_EQ(indexCount(status, "images"), data_->totalImages()) << json::serialize(status);
  EXPECT_EQ(indexCount(status, "reports"), data_->totalReports()) << json::serialize(status);
  EXPECT_EQ(indexCount(status, "studies"), static_cast<int64_t>(n)) << json::serialize(status);
  EXPECT_EQ(status.at("skipped").at("total").to_number<int64_t>(), 0) << json::serialize(status);
}

// The same model and index through the command-line tool: `mcr-index query` opens the
// plugin's live index read-only and answers the same text probe; the top-10 must agree.
TEST_F(MainScenario, TextProbeMatchesMcrIndexQuery) {
  const std::string indexTool = MCR_INDEX_BIN;
  if (indexTool.empty()) GTEST_SKIP() << "mcr-index is not built";
  OrthancServer& server = *server_;
  const std::string indexDirectory = str(server.status().at("index"), "directory");
  ASSERT_FALSE(indexDirectory.empty());
  fs::path dir = scratchDir("mcr-index");
  fs::path log = dir / "mcr-index.log", out = dir / "query.json";
  for (const char* probe : {"small right pleural effusion", "no acute cardiopulmonary abnormality", "cardiomegaly"}) {
    ASSERT_EQ(run({"sh", "-c",
                   "'" + indexTool + "' query --index '" + indexDirectory + "' --model '" + data_->bundle.string() +
                       "' --text '" + probe + "' --space images -k 10 --json --device cpu > '" + out.string() + "'"},
                  log),
              0)
        << readFile(log);
    // The model's load message may share stdout: the JSON object is the last line.
    std::string text = readFile(out);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    json::value expected = json::parse(text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1));
    auto actual = search(server, {{"text", probe}, {"target", "images"}, {"k", 10}});
    ASSERT_EQ(actual.status, 200) << actual.body;
    auto mine = results(actual.json());
    auto theirs = expected.at("results").as_array();
    ASSERT_EQ(mine.size(), 10u);
    ASSERT_EQ(theirs.size(), 10u);
    for (std::size_t i = 0; i < mine.size(); ++i) {
      EXPECT_EQ(str(mine[i], "instance"), str(theirs[i], "instance")) << probe << ", rank " << i;
      EXPECT_NEAR(mine[i].at("score").to_number<double>(), theirs[i].at("score").to_number<double>(), 1e-4)
          << probe << ", rank " << i;
    }
  }
}

TEST_F(MainScenario, SearchAnswersHaveTheDocumentedShape) {
  OrthancServer& server = *server_;
  auto images = search(server, {{"text", "small right pleural effusion"}, {"k", 10}});
  ASSERT_EQ(images.status, 200) << images.body;
  auto answer = images.json();
  EXPECT_GE(answer.at("tookMs").to_number<double>(), 0.0);
  EXPECT_EQ(str(answer, "target"), "images");
  ASSERT_EQ(results(answer).size(), 10u);
  double previous = 2.0;
  for (const auto& r : results(answer)) {
    for (const char* key : {"patient", "study", "series", "instance", "studyDate"}) EXPECT_TRUE(r.as_object().contains(key)) << key;
    double score = r.at("score").to_number<double>();
    EXPECT_LE(score, previous + 1e-6);
    previous = score;
    EXPECT_EQ(str(r, "modality"), "CR");
    EXPECT_EQ(server.get("/instances/" + str(r, "instance")).status, 200);
    EXPECT_EQ(str(server.get("/instances/" + str(r, "instance")).json(), "ParentSeries"), str(r, "series"));
    EXPECT_FALSE(str(r, "snippet").empty()) << "every synth study has a report";
  }

  auto reports = search(server, {{"text", "cardiomegaly"}, {"target", "reports"}, {"k", 5}});
  ASSERT_EQ(reports.status, 200) << reports.body;
  ASSERT_EQ(results(reports.json()).size(), 5u);
  for (const auto& r : results(reports.json())) {
    EXPECT_EQ(str(r, "modality"), "SR");
    EXPECT_FALSE(str(r, "snippet").empty());
  }

  auto studies = search(server, {{"text", "normal chest"}, {"target", "studies"}, {"k", 7}});
  ASSERT_EQ(studies.status, 200) << studies.body;
  ASSERT_EQ(results(studies.json()).size(), 7u);
  std::set<std::string> seen;
  for (const auto& r : results(studies.json())) {
    EXPECT_FALSE(r.as_object().contains("instance"));
    EXPECT_FALSE(r.as_object().contains("series"));
    EXPECT_TRUE(seen.insert(str(r, "study")).second) << "a study appears once";
    EXPECT_EQ(server.get("/instances/" + str(r, "previewInstance") + "/preview").status, 200);
  }

  // Query by a stored image: its own instance is never returned; the default target is reports.
  std::string instance = str(results(answer)[0], "instance");
  auto byImage = search(server, {{"instance", instance}, {"k", 3}});
  ASSERT_EQ(byImage.status, 200) << byImage.body;
  EXPECT_EQ(str(byImage.json(), "target"), "reports");
  auto sameSpace = search(server, {{"instance", instance}, {"target", "images"}, {"k", 20}});
  for (const auto& r : results(sameSpace.json())) EXPECT_NE(str(r, "instance"), instance);

  // Filters.
  EXPECT_EQ(results(search(server, {{"text", "effusion"}, {"modality", "DX"}}).json()).size(), 0u);
  EXPECT_EQ(results(search(server, {{"text", "effusion"}, {"studyDateFrom", "29990101"}}).json()).size(), 0u);
  std::string study = str(results(answer)[0], "study"), patient = str(results(answer)[0], "patient");
  auto exclude = search(server, {{"study", study}, {"target", "images"}, {"k", 50}, {"excludeQueryPatient", true}});
  ASSERT_EQ(exclude.status, 200) << exclude.body;
  for (const auto& r : results(exclude.json())) EXPECT_NE(str(r, "patient"), patient);

  auto similar = server.get("/mcr/studies/" + study + "/similar?k=4");
  ASSERT_EQ(similar.status, 200) << similar.body;
  ASSERT_EQ(results(similar.json()).size(), 4u);
  for (const auto& r : results(similar.json())) EXPECT_NE(str(r, "study"), study);
}

TEST_F(MainScenario, EveryErrorResponse) {
  OrthancServer& server = *server_;
  EXPECT_HTTP_ERROR(server.post("/mcr/search", "{\"text\": "), 400, "malformed JSON");
  EXPECT_HTTP_ERROR(server.post("/mcr/search", ""), 400, "empty body");
  EXPECT_HTTP_ERROR(search(server, {{"text", 3}}), 400, "'text' must be a string");
  EXPECT_HTTP_ERROR(search(server, {{"text", "a"}, {"k", "ten"}}), 400, "'k'");
  EXPECT_HTTP_ERROR(search(server, {{"text", "a"}, {"colour", "red"}}), 400, "unknown field 'colour'");
  EXPECT_HTTP_ERROR(search(server, {{"text", "a"}, {"target", "pixels"}}), 400, "'target'");
  EXPECT_HTTP_ERROR(search(server, {{"instance", "0000"}}), 404, "unknown instance");
  EXPECT_HTTP_ERROR(search(server, {{"study", "0000"}}), 404, "unknown study");
  EXPECT_HTTP_ERROR(server.get("/mcr/studies/0000/similar"), 404, "unknown study");
  EXPECT_HTTP_ERROR(server.get("/mcr/studies/0000/similar?k=x"), 400, "'k'");
  EXPECT_HTTP_ERROR(server.get("/mcr/search"), 405, "");
  EXPECT_HTTP_ERROR(server.del("/plugins/mcr/status"), 405, "");
  EXPECT_HTTP_ERROR(server.get("/mcr/search/upload"), 405, "");
  EXPECT_HTTP_ERROR(server.post("/mcr/search/upload", "hello", "application/octet-stream"), 400,
                    "neither a DICOM file nor a PNG");
  EXPECT_HTTP_ERROR(server.post("/mcr/search/upload", ""), 400, "empty body");
  EXPECT_HTTP_ERROR(server.post("/mcr/search/upload", "x", "image/png", {{"X-MCR-Search", R"({"colour":"red"})"}}), 400,
                    "unknown field 'colour'");
  EXPECT_HTTP_ERROR(server.post("/mcr/search/upload", "x", "image/png", {{"X-MCR-Search", R"({"text":"a"})"}}), 400,
                    "not allowed with an uploaded file");
  EXPECT_HTTP_ERROR(server.post("/mcr/studies/0000/report", "text", "text/plain"), 404, "unknown study");
  EXPECT_HTTP_ERROR(server.post("/mcr/reindex", "{\"model\": 5}"), 400, "'model'");
  EXPECT_HTTP_ERROR(server.post("/mcr/reindex", "{\"foo\": 1}"), 400, "unknown field");
  // Orthanc's own authentication guards the routes like any other (it is off here):
  // the plugin registers them through the normal REST callback mechanism.
}

TEST_F(MainScenario, UploadedDicomAndPngFindTheStoredImage) {
  OrthancServer& server = *server_;
  ASSERT_FALSE(data_->studies[0].imageFiles.empty());
  fs::path image = data_->studies[0].imageFiles.front();
  auto stored = server.post("/instances", readFile(image), "application/dicom");  // already there: same id
  std::string instance = str(stored.json(), "ID");

  auto dicom = server.post("/mcr/search/upload", readFile(image), "application/dicom", {{"X-MCR-Search", R"({"target":"images","k":3})"}});
  ASSERT_EQ(dicom.status, 200) << dicom.body;
  EXPECT_EQ(str(dicom.json().at("query"), "kind"), "image");
  ASSERT_FALSE(results(dicom.json()).empty());
  EXPECT_EQ(str(results(dicom.json())[0], "instance"), instance);
  EXPECT_GT(results(dicom.json())[0].at("score").to_number<double>(), 0.99);

  fs::path png = scratchDir("png") / "query.png";
  mcr::image::savePng(mcr::image::decodeDicomFile(image.string()).image, png.string());
  auto byPng = server.post("/mcr/search/upload", readFile(png), "image/png", {{"X-MCR-Search", R"({"target":"images","k":3})"}});
  ASSERT_EQ(byPng.status, 200) << byPng.body;
  std::vector<std::string> top;
  for (const auto& r : results(byPng.json())) top.push_back(str(r, "instance"));
  EXPECT_NE(std::find(top.begin(), top.end(), instance), top.end()) << byPng.body;
  auto reports = server.post("/mcr/search/upload", readFile(png), "image/png");
  EXPECT_EQ(str(reports.json(), "target"), "reports");
  EXPECT_EQ(server.get("/studies").json().as_array().size(), data_->studies.size()) << "nothing stored";
}

TEST_F(MainScenario, PostedReportIsStoredAsSrAndIndexed) {
  OrthancServer& server = *server_;
  std::string study = server.get("/studies").json().as_array()[0].as_string().c_str();
  const std::string text = "FINDINGS: Zebra-striped opacity in the left apex, unlike anything else.\n\nIMPRESSION: Unique.";
  auto posted = server.post("/mcr/studies/" + study + "/report", text, "text/plain");
  ASSERT_EQ(posted.status, 200) << posted.body;
  std::string instance = str(posted.json(), "instance");
  EXPECT_EQ(str(posted.json(), "study"), study);
  EXPECT_EQ(str(server.get("/instances/" + instance + "/tags?simplify").json(), "SOPClassUID"),
            "1.2.840.10008.5.1.4.1.1.88.11");
  server.waitIdle();
  auto found = search(server, {{"instance", instance}, {"target", "reports"}, {"k", 1000}});
  ASSERT_EQ(found.status, 200) << found.body;
  auto byText = search(server, {{"text", text}, {"target", "reports"}, {"k", 1}});
  ASSERT_EQ(byText.status, 200);
  EXPECT_EQ(str(results(byText.json())[0], "instance"), instance);
  EXPECT_NE(str(results(byText.json())[0], "snippet").find("Zebra-striped"), std::string::npos) << byText.body;
}

TEST_F(MainScenario, CorruptAndUnsupportedInstancesAreKeptAndCounted) {
  OrthancServer& server = *server_;
  int64_t skippedBefore = server.status().at("skipped").at("total").to_number<int64_t>();
  // A CR without pixel data, and a JPEG 2000 image relabelled CR.
  std::string someImage;
  for (const auto& r : results(search(server, {{"text", "heart"}, {"k", 1}}).json())) someImage = str(r, "instance");
  auto noPixels = server.post("/instances/" + someImage + "/modify",
                              R"({"Remove": ["PixelData"], "Force": true, "Replace": {"SOPInstanceUID": "1.2.3.4.5.6.7.8.1"}})");
  ASSERT_EQ(noPixels.status, 200) << noPixels.body;
  auto stored = server.post("/instances", noPixels.body, "application/dicom");
  ASSERT_EQ(stored.status, 200) << stored.body;
  std::string corruptId = str(stored.json(), "ID");

  std::string j2kId;
  fs::path j2k = fs::path(MCR_PYDICOM_DATA_DIR) / "JPEG2000.dcm";
  if (fs::exists(j2k)) {
    auto raw = server.post("/instances", readFile(j2k), "application/dicom");
    ASSERT_EQ(raw.status, 200) << raw.body;
    auto relabelled = server.post("/instances/" + str(raw.json(), "ID") + "/modify",
                                  R"({"Replace": {"Modality": "CR", "SOPInstanceUID": "1.2.3.4.5.6.7.8.2", "SeriesInstanceUID": "1.2.3.4.5.6.7.8.3"}, "Force": true})");
    if (relabelled.status == 200) {
      auto again = server.post("/instances", relabelled.body, "application/dicom");
      if (again.status == 200) j2kId = str(again.json(), "ID");
    }
  }
  auto status = server.waitIdle();
  EXPECT_EQ(server.get("/instances/" + corruptId).status, 200) << "Orthanc keeps it";
  EXPECT_GE(status.at("skipped").at("total").to_number<int64_t>(), skippedBefore + 1) << json::serialize(status);
  bool listed = false;
  for (const auto& s : status.at("skipped").at("recent").as_array()) listed = listed || str(s, "instance") == corruptId;
  EXPECT_TRUE(listed) << json::serialize(status);
  if (!j2kId.empty()) {
    // Either Orthanc's decoder handled it (indexed) or it is counted as skipped: never lost.
    bool indexed = search(server, {{"instance", j2kId}, {"target", "reports"}}).status == 200;
    bool skipped = false;
    for (const auto& s : status.at("skipped").at("recent").as_array()) skipped = skipped || str(s, "instance") == j2kId;
    EXPECT_TRUE(indexed || skipped) << json::serialize(status);
  }
  EXPECT_EQ(search(server, {{"text", "effusion"}}).status, 200) << "the plugin carries on";
  // Clean up so that the counts of later tests match the synth data.
  server.del("/instances/" + corruptId);
  if (!j2kId.empty()) server.del("/patients/" + str(server.get("/instances/" + j2kId + "/patient").json(), "ID"));
  server.waitIdle();
}

TEST_F(MainScenario, Jpeg2000Monochrome1FromOrthancsDecoderIsInverted) {
  // DCMTK cannot decode JPEG 2000; the plugin then asks Orthanc's decoder (here the GDCM
  // plugin), which returns stored values. A MONOCHROME1 image (white = low, common for CR)
  // must still reach the model in the MONOCHROME2 sense, as the core decoder gives it.
  if (!haveJpeg2000DecoderPlugin()) GTEST_SKIP() << "Orthanc's GDCM plugin (orthanc-gdcm) is not installed";
  OrthancServer& server = *server_;
  fs::path j2k = fs::path(MCR_PYDICOM_DATA_DIR) / "JPEG2000.dcm";
  ASSERT_TRUE(fs::exists(j2k)) << j2k;
  const std::string monochrome2 = readFile(j2k);
  auto stored = server.post("/instances", monochrome2, "application/dicom");
  ASSERT_EQ(stored.status, 200) << stored.body;
  const std::string id = str(stored.json(), "ID");
  auto relabelled = server.post("/instances/" + id + "/modify",
                                R"({"Replace": {"PhotometricInterpretation": "MONOCHROME1"}, "Force": true})");
  ASSERT_EQ(relabelled.status, 200) << relabelled.body;
  auto query = [&](const std::string& dicom) {
    auto answer = server.post("/mcr/search/upload", dicom, "application/dicom",
                              {{"X-MCR-Search", R"({"target":"images","k":10})"}});
    EXPECT_EQ(answer.status, 200) << answer.body;  // decoded through the fallback
    std::vector<std::pair<std::string, double>> hits;
    if (answer.status == 200)
      for (const auto& r : results(answer.json())) hits.emplace_back(str(r, "instance"), r.at("score").to_number<double>());
    return hits;
  };
  auto asStored = query(monochrome2), asInverted = query(relabelled.body);
  ASSERT_FALSE(asStored.empty());
  ASSERT_EQ(asStored.size(), asInverted.size());
  // The same pixels under the other photometric sense are another picture: were MONOCHROME1
  // ignored, both queries would decode, embed and rank identically (same hits, same scores).
  EXPECT_NE(asStored, asInverted) << "MONOCHROME1 was not inverted";
  server.del("/patients/" + str(server.get("/instances/" + id + "/patient").json(), "ID"));
  server.waitIdle();
}

TEST_F(MainScenario, MetricsAndExplorerExtension) {
  OrthancServer& server = *server_;
  auto metrics = server.get("/tools/metrics-prometheus");
  ASSERT_EQ(metrics.status, 200);
  for (const char* name : {"mcr_indexed_images", "mcr_indexed_reports", "mcr_queue_length", "mcr_cursor_lag", "mcr_ready"})
    EXPECT_NE(metrics.body.find(name), std::string::npos) << name << "\n" << metrics.body;
  auto explorer = server.get("/plugins/explorer.js");
  ASSERT_EQ(explorer.status, 200);
  EXPECT_NE(explorer.body.find("Similar cases"), std::string::npos);
  auto root = server.get("/mcr/app/");
  EXPECT_TRUE(root.status == 301 || root.status == 302 || root.status == 307) << root.status;
  auto app = server.get("/mcr/app/index.html");
  EXPECT_EQ(app.status, 200);
  EXPECT_NE(app.body.find("<html"), std::string::npos);
  EXPECT_EQ(server.get("/mcr/app/no-such-file.js").status, 404);
}

TEST_F(MainScenario, DeletedStudyVanishesFromResults) {
  OrthancServer& server = *server_;
  auto top = search(server, {{"text", "pleural effusion"}, {"k", 1}});
  std::string study = str(results(top.json())[0], "study"), instance = str(results(top.json())[0], "instance");
  auto before = server.status();
  ASSERT_EQ(server.del("/studies/" + study).status, 200);
  auto after = server.waitIdle();
  EXPECT_EQ(search(server, {{"instance", instance}}).status, 404);
  auto all = search(server, {{"text", "pleural effusion"}, {"k", 1000}, {"target", "images"}});
  for (const auto& r : results(all.json())) EXPECT_NE(str(r, "study"), study);
  auto studies = search(server, {{"text", "pleural effusion"}, {"k", 1000}, {"target", "studies"}});
  for (const auto& r : results(studies.json())) EXPECT_NE(str(r, "study"), study);
  EXPECT_EQ(indexCount(after, "studies"), indexCount(before, "studies") - 1);
}

TEST_F(MainScenario, RestartLoadsTheIndexWithoutReembedding) {
  OrthancServer& server = *server_;
  auto before = server.waitIdle();
  auto query = search(server, {{"text", "enlarged heart"}, {"k", 10}}).body;
  server.stop();
  server.start();
  auto after = server.waitIdle();
  EXPECT_EQ(ingestCounter(after, "embeddedImages"), 0) << json::serialize(after);
  EXPECT_EQ(ingestCounter(after, "embeddedReports"), 0) << json::serialize(after);
  for (const char* space : {"images", "reports", "studies"}) EXPECT_EQ(indexCount(after, space), indexCount(before, space));
  auto again = search(server, {{"text", "enlarged heart"}, {"k", 10}});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(json::serialize(again.json().at("results")), json::serialize(json::parse(query).at("results")));
}

TEST_F(MainScenario, ReindexJobSwapsAndABadBundleChangesNothing) {
  OrthancServer& server = *server_;
  auto before = server.waitIdle();
  auto bad = server.post("/mcr/reindex", R"({"model": "/nonexistent/model.bundle"})");
  ASSERT_EQ(bad.status, 200) << bad.body;
  std::string badJob = str(bad.json(), "job");
  json::value job;
  for (int i = 0; i < 600; ++i) {
    job = server.get("/jobs/" + badJob).json();
    if (str(job, "State") == "Failure" || str(job, "State") == "Success") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(str(job, "State"), "Failure") << json::serialize(job);
  EXPECT_NE(str(job.at("Content"), "error").find("/nonexistent/model.bundle"), std::string::npos) << json::serialize(job);
  EXPECT_EQ(search(server, {{"text", "effusion"}}).status, 200);
  EXPECT_EQ(str(server.status().at("index"), "directory"), str(before.at("index"), "directory"));

  auto good = server.post("/mcr/reindex", "");
  ASSERT_EQ(good.status, 200) << good.body;
  std::string goodJob = str(good.json(), "job");
  EXPECT_HTTP_ERROR(server.post("/mcr/reindex", ""), 409, "already running");
  for (int i = 0; i < 3000; ++i) {
    job = server.get("/jobs/" + goodJob).json();
    if (str(job, "State") == "Failure" || str(job, "State") == "Success") break;
    EXPECT_EQ(search(server, {{"text", "effusion"}}).status, 200) << "the old index keeps serving";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(str(job, "State"), "Success") << json::serialize(job);
  auto after = server.waitIdle();
  EXPECT_NE(str(after.at("index"), "directory"), str(before.at("index"), "directory"));
  for (const char* space : {"images", "reports", "studies"}) EXPECT_EQ(indexCount(after, space), indexCount(before, space));
}
