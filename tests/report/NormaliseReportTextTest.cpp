// normaliseReportText on hand-written cases (each de-identification form seen in the IU
// reports) and, when the shared IU table is present, properties over all its reports.
#include <gtest/gtest.h>

#include "IuReportCorpus.h"
#include "mcr/report/ReportText.h"

namespace mcr::report {
namespace {

TEST(NormaliseReportText, RemovesDeidentificationTokens) {
  EXPECT_EQ(normaliseReportText("Normal chest x-XXXX."), "Normal chest.");
  EXPECT_EQ(normaliseReportText("Midline sternotomy XXXX. Clear lungs."), "Midline sternotomy. Clear lungs.");
  EXPECT_EQ(normaliseReportText("XXXX-year-old XXXX with XXXX."), "year-old with.");
  EXPECT_EQ(normaliseReportText("Comparison: XXXX/XXXX, dual-XXXX views"), "Comparison: dual views");
  EXPECT_EQ(normaliseReportText("Pleural XXXX/fluid (XXXX) XXXX-a-XXXX seen"), "Pleural fluid seen");
  EXPECT_EQ(normaliseReportText("Chest X-XXXX, XXXX XXXX at XXXX hours"), "Chest, at hours");
  EXPECT_EQ(normaliseReportText("XXXX. The heart is normal."), "The heart is normal.");
  EXPECT_EQ(normaliseReportText("\"XXXX\" was RADXXXX."), "\"\" was.");
  EXPECT_EQ(normaliseReportText("XXXX XXXX"), "");
}

TEST(NormaliseReportText, KeepsRealWordsWithXs) {
  // Only the de-identification run "XXXX" counts, not x-ray, XR, hyphenated words or case.
  EXPECT_EQ(normaliseReportText("Prior x-ray and XR chest. Box-like X shape."), "Prior x-ray and XR chest. Box-like X shape.");
}

TEST(NormaliseReportText, CollapsesWhitespaceAndKeepsParagraphs) {
  EXPECT_EQ(normaliseReportText("  The heart\tis   normal. \r\n\r\n\n  IMPRESSION:  Normal.\n"),
            "The heart is normal.\nIMPRESSION: Normal.");
  EXPECT_EQ(normaliseReportText("a\x01" "b\x7f" "c"), "a b c");
  EXPECT_EQ(normaliseReportText(""), "");
  EXPECT_EQ(normaliseReportText(" \n\t "), "");
}

TEST(NormaliseReportText, TidiesPunctuation) {
  EXPECT_EQ(normaliseReportText("No effusion , no pneumothorax ."), "No effusion, no pneumothorax.");
  EXPECT_EQ(normaliseReportText("Stable .. Clear lungs , . Normal"), "Stable. Clear lungs. Normal");
  EXPECT_EQ(normaliseReportText("( right ) base"), "(right) base");
  EXPECT_EQ(normaliseReportText("left lung apex.There are opacities,mild"), "left lung apex. There are opacities, mild");
  EXPECT_EQ(normaliseReportText(". , leading"), "leading");
}

TEST(NormaliseReportText, LeavesNumbersAbbreviationsAndCaseAlone) {
  EXPECT_EQ(normaliseReportText("A 3.5 cm nodule, 1,200 mL, T12-L1, e.g. ICU at 10:30."),
            "A 3.5 cm nodule, 1,200 mL, T12-L1, e.g. ICU at 10:30.");
  EXPECT_EQ(normaliseReportText("Größe normal; IMPRESSION: Kein Erguss!"), "Größe normal; IMPRESSION: Kein Erguss!");
}

// ReportText.h's rule rests on this: text normalised where it entered (readReportText, a
// CSV column) goes through the Embedder's normaliseReportText unchanged.
TEST(NormaliseReportText, IsIdempotent) {
  for (const char* text :
       {"Normal chest x-XXXX.", "XXXX-year-old XXXX with XXXX.", "Pleural XXXX/fluid (XXXX) XXXX-a-XXXX seen",
        "\"XXXX\" was RADXXXX.", "XX-XXXX-XX and XXX/XXXX/X", "( ( ) ) x ( . ) y [ ]", "a , . ; : b",
        "apex.There opacities,mild a.Bc", ". , leading\n: second line\n\n, third", "FINDINGS:: body",
        "  The heart\tis   normal. \r\n\r\n\n  IMPRESSION:  Normal.\n", "a\x01" "b\x7f" "c",
        "Größe normal; IMPRESSION: Kein Erguss!", "ends with ( open", "1. One. 2. Two.3. Three"}) {
    const std::string once = normaliseReportText(text);
    EXPECT_EQ(normaliseReportText(once), once) << text;
  }
}

TEST(NormaliseReportText, IuReportsLoseEveryDeidentificationTokenAndAreStable) {
  const auto texts = tokenizer::testing::readIuReportTexts(MCR_IU_REPORTS_CSV);
  if (!texts) GTEST_SKIP() << "IU report table not found at " << MCR_IU_REPORTS_CSV << " (shared research data)";
  std::size_t withTokens = 0;
  for (const auto& text : *texts) {
    if (text.find("XXXX") != std::string::npos) ++withTokens;
    const std::string normalised = normaliseReportText(text);
    ASSERT_EQ(normalised.find("XXXX"), std::string::npos) << text;
    ASSERT_EQ(normalised.find("  "), std::string::npos) << text;
    ASSERT_EQ(normalised.find(" ."), std::string::npos) << text;
    ASSERT_EQ(normalised.find(" ,"), std::string::npos) << text;
    ASSERT_EQ(normaliseReportText(normalised), normalised) << "not idempotent: " << text;
  }
  EXPECT_GT(withTokens, 1000u) << "the table should exercise the de-identification forms";
}

}  // namespace
}  // namespace mcr::report
