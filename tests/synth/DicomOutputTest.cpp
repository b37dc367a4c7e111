// Written studies are valid DICOM: read back with DCMTK, checked by dciodvfy (dicom3tools)
// when installed, decoded by the core decoder, and the SR text comes back through the core
// report extractor.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "SynthTestSupport.h"
#include "mcr/image/DicomImageDecoder.h"
#include "mcr/report/ReportText.h"
#include "mcr/synth/StudyWriter.h"

using namespace mcr::synth;

namespace {

StudyIdentity identity() {
  StudyIdentity id;
  id.patientId = "SYN-TEST-1";
  id.patientName = "SYNTHETIC^TEST";
  id.patientSex = "F";
  id.studyId = "t-1";
  id.accession = "12345";
  id.studyDate = "20260102";
  id.studyTime = "101500";
  assignNewUids(id);
  return id;
}

std::string str(DcmDataset& ds, const DcmTagKey& tag) {
  OFString v;
  ds.findAndGetOFStringArray(tag, v);
  return v.c_str();
}

// Runs dciodvfy; returns its output, or "" with `found` false when it is not installed.
std::string dciodvfy(const std::string& path, bool& found) {
  found = std::system("command -v dciodvfy >/dev/null 2>&1") == 0;
  if (!found) return "";
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(("dciodvfy '" + path + "' 2>&1").c_str(), "r"), pclose);
  std::array<char, 512> buf{};
  while (pipe && fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  return out;
}

void expectNoErrors(const std::string& report, const std::string& what) {
  std::size_t pos = 0;
  while ((pos = report.find("Error", pos)) != std::string::npos) {
    const auto start = report.rfind('\n', pos);
    const auto end = report.find('\n', pos);
    ADD_FAILURE() << what << ": " << report.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1));
    pos = end == std::string::npos ? report.size() : end;
  }
}

}  // namespace

class DicomOutput : public ::testing::TestWithParam<std::pair<TransferSyntax, bool>> {};

TEST_P(DicomOutput, ImageReadsBackAndDecodes) {
  const auto [ts, mono1] = GetParam();
  const std::string dir = test::tempDir("dicom");
  const Phantom phantom = renderPhantom(parseFindingList("cardiomegaly"), 3, 4, {160});
  const StudyIdentity id = identity();
  const std::string path = dir + "/image.dcm";
  writeImageDicom(path, phantom, id, ts, mono1);

  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  DcmDataset& ds = *file.getDataset();
  EXPECT_EQ(str(ds, DCM_SOPClassUID), UID_ComputedRadiographyImageStorage);
  EXPECT_EQ(str(ds, DCM_Modality), "CR");
  EXPECT_EQ(str(ds, DCM_PatientID), id.patientId);
  EXPECT_EQ(str(ds, DCM_StudyInstanceUID), id.studyInstanceUid);
  EXPECT_EQ(str(ds, DCM_SOPInstanceUID), id.imageSopUid);
  EXPECT_EQ(str(ds, DCM_ViewPosition), "PA");
  EXPECT_EQ(str(ds, DCM_StudyDate), "20260102");
  EXPECT_EQ(str(ds, DCM_PhotometricInterpretation), mono1 ? "MONOCHROME1" : "MONOCHROME2");
  EXPECT_EQ(str(ds, DCM_PixelSpacing), "2.5\\2.5");  // 400 mm over 160 px
  Uint16 bits = 0;
  ds.findAndGetUint16(DCM_BitsStored, bits);
  EXPECT_EQ(bits, kBitsStored);

  const auto decoded = mcr::image::decodeDicomFile(path);
  ASSERT_EQ(decoded.image.width, 160);
  ASSERT_EQ(decoded.image.height, 160);
  EXPECT_EQ(decoded.facts.bitsStored, kBitsStored);
  EXPECT_EQ(decoded.facts.inverted, mono1);
  // Lossless: the decoded image follows the phantom (windowing is linear over the range).
  const auto gray = toGrayImage(phantom);
  double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  const double n = static_cast<double>(gray.pixels.size());
  for (std::size_t i = 0; i < gray.pixels.size(); ++i) {
    const double a = gray.pixels[i], b = decoded.image.pixels[i];
    sa += a; sb += b; sab += a * b; saa += a * a; sbb += b * b;
  }
  const double corr = (sab - sa * sb / n) / std::sqrt((saa - sa * sa / n) * (sbb - sb * sb / n));
  EXPECT_GT(corr, 0.999) << toString(ts);

  bool found = false;
  const std::string report = dciodvfy(path, found);
  if (found) expectNoErrors(report, std::string("CR ") + toString(ts));
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(TransferSyntaxes, DicomOutput,
                         ::testing::Values(std::make_pair(TransferSyntax::ExplicitLittleEndian, false),
                                           std::make_pair(TransferSyntax::ExplicitLittleEndian, true),
                                           std::make_pair(TransferSyntax::JpegLossless, false),
                                           std::make_pair(TransferSyntax::JpegLs, true),
                                           std::make_pair(TransferSyntax::Rle, false)));

TEST(DicomReport, SrIsValidAndItsTextRoundTrips) {
  const std::string dir = test::tempDir("sr");
  const StudyIdentity id = identity();
  const std::string findings = "Mild cardiomegaly. There is a small right pleural effusion, with \"quoted\" words.";
  const std::string impression = "1. Small right pleural effusion. 2. Mild cardiomegaly.";
  const std::string path = dir + "/report.dcm";
  writeReportDicom(path, findings, impression, id);

  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  DcmDataset& ds = *file.getDataset();
  EXPECT_EQ(str(ds, DCM_SOPClassUID), UID_BasicTextSRStorage);
  EXPECT_EQ(str(ds, DCM_StudyInstanceUID), id.studyInstanceUid);  // same study as the image
  EXPECT_EQ(str(ds, DCM_PatientID), id.patientId);
  EXPECT_EQ(str(ds, DCM_SOPInstanceUID), id.reportSopUid);
  EXPECT_EQ(str(ds, DCM_SeriesInstanceUID), id.reportSeriesUid);

  EXPECT_EQ(str(ds, DCM_Modality), "SR");
  EXPECT_EQ(str(ds, DCM_SeriesNumber), "2");
  EXPECT_EQ(str(ds, DCM_SeriesDescription), "Report (synthetic)");
  EXPECT_EQ(str(ds, DCM_ContentDate), id.studyDate);

  // The SR reads back as the text mcr-synth writes for PNG output (StudySpec::reportText).
  EXPECT_EQ(mcr::report::readReportTextFile(path),
            mcr::report::normaliseReportText("FINDINGS: " + findings + "\nIMPRESSION: " + impression));

  bool found = false;
  const std::string report = dciodvfy(path, found);
  if (!found) GTEST_SKIP() << "dciodvfy (dicom3tools) not installed; DCMTK read-back passed";
  expectNoErrors(report, "SR");
  std::filesystem::remove_all(dir);
}

TEST(DicomReport, TransferSyntaxNames) {
  for (auto ts : {TransferSyntax::ExplicitLittleEndian, TransferSyntax::JpegLossless, TransferSyntax::JpegLs, TransferSyntax::Rle})
    EXPECT_EQ(parseTransferSyntax(toString(ts)), ts);
  EXPECT_THROW(parseTransferSyntax("jpeg2000"), std::invalid_argument);
}

TEST(DicomReport, Utf8TextIsDeclaredAndRoundTrips) {
  const std::string dir = test::tempDir("sr-utf8");
  const std::string path = dir + "/report.dcm";
  writeReportDicom(path, "Small effusion \xE2\x80\x93 unchanged (caf\xC3\xA9).", "Effusion.", identity());
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  EXPECT_EQ(str(*file.getDataset(), DCM_SpecificCharacterSet), "ISO_IR 192");
  const std::string text = mcr::report::readReportTextFile(path);
  EXPECT_NE(text.find("caf\xC3\xA9"), std::string::npos) << text;
  std::filesystem::remove_all(dir);
}

// One SR template for every writer: an empty section says so; text that is not UTF-8 or
// holds control characters is refused rather than written under a false character set.
TEST(DicomReport, EmptySectionsAndBadTextAreHandled) {
  const std::string dir = test::tempDir("sr-edge");
  const std::string path = dir + "/report.dcm";
  writeReportDicom(path, "", "Line one\nline two.", identity());
  EXPECT_EQ(mcr::report::readReportTextFile(path), "FINDINGS: None.\nIMPRESSION: Line one line two.");
  EXPECT_THROW(writeReportDicom(path, "Latin-1 caf\xE9.", "x", identity()), WriteError);
  EXPECT_THROW(writeReportDicom(path, std::string("nul\0", 4), "x", identity()), WriteError);
  std::filesystem::remove_all(dir);
}
