#include <gtest/gtest.h>

#include "mcr/synth/Csv.h"
#include "mcr/synth/Synthesizer.h"

using namespace mcr::synth;

TEST(Csv, QuotedFieldsHoldCommasQuotesAndNewlines) {
  const CsvTable t = parseCsv("\xEF\xBB\xBFuid,text\r\n1,\"a, b\"\r\n2,\"say \"\"hi\"\"\nnext line\"\n3,plain\n");
  ASSERT_TRUE(t.issues.empty());
  ASSERT_EQ(t.header, (std::vector<std::string>{"uid", "text"}));
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].fields[1], "a, b");
  EXPECT_EQ(t.rows[1].fields[1], "say \"hi\"\nnext line");
  EXPECT_EQ(t.rows[2].line, 5u);  // the quoted newline counts
  EXPECT_EQ(t.rows[2].row, 3u);
  EXPECT_EQ(t.column("text"), 1);
  EXPECT_EQ(t.column("missing"), -1);
}

TEST(Csv, MalformedRowsAreReportedWithRowNumbersAndSkipped) {
  const CsvTable t = parseCsv("a,b\n1,2\n3\n4,5,6\n7,8\n9,\"open\n");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[1].fields[0], "7");
  ASSERT_EQ(t.issues.size(), 3u);
  EXPECT_EQ(t.issues[0].row, 2u);
  EXPECT_EQ(t.issues[0].line, 3u);
  EXPECT_NE(t.issues[0].message.find("expected 2 fields, found 1"), std::string::npos);
  EXPECT_EQ(t.issues[1].row, 3u);
  EXPECT_EQ(t.issues[2].row, 5u);
  EXPECT_NE(t.issues[2].message.find("unterminated"), std::string::npos);
}

TEST(Csv, EscapesFieldsThatNeedIt) {
  EXPECT_EQ(csvField("plain"), "plain");
  EXPECT_EQ(csvField("a,b"), "\"a,b\"");
  EXPECT_EQ(csvField("say \"x\"\n"), "\"say \"\"x\"\"\n\"");
  const CsvTable t = parseCsv("v\n" + csvField("x,\"y\"\nz") + "\n");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].fields[0], "x,\"y\"\nz");
}

TEST(CsvSource, BadReportRowsBecomeProblemsWithRowNumbers) {
  const std::string csv =
      "uid,MeSH,Problems,image,indication,comparison,findings,impression\n"
      "1,normal,normal,x,,,Heart normal.,No acute disease.\n"
      "2,Cardiomegaly/mild;Pectus Carinatum,x,x,,,Mild cardiomegaly.,Cardiomegaly.\n"
      "3,normal,normal,x,,,,\n"
      "4,too,few,fields\n"
      "1,normal,normal,x,,,Repeat.,Repeat.\n"
      "../x,normal,normal,x,,,Text.,Text.\n";
  const CsvSource s = studiesFromCsv(parseCsv(csv), nullptr, 0);
  ASSERT_EQ(s.studies.size(), 2u);
  EXPECT_EQ(s.studies[0].studyId, "iu-1");
  EXPECT_TRUE(s.studies[0].findings.empty());
  EXPECT_EQ(joinFindings(s.studies[1].findings), "cardiomegaly/mild");
  EXPECT_EQ(s.studies[1].unknownTerms, std::vector<std::string>{"Pectus Carinatum"});
  auto problemAt = [&](std::size_t row, const std::string& needle) {
    for (const auto& p : s.problems)
      if (p.row == row && p.message.find(needle) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(problemAt(2, "unknown MeSH term 'Pectus Carinatum'"));
  EXPECT_TRUE(problemAt(3, "empty findings and impression"));
  EXPECT_TRUE(problemAt(4, "expected 8 fields"));
  EXPECT_TRUE(problemAt(5, "repeats row 1"));
  EXPECT_TRUE(problemAt(6, "not a plain identifier"));
}

TEST(CsvSource, MissingColumnsAreAnError) {
  EXPECT_THROW(studiesFromCsv(parseCsv("uid,text\n1,x\n"), nullptr, 0), std::runtime_error);
}

TEST(CsvSource, LimitAndProjections) {
  const std::string csv =
      "uid,MeSH,findings,impression\n1,normal,A.,B.\n2,normal,C.,D.\n3,normal,E.,F.\n";
  const CsvTable proj = parseCsv("uid,filename,projection\n1,1_a.png,Frontal\n1,1_b.png,Lateral\n2,2_a.png,Frontal\n");
  const CsvSource s = studiesFromCsv(parseCsv(csv), &proj, 2);
  ASSERT_EQ(s.studies.size(), 2u);
  EXPECT_EQ(s.studies[0].sourceImages, "1_a.png");
  EXPECT_EQ(s.studies[1].sourceImages, "2_a.png");
  EXPECT_EQ(s.studies[0].reportText(), "FINDINGS: A.\nIMPRESSION: B.");
}

TEST(CsvSource, SharedReportsCoverage) {
  CsvTable table;
  try {
    table = readCsvFile(MCR_IU_REPORTS_CSV);
  } catch (const std::exception&) {
    GTEST_SKIP() << "shared IU reports not found at " << MCR_IU_REPORTS_CSV << " (optional research data)";
  }
  const CsvSource s = studiesFromCsv(table, nullptr, 0);
  EXPECT_EQ(s.rowsRead, 3266u);
  std::size_t covered = 0;
  for (const auto& study : s.studies) {
    bool all = study.unknownTerms.empty();
    for (const auto& f : study.findings) all = all && canRender(f);
    covered += all;
  }
  const double coverage = static_cast<double>(covered) / static_cast<double>(s.studies.size());
  RecordProperty("coverage", std::to_string(coverage));
  EXPECT_GE(coverage, 0.90) << covered << " of " << s.studies.size();
}
