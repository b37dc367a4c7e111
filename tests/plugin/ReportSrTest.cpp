#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>

#include "ReportSr.h"
#ifdef MCR_HAVE_REPORT
#include "mcr/report/ReportText.h"
#endif

using namespace mcr::plugin;

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

}  // namespace

TEST(ReportSr, BuildsBasicTextSrInTheStudy) {
  BuiltReport built = buildBasicTextSr(study(), "FINDINGS: Small right pleural effusion.\n\nIMPRESSION: Effusion. Ünïcode ok.");
  ASSERT_GT(built.dicom.size(), 132u);
  EXPECT_EQ(built.dicom.substr(128, 4), "DICM");

  DcmInputBufferStream in;
  in.setBuffer(built.dicom.data(), built.dicom.size());
  in.setEos();
  DcmFileFormat file;
  file.transferInit();
  ASSERT_TRUE(file.read(in).good());
  file.transferEnd();
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

#ifdef MCR_HAVE_REPORT
  std::string text = mcr::report::extractSrText(built.dicom.data(), built.dicom.size());
  EXPECT_NE(text.find("Small right pleural effusion."), std::string::npos) << text;
  EXPECT_NE(text.find("IMPRESSION: Effusion."), std::string::npos) << text;
  EXPECT_EQ(text.find("FINDINGS: FINDINGS"), std::string::npos) << "headings are not repeated: " << text;
#endif
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
