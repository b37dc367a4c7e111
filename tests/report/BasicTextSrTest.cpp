#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcmetinf.h>

#include "mcr/report/BasicTextSr.h"
#include "mcr/report/ReportText.h"
#include "mcr/report/Utf8.h"

using namespace mcr::report;

namespace {

StudyTags study() {
  return {{"PatientID", "P-001"}, {"PatientName", "Doe^Jane"}, {"StudyInstanceUID", "1.2.826.0.1.3680043.8.498.1"},
          {"StudyDate", "20240115"}, {"StudyTime", "101500"}, {"AccessionNumber", "A42"}};
}

std::string tagOf(DcmItem& ds, const DcmTagKey& key) {
  OFString value;
  ds.findAndGetOFStringArray(key, value);
  return value.c_str();
}

bool readBack(const BuiltReport& built, DcmFileFormat& file) {
  DcmInputBufferStream in;
  in.setBuffer(built.dicom.data(), built.dicom.size());
  in.setEos();
  file.transferInit();
  const bool good = file.read(in).good();
  file.transferEnd();
  return good;
}

}  // namespace

TEST(ReportSr, BuildsBasicTextSrInTheStudy) {
  BuiltReport built = buildBasicTextSr(study(), "FINDINGS: Small right pleural effusion.\n\nIMPRESSION: Effusion. Ünïcode ok.");
  ASSERT_GT(built.dicom.size(), 132u);
  EXPECT_EQ(built.dicom.substr(128, 4), "DICM");

  DcmFileFormat file;
  ASSERT_TRUE(readBack(built, file));
  DcmDataset& ds = *file.getDataset();
  EXPECT_EQ(tagOf(ds, DCM_SOPClassUID), "1.2.840.10008.5.1.4.1.1.88.11");
  EXPECT_EQ(tagOf(ds, DCM_Modality), "SR");
  EXPECT_EQ(tagOf(ds, DCM_StudyInstanceUID), "1.2.826.0.1.3680043.8.498.1");
  EXPECT_EQ(tagOf(ds, DCM_PatientID), "P-001");
  EXPECT_EQ(tagOf(ds, DCM_PatientName), "Doe^Jane");
  EXPECT_EQ(tagOf(ds, DCM_StudyDate), "20240115");
  EXPECT_EQ(tagOf(ds, DCM_AccessionNumber), "A42");
  EXPECT_EQ(tagOf(ds, DCM_SpecificCharacterSet), "ISO_IR 192");
  EXPECT_EQ(tagOf(ds, DCM_SOPInstanceUID), built.sopInstanceUid);
  EXPECT_NE(built.seriesInstanceUid, "");

  EXPECT_EQ(built.sopInstanceUid.rfind("2.25.", 0), 0u) << built.sopInstanceUid;
  EXPECT_EQ(built.seriesInstanceUid.rfind("2.25.", 0), 0u) << built.seriesInstanceUid;
  EXPECT_LE(built.sopInstanceUid.size(), 64u);  // a DICOM UI value
  std::string text = extractSrText(built.dicom.data(), built.dicom.size());
  EXPECT_NE(text.find("Small right pleural effusion."), std::string::npos) << text;
  EXPECT_NE(text.find("IMPRESSION: Effusion."), std::string::npos) << text;
  EXPECT_EQ(text.find("FINDINGS: FINDINGS"), std::string::npos) << "headings are not repeated: " << text;
  EXPECT_EQ(readReportText(built.dicom.data(), built.dicom.size()), normaliseReportText(text));
}

TEST(ReportSr, GivenUidsAndSeriesFactsAreWritten) {
  SrSeries series;
  series.seriesInstanceUid = "2.25.11";
  series.sopInstanceUid = "2.25.12";
  series.seriesNumber = "2";
  series.contentDate = "20240115";
  const BuiltReport built = buildBasicTextSr(study(), "FINDINGS: None.", series);
  EXPECT_EQ(built.sopInstanceUid, "2.25.12");
  EXPECT_EQ(built.seriesInstanceUid, "2.25.11");
  DcmFileFormat file;
  ASSERT_TRUE(readBack(built, file));
  EXPECT_EQ(tagOf(*file.getDataset(), DCM_SOPInstanceUID), "2.25.12");
  EXPECT_EQ(tagOf(*file.getDataset(), DCM_SeriesNumber), "2");
  EXPECT_EQ(tagOf(*file.getDataset(), DCM_ContentDate), "20240115");
  OFString mediaUid;
  file.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPInstanceUID, mediaUid);
  EXPECT_EQ(mediaUid, "2.25.12");
}

TEST(Utf8, StrictPerRfc3629) {
  EXPECT_TRUE(isValidUtf8("plain ASCII, tabs\tand\nlines"));
  EXPECT_TRUE(isValidUtf8("caf\xC3\xA9 \xE2\x80\x93 \xF0\x9F\x98\x80"));  // 2, 3 and 4 bytes
  EXPECT_TRUE(isValidUtf8("\xF4\x8F\xBF\xBF"));                          // U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));      // a UTF-16 surrogate (U+D800)
  EXPECT_FALSE(isValidUtf8("\xC0\xAF"));           // overlong '/'
  EXPECT_FALSE(isValidUtf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  EXPECT_FALSE(isValidUtf8("\xF0\x80\x80\xAF"));  // overlong, 4 bytes
  EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xC3"));               // truncated
  EXPECT_FALSE(isValidUtf8("\xE2\x80"));           // truncated
  EXPECT_FALSE(isValidUtf8("\xFF"));
  EXPECT_FALSE(isValidUtf8("\x80"));               // a lone continuation byte
  EXPECT_TRUE(isValidUtf8(std::string("nul\0byte", 8)));  // valid UTF-8; the SR builder refuses it
  EXPECT_EQ(codePoints("caf\xC3\xA9 \xF0\x9F\x98\x80"), 6u);
}

TEST(ReportSr, RefusesSurrogatesAndOverlongForms) {
  EXPECT_THROW(buildBasicTextSr(study(), "bad \xED\xA0\x80 surrogate"), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr(study(), "bad \xC0\xAF overlong"), std::invalid_argument);
}

TEST(NormaliseReportText, IsIdempotentOnWhatItMade) {
  for (const char* raw : {"FINDINGS:  XXXX heart   size normal .\n\nIMPRESSION: no acute disease", "  a\tb  c. ", ""}) {
    const std::string once = normaliseReportText(raw);
    EXPECT_EQ(normaliseReportText(once), once) << raw;
  }
}

TEST(ReportSr, EachReportIsANewInstance) {
  auto a = buildBasicTextSr(study(), "one");
  auto b = buildBasicTextSr(study(), "one");
  EXPECT_NE(a.sopInstanceUid, b.sopInstanceUid);
}

TEST(ReportSr, RejectsBadInput) {
  EXPECT_THROW(buildBasicTextSr(study(), ""), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr(study(), " \n\n \t"), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr(study(), "bad \xff utf8"), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr(study(), std::string("nul\0byte", 8)), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr({{"PatientID", "x"}}, "text"), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr(study(), "FINDINGS:\n\nIMPRESSION:"), std::invalid_argument);
}
