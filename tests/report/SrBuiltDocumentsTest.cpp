// SR documents built here with DCMTK's DSRDocument (Basic Text, Enhanced, Comprehensive),
// written as DICOM in several transfer syntaxes and read back through both entry points.
#include <gtest/gtest.h>

#include "SrTestSupport.h"
#include "mcr/report/ReportText.h"

namespace mcr::report {
namespace {

using testing::SrBuilder;
using testing::findingCode;
using testing::findingsCode;
using testing::impressionCode;
using testing::reportTitle;

constexpr bool kBelow = true, kAfter = false;

// The classic two-section report, as any of the three narrative SR classes.
void addFindingsAndImpression(SrBuilder& sr) {
  sr.root(reportTitle())
      .text({"121008", "DCM", "Person Observer Name"}, "Observer, Test", kBelow, DSRTypes::RT_hasObsContext)
      .container(findingsCode(), kAfter)
      .text(findingCode(), "The heart is normal in size.", kBelow)
      .text(findingCode(), "No pleural effusion   or pneumothorax.", kAfter)
      .up()
      .container(impressionCode(), kAfter)
      .text(findingCode(), "No acute cardiopulmonary disease.", kBelow);
}

constexpr const char* kTwoSections =
    "FINDINGS: The heart is normal in size. No pleural effusion or pneumothorax.\n"
    "IMPRESSION: No acute cardiopulmonary disease.";

std::string extractBoth(const std::string& bytes, const std::string& name) {
  const std::string fromBuffer = extractSrText(bytes.data(), bytes.size());
  const std::string path = testing::tempPath(name);
  {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  }
  const std::string fromFile = extractSrTextFile(path);
  std::remove(path.c_str());
  EXPECT_EQ(fromFile, fromBuffer) << name;
  return fromBuffer;
}

TEST(BuiltSr, BasicTextEnhancedAndComprehensiveKeepSectionHeadings) {
  for (const auto type : {DSRTypes::DT_BasicTextSR, DSRTypes::DT_EnhancedSR, DSRTypes::DT_ComprehensiveSR}) {
    SrBuilder sr(type);
    addFindingsAndImpression(sr);
    EXPECT_EQ(extractBoth(sr.bytes("two_sections.dcm"), "two_sections.dcm"), kTwoSections)
        << DSRTypes::documentTypeToReadableName(type);
  }
}

TEST(BuiltSr, EveryTransferSyntaxGivesTheSameText) {
  SrBuilder sr(DSRTypes::DT_ComprehensiveSR);
  addFindingsAndImpression(sr);
  for (const auto syntax : {EXS_LittleEndianImplicit, EXS_LittleEndianExplicit, EXS_BigEndianExplicit,
                            EXS_DeflatedLittleEndianExplicit}) {
    EXPECT_EQ(extractBoth(sr.bytes("syntax.dcm", syntax), "syntax.dcm"), kTwoSections) << DcmXfer(syntax).getXferName();
  }
}

TEST(BuiltSr, CodeAndNumItemsReadAsStatementsOrInlineValues) {
  SrBuilder sr(DSRTypes::DT_ComprehensiveSR);
  sr.root(reportTitle())
      .container(findingsCode(), kBelow)
      // SEPARATE (the default): each item is a statement of its own.
      .code(findingCode(), {"233604007", "SCT", "Pneumonia"}, kBelow)
      .num({"81827009", "SCT", "Diameter"}, "8", {"mm", "UCUM", "millimeter"}, kAfter)
      .num({"C0205246", "UMLS", "Count"}, "2", {"1", "UCUM", "no units"}, kAfter)
      // CONTINUOUS: the items form one sentence, values inline.
      .container({"121071", "DCM", "Finding"}, kAfter, DSRTypes::COC_Continuous)
      .text(findingCode(), "A nodule of", kBelow)
      .num({"81827009", "SCT", "Diameter"}, "8", {"mm", "UCUM", "millimeter"}, kAfter)
      .text(findingCode(), "in the", kAfter)
      .code(findingCode(), {"45653009", "SCT", "right upper lobe"}, kAfter)
      .text(findingCode(), ".", kAfter)
      .up()
      .text(findingCode(), "Otherwise clear lungs.", kAfter);  // back in FINDINGS, after the nested one
  EXPECT_EQ(extractBoth(sr.bytes("code_num.dcm"), "code_num.dcm"),
            "FINDINGS: Finding: Pneumonia. Diameter: 8 mm. Count: 2.\n"
            "FINDING: A nodule of 8 mm in the right upper lobe.\n"
            "Otherwise clear lungs.");
}

TEST(BuiltSr, TextDirectlyUnderTheRootIsHeadedByItsConceptName) {
  SrBuilder sr(DSRTypes::DT_BasicTextSR);
  sr.root(reportTitle())
      .text(findingsCode(), "Lungs are clear.", kBelow)
      .text(impressionCode(), "Normal chest.", kAfter);
  EXPECT_EQ(extractBoth(sr.bytes("root_text.dcm"), "root_text.dcm"), "FINDINGS: Lungs are clear.\nIMPRESSION: Normal chest.");
}

TEST(BuiltSr, TextIsNormalisedAndDeidentificationTokensRemoved) {
  SrBuilder sr(DSRTypes::DT_EnhancedSR);
  sr.root(reportTitle())
      .container(impressionCode(), kBelow)
      .text(findingCode(), "Normal chest x-XXXX.\r\nNo change since XXXX .", kBelow);
  EXPECT_EQ(extractBoth(sr.bytes("deid.dcm"), "deid.dcm"), "IMPRESSION: Normal chest. No change since.");
}

// extractSrText normalises each paragraph; readReportText also normalises the joins, so
// its result is a fixed point of normaliseReportText (ReportText.h's rule).
TEST(BuiltSr, ReadReportTextIsNormalisedAsAWhole) {
  SrBuilder sr(DSRTypes::DT_EnhancedSR);
  sr.root(reportTitle())
      .container({"121070", "DCM", "Findings:"}, kBelow)  // a concept name that ends in a colon
      .text(findingCode(), "Lungs are clear.", kBelow)
      .up()
      .container(impressionCode(), kAfter)
      .text(findingCode(), "Normal XXXX chest.", kBelow);
  const std::string bytes = sr.bytes("joins.dcm");
  EXPECT_EQ(extractSrText(bytes.data(), bytes.size()), "FINDINGS:: Lungs are clear.\nIMPRESSION: Normal chest.");
  const std::string text = readReportText(bytes.data(), bytes.size());
  EXPECT_EQ(text, "FINDINGS: Lungs are clear.\nIMPRESSION: Normal chest.");
  EXPECT_EQ(normaliseReportText(text), text);
  const std::string path = testing::tempPath("joins.dcm");
  std::ofstream(path, std::ios::binary) << bytes;
  EXPECT_EQ(readReportTextFile(path), text);
  std::remove(path.c_str());
}

TEST(BuiltSr, Latin1TextComesOutAsUtf8) {
  SrBuilder sr(DSRTypes::DT_BasicTextSR);
  ASSERT_TRUE(sr.document().setSpecificCharacterSetType(DSRTypes::CS_Latin1).good());
  sr.root(reportTitle()).container(findingsCode(), kBelow).text(findingCode(), "Herzgr\xf6\xdf" "e normal.", kBelow);
  EXPECT_EQ(extractBoth(sr.bytes("latin1.dcm"), "latin1.dcm"), "FINDINGS: Herzgr\xc3\xb6\xc3\x9f" "e normal.");
}

TEST(BuiltSr, LongTextValuesAreReadInFull) {
  // Values over DCMTK's 4 KiB read limit are loaded on demand from the input (file or
  // buffer), not during parsing: that path must give the whole text too.
  std::string longText;
  for (int sentence = 0; longText.size() < 20000; ++sentence)
    longText += "Sentence " + std::to_string(sentence) + " of a long dictated report. ";
  longText.pop_back();
  SrBuilder sr(DSRTypes::DT_BasicTextSR);
  sr.root(reportTitle()).container(findingsCode(), kBelow).text(findingCode(), longText, kBelow);
  for (const auto syntax : {EXS_LittleEndianExplicit, EXS_BigEndianExplicit, EXS_DeflatedLittleEndianExplicit})
    EXPECT_EQ(extractBoth(sr.bytes("long.dcm", syntax), "long.dcm"), "FINDINGS: " + longText) << DcmXfer(syntax).getXferName();
}

TEST(BuiltSr, DocumentsWithoutNarrativeAreEmptyReports) {
  auto expectEmpty = [](SrBuilder& sr, const char* what) {
    const std::string bytes = sr.bytes("empty.dcm");
    try {
      extractSrText(bytes.data(), bytes.size());
      ADD_FAILURE() << what << ": gave text";
    } catch (const NoReportText& error) {
      EXPECT_EQ(error.code(), ReportErrorCode::EmptyReport) << what << ": " << error.what();
    }
  };
  SrBuilder emptySection(DSRTypes::DT_BasicTextSR);
  emptySection.root(reportTitle()).container(findingsCode(), kBelow);
  expectEmpty(emptySection, "an empty FINDINGS container");

  SrBuilder contextOnly(DSRTypes::DT_BasicTextSR);
  contextOnly.root(reportTitle()).text({"121008", "DCM", "Person Observer Name"}, "Observer", kBelow, DSRTypes::RT_hasObsContext);
  expectEmpty(contextOnly, "only observation context");

  SrBuilder blank(DSRTypes::DT_EnhancedSR);
  blank.root(reportTitle()).container(findingsCode(), kBelow).text(findingCode(), "  \r\n ", kBelow).text(findingCode(), "XXXX", kAfter);
  expectEmpty(blank, "blank and fully de-identified text");
}

}  // namespace
}  // namespace mcr::report
