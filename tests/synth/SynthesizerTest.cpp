// The whole pipeline on a thread pool (also run under TSan), and the mcr-synth command.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <filesystem>
#include <set>

#include "SynthTestSupport.h"
#include "mcr/image/ImageOps.h"
#include "mcr/synth/Csv.h"
#include "mcr/synth/Synthesizer.h"

using namespace mcr::synth;
namespace fs = std::filesystem;

TEST(Synthesizer, GrammarStudiesToPngWithManifest) {
  const std::string dir = test::tempDir("png");
  SynthOptions options;
  options.outDir = dir;
  options.format = OutputFormat::Png;
  options.size = 96;
  options.threads = 3;
  const auto studies = studiesFromGrammar(9, 5);
  const SynthSummary summary = synthesize(studies, options);
  EXPECT_EQ(summary.studies, 9u);
  EXPECT_EQ(summary.failed, 0u);
  EXPECT_DOUBLE_EQ(summary.coverage(), 1.0);  // the grammar only uses drawable findings

  const CsvTable manifest = readCsvFile(dir + "/manifest.csv");
  EXPECT_TRUE(manifest.issues.empty());
  EXPECT_EQ(manifest.header, manifestColumns());
  ASSERT_EQ(manifest.rows.size(), 9u);
  std::set<std::string> ids;
  for (const auto& row : manifest.rows) {
    const std::string image = row.fields[static_cast<std::size_t>(manifest.column("image_path"))];
    const std::string report = row.fields[static_cast<std::size_t>(manifest.column("report_path"))];
    EXPECT_FALSE(fs::path(image).is_absolute());
    EXPECT_TRUE(fs::exists(dir + "/" + image)) << image;
    EXPECT_TRUE(fs::exists(dir + "/" + report)) << report;
    EXPECT_EQ(mcr::image::loadPng(dir + "/" + image).width, 96);
    const std::string patient = row.fields[static_cast<std::size_t>(manifest.column("patient_id"))];
    EXPECT_EQ(row.fields[static_cast<std::size_t>(manifest.column("split"))], splitForPatient(patient));
    EXPECT_EQ(row.fields[static_cast<std::size_t>(manifest.column("report_text"))].rfind("FINDINGS: ", 0), 0u);
    ids.insert(row.fields[0]);
  }
  EXPECT_EQ(ids.size(), 9u);
  fs::remove_all(dir);
}

TEST(Synthesizer, ThreadCountDoesNotChangeThePixels) {
  const auto studies = studiesFromGrammar(4, 8);
  std::vector<std::string> dirs;
  for (unsigned threads : {1u, 4u}) {
    SynthOptions options;
    options.outDir = test::tempDir("threads");
    options.format = OutputFormat::Png;
    options.size = 80;
    options.threads = threads;
    synthesize(studies, options);
    dirs.push_back(options.outDir);
  }
  for (const auto& s : studies) {
    const auto a = mcr::image::loadPng(dirs[0] + "/images/" + s.studyId + ".png");
    const auto b = mcr::image::loadPng(dirs[1] + "/images/" + s.studyId + ".png");
    EXPECT_EQ(a.pixels, b.pixels) << s.studyId;
  }
  for (const auto& d : dirs) fs::remove_all(d);
}

TEST(Synthesizer, SplitIsByPatientAndRoughly801010) {
  int train = 0, val = 0, test = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string s = splitForPatient("SYN-G-" + std::to_string(i));
    train += s == "train";
    val += s == "val";
    test += s == "test";
  }
  EXPECT_NEAR(train / 5000.0, 0.8, 0.03);
  EXPECT_NEAR(val / 5000.0, 0.1, 0.02);
  EXPECT_NEAR(test / 5000.0, 0.1, 0.02);
  EXPECT_EQ(splitForPatient("SYN-G-000001"), splitForPatient("SYN-G-000001"));
}

TEST(Synthesizer, CommandWritesDicomStudiesAndReportsCoverage) {
  const std::string dir = test::tempDir("cli");
  const std::string csv = dir + "/reports.csv";
  {
    std::ofstream out(csv);
    out << "uid,MeSH,Problems,image,indication,comparison,findings,impression\n"
           "1,normal,normal,x,,,The lungs are clear.,Normal.\n"
           "2,Pleural Effusion/right/small;Pectus Carinatum,x,x,,,\"Small right effusion, no pneumothorax.\",Effusion.\n"
           "3,normal,normal,x,,,,\n"
           "4,broken\n";
  }
  const std::string log = dir + "/log.txt";
  const std::string cmd = std::string("'") + MCR_SYNTH_EXE + "' --reports '" + csv + "' --out '" + dir +
                          "/out' --size 96 --transfer-syntax mix --monochrome1 0.5 --threads 2 > '" + log + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(log);
  const std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(output.find("coverage: 50.0%"), std::string::npos) << output;
  EXPECT_NE(output.find("Pectus Carinatum"), std::string::npos) << output;
  EXPECT_NE(output.find("row 3"), std::string::npos) << output;  // empty text
  EXPECT_NE(output.find("row 4"), std::string::npos) << output;  // malformed
  EXPECT_TRUE(fs::exists(dir + "/out/dicom/iu-2/image.dcm"));
  EXPECT_TRUE(fs::exists(dir + "/out/dicom/iu-2/report.dcm"));
  const CsvTable manifest = readCsvFile(dir + "/out/manifest.csv");
  ASSERT_EQ(manifest.rows.size(), 2u);
  EXPECT_EQ(manifest.rows[1].fields[static_cast<std::size_t>(manifest.column("findings"))], "pleural effusion/right/small");
  EXPECT_EQ(manifest.rows[1].fields[static_cast<std::size_t>(manifest.column("unrendered"))], "Pectus Carinatum");

  // Bad invocations fail cleanly.
  EXPECT_NE(std::system((std::string("'") + MCR_SYNTH_EXE + "' --out '" + dir + "/x' > /dev/null 2>&1").c_str()), 0);
  EXPECT_NE(std::system((std::string("'") + MCR_SYNTH_EXE + "' --grammar 2 --reports '" + csv + "' --out '" + dir +
                         "/x' > /dev/null 2>&1").c_str()),
            0);
  fs::remove_all(dir);
}
