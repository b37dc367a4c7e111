// The project's one SR writer: what it writes, and that readReportText reads it back.
#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcmetinf.h>

#include "mcr/report/BasicTextSr.h"
#include "mcr/report/ReportText.h"

namespace mcr::report {
namespace {

StudyTags study() {
  return {{"PatientID", "P-001"}, {"PatientName", "Doe^Jane"}, {"StudyInstanceUID", "1.2.826.0.1.3680043.8.498.1"},
          {"StudyDate", "20240115"}, {"StudyTime", "101500"}, {"AccessionNumber", "A42"}};
}

std::string tagOf(DcmDataset& ds, const DcmTagKey& key) {
  OFString value;
  ds.findAndGetOFStringArray(key, value);
  return value.c_str();
}

// Parses Part 10 bytes; the file owns the dataset.
void parse(const std::string& bytes, DcmFileFormat& file) {
  DcmInputBufferStream in;
  in.setBuffer(bytes.data(), bytes.size());
  in.setEos();
  file.transferInit();
  ASSERT_TRUE(file.read(in).good());
  file.transferEnd();
}

TEST(BasicTextSr, BuildsBasicTextSrInTheStudy) {
  BuiltReport built = buildBasicTextSr(study(), "FINDINGS: Small right pleural effusion.\n\nIMPRESSION: Effusion. Ünïcode ok.");
  ASSERT_GT(built.dicom.size(), 132u);
  EXPECT_EQ(built.dicom.substr(128, 4), "DICM");

  DcmFileFormat file;
  parse(built.dicom, file);
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
  EXPECT_EQ(tagOf(ds, DCM_SeriesInstanceUID), built.seriesInstanceUid);
  OFString metaSop;
  file.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPInstanceUID, metaSop);
  EXPECT_EQ(metaSop.c_str(), built.sopInstanceUid);

  const std::string text = readReportText(built.dicom.data(), built.dicom.size());
  EXPECT_EQ(text, "FINDINGS: Small right pleural effusion.\nIMPRESSION: Effusion. Ünïcode ok.");
}

// docs/api.md promises UUID-derived UIDs (ITU-T X.667), valid as DICOM UIs (<= 64 chars).
TEST(BasicTextSr, UidsAreUuidDerived) {
  const BuiltReport built = buildBasicTextSr(study(), "one");
  for (const std::string& uid : {built.sopInstanceUid, built.seriesInstanceUid}) {
    EXPECT_EQ(uid.rfind("2.25.", 0), 0u) << uid;
    EXPECT_LE(uid.size(), 64u) << uid;
    EXPECT_EQ(uid.find_first_not_of("0123456789.", 0), std::string::npos) << uid;
  }
  EXPECT_NE(built.sopInstanceUid, built.seriesInstanceUid);
}

TEST(BasicTextSr, EachReportIsANewInstance) {
  auto a = buildBasicTextSr(study(), "one");
  auto b = buildBasicTextSr(study(), "one");
  EXPECT_NE(a.sopInstanceUid, b.sopInstanceUid);
  EXPECT_NE(a.seriesInstanceUid, b.seriesInstanceUid);
}

// mcr-synth assigns a study's UIDs before writing it.
TEST(BasicTextSr, OptionsSetUidsAndSeriesAttributes) {
  SrOptions options;
  options.sopInstanceUid = "2.25.1";
  options.seriesInstanceUid = "2.25.2";
  options.seriesNumber = "2";
  options.seriesDescription = "Report (synthetic)";
  options.contentDate = "20260102";
  options.contentTime = "090000";
  StudyTags tags = study();
  tags["StudyDescription"] = "XR CHEST PA";
  const BuiltReport built = buildBasicTextSr(tags, "FINDINGS: x.", options);
  EXPECT_EQ(built.sopInstanceUid, "2.25.1");
  EXPECT_EQ(built.seriesInstanceUid, "2.25.2");
  DcmFileFormat file;
  parse(built.dicom, file);
  DcmDataset& ds = *file.getDataset();
  EXPECT_EQ(tagOf(ds, DCM_SOPInstanceUID), "2.25.1");
  EXPECT_EQ(tagOf(ds, DCM_SeriesInstanceUID), "2.25.2");
  EXPECT_EQ(tagOf(ds, DCM_SeriesNumber), "2");
  EXPECT_EQ(tagOf(ds, DCM_SeriesDescription), "Report (synthetic)");
  EXPECT_EQ(tagOf(ds, DCM_StudyDescription), "XR CHEST PA");
  EXPECT_EQ(tagOf(ds, DCM_ContentDate), "20260102");
  EXPECT_EQ(tagOf(ds, DCM_ContentTime), "090000");
}

TEST(BasicTextSr, ParagraphsAndHeadings) {
  const std::string text = "Findings: line one\n  line two\n\n\nimpression text without heading\n\nImpression:  Normal.";
  const BuiltReport built = buildBasicTextSr(study(), text);
  EXPECT_EQ(readReportText(built.dicom.data(), built.dicom.size()),
            "FINDINGS: line one line two\nFINDINGS: impression text without heading\nIMPRESSION: Normal.");
}

TEST(BasicTextSr, RejectsBadInput) {
  EXPECT_THROW(buildBasicTextSr(study(), ""), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr(study(), " \n\n \t"), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr(study(), "bad \xff utf8"), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr(study(), "surrogate \xed\xa0\x80"), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr(study(), "overlong \xc0\xaf"), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr(study(), std::string("nul\0byte", 8)), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr(study(), "escape \x1b[0m"), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr({{"PatientID", "x"}}, "text"), std::invalid_argument);
  EXPECT_THROW(buildBasicTextSr(study(), "FINDINGS:\n\nIMPRESSION:"), std::invalid_argument);
}

}  // namespace
}  // namespace mcr::report
