#include "mcr/trainer/Manifest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "TrainerTestData.h"
#include "mcr/report/BasicTextSr.h"

namespace mcr::trainer {
namespace {
namespace fs = std::filesystem;

std::string writeFile(const std::string& dir, const std::string& name, const std::string& text) {
  const auto path = (fs::path(dir) / name).string();
  std::ofstream(path) << text;
  return path;
}

TEST(Manifest, ReadsSynthLayoutAndResolvesRelativePaths) {
  const auto dir = testing::uniqueTempDir("manifest");
  const auto path = testing::writeTinyStudySet(dir, 20);
  auto studies = loadManifest(path);
  ASSERT_EQ(studies.size(), 20u);
  EXPECT_EQ(studies[0].imagePath, (fs::path(dir) / "images/s0.png").string());
  EXPECT_TRUE(fs::exists(studies[3].imagePath));
  EXPECT_EQ(studies[1].findings, "cardiomegaly/mild");
  EXPECT_TRUE(studies[1].hasFindings);
  EXPECT_EQ(studies[6].split, "val");  // patient 3
  EXPECT_EQ(selectSplit(studies, "val").size(), 4u);
  EXPECT_EQ(selectSplit(studies, "all").size(), 20u);
  EXPECT_THROW(selectSplit(studies, "holdout"), ManifestError);
  fs::remove_all(dir);
}

TEST(Manifest, GenericManifestGetsAByPatientSplit) {
  const auto dir = testing::uniqueTempDir("generic");
  std::string csv = "image_path,report_text,patient_id\n";
  for (int i = 0; i < 60; ++i) csv += "/x/" + std::to_string(i) + ".dcm,\"Report, number " + std::to_string(i) + "\",P" + std::to_string(i / 3) + "\n";
  auto studies = loadManifest(writeFile(dir, "m.csv", csv));
  ASSERT_EQ(studies.size(), 60u);
  std::map<std::string, std::string> splitOf;
  for (const auto& s : studies) {
    EXPECT_EQ(s.split, splitForPatient(s.patientId));
    auto [it, fresh] = splitOf.emplace(s.patientId, s.split);
    EXPECT_EQ(it->second, s.split);  // never split a patient
    EXPECT_FALSE(s.hasFindings);
  }
  EXPECT_EQ(studies[0].reportText, "Report, number 0");
  fs::remove_all(dir);
}

// Report files are normalised once as they are read: a DICOM SR through readReportText,
// a .txt through normaliseReportText; an inline text that normalises to nothing falls back
// to the file.
TEST(Manifest, ReportFilesAreReadNormalised) {
  const auto dir = testing::uniqueTempDir("report-files");
  const auto sr = report::buildBasicTextSr({{"StudyInstanceUID", "2.25.7"}}, "FINDINGS: Lungs  XXXX clear .\n\nIMPRESSION: Normal.");
  std::ofstream((fs::path(dir) / "r.dcm").string(), std::ios::binary) << sr.dicom;
  writeFile(dir, "r.txt", "  Heart   normal ,\n\n  no effusion .\n");
  auto studies = loadManifest(writeFile(dir, "m.csv", "image_path,report_text,report_path\n"
                                                      "a.png,,r.dcm\nb.png,XXXX,r.txt\nc.png,inline,r.txt\n"));
  ASSERT_EQ(studies.size(), 3u);
  EXPECT_EQ(studies[0].reportText, "FINDINGS: Lungs clear.\nIMPRESSION: Normal.");
  EXPECT_EQ(studies[1].reportText, "Heart normal,\nno effusion.");
  EXPECT_EQ(studies[2].reportText, "inline");
  fs::remove_all(dir);
}

TEST(Manifest, BadManifestsAreClearErrors) {
  const auto dir = testing::uniqueTempDir("bad");
  EXPECT_THROW(loadManifest((fs::path(dir) / "none.csv").string()), ManifestError);
  EXPECT_THROW(loadManifest(writeFile(dir, "a.csv", "report_text\nhello\n")), ManifestError);         // no image_path
  EXPECT_THROW(loadManifest(writeFile(dir, "b.csv", "image_path\nx.png\n")), ManifestError);          // no report
  EXPECT_THROW(loadManifest(writeFile(dir, "c.csv", "image_path,report_text\n")), ManifestError);     // no rows
  EXPECT_THROW(loadManifest(writeFile(dir, "d.csv", "image_path,report_text,patient_id,split\n"
                                                    "a.png,x,P1,train\nb.png,y,P1,test\n")),
               ManifestError);  // a patient in two splits
  EXPECT_THROW(loadManifest(writeFile(dir, "e.csv", "image_path,report_text,split\na.png,x,dev\n")), ManifestError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mcr::trainer
