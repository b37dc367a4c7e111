#include "ReportSr.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <ctime>
#include <vector>

namespace mcr::plugin {

namespace {

std::string tag(const StudyTags& study, const char* keyword) {
  auto it = study.find(keyword);
  return it == study.end() ? std::string() : it->second;
}

// Paragraphs separated by blank lines; single line breaks inside one are kept as spaces.
std::vector<std::string> paragraphs(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    std::size_t first = line.find_first_not_of(" \t");
    line = first == std::string::npos ? std::string() : line.substr(first);
    if (line.empty()) {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else {
      current += current.empty() ? line : " " + line;
    }
    start = end + 1;
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

void check(const OFCondition& c, const char* what) {
  if (c.bad()) throw std::runtime_error(std::string("building the SR failed at ") + what + ": " + c.text());
}

}  // namespace

bool isValidUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t j = 1; j < len; ++j)
      if ((static_cast<unsigned char>(s[i + j]) >> 6) != 2) return false;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return false;
    i += len;
  }
  return true;
}

BuiltReport buildBasicTextSr(const StudyTags& study, const std::string& reportText) {
  if (!isValidUtf8(reportText)) throw std::invalid_argument("the report is not valid UTF-8 text");
  std::vector<std::string> parts = paragraphs(reportText);
  if (parts.empty()) throw std::invalid_argument("the report is empty");
  const std::string studyUid = tag(study, "StudyInstanceUID");
  if (studyUid.empty()) throw std::invalid_argument("the study has no StudyInstanceUID");

  DSRDocument doc(DSRTypes::DT_BasicTextSR);
  doc.setSpecificCharacterSetType(DSRTypes::CS_UTF8);
  check(doc.createNewSeriesInStudy(studyUid.c_str()), "series");
  doc.setPatientID(tag(study, "PatientID").c_str());
  doc.setPatientName(tag(study, "PatientName").c_str(), OFFalse);
  doc.setPatientBirthDate(tag(study, "PatientBirthDate").c_str(), OFFalse);
  doc.setPatientSex(tag(study, "PatientSex").c_str(), OFFalse);
  doc.setAccessionNumber(tag(study, "AccessionNumber").c_str(), OFFalse);
  doc.setStudyID(tag(study, "StudyID").c_str(), OFFalse);
  doc.setReferringPhysicianName(tag(study, "ReferringPhysicianName").c_str(), OFFalse);
  doc.setSeriesDescription("MCR report", OFFalse);
  doc.setManufacturer("orthanc-mcr", OFFalse);

  DSRDocumentTree& tree = doc.getTree();
  if (tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) == 0)
    throw std::runtime_error("building the SR failed at the root container");
  check(tree.getCurrentContentItem().setConceptName(DSRCodedEntryValue("11528-7", "LN", "Radiology Report")),
        "root concept");
  DSRTypes::E_AddMode mode = DSRTypes::AM_belowCurrent;
  for (const std::string& paragraph : parts) {
    // A "FINDINGS:" / "IMPRESSION:" heading becomes the item's concept name (readers print
    // the concept name as the heading, so it is not repeated in the text).
    std::string body = paragraph;
    bool impression = false;
    for (const char* heading : {"IMPRESSION:", "Impression:", "FINDINGS:", "Findings:"}) {
      if (body.rfind(heading, 0) == 0) {
        impression = heading[1] == 'M' || heading[1] == 'm';
        body = body.substr(std::string(heading).size());
        std::size_t first = body.find_first_not_of(" \t");
        body = first == std::string::npos ? std::string() : body.substr(first);
        break;
      }
    }
    if (body.empty()) continue;
    if (tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Text, mode) == 0)
      throw std::runtime_error("building the SR failed at a text item");
    mode = DSRTypes::AM_afterCurrent;
    check(tree.getCurrentContentItem().setConceptName(
              impression ? DSRCodedEntryValue("121073", "DCM", "Impression")
                         : DSRCodedEntryValue("121070", "DCM", "Findings")),
          "text concept");
    check(tree.getCurrentContentItem().setStringValue(body.c_str(), OFFalse), "text value");
  }
  if (mode == DSRTypes::AM_belowCurrent) throw std::invalid_argument("the report has only headings, no text");

  DcmFileFormat file;
  DcmDataset* dataset = file.getDataset();
  check(doc.write(*dataset), "write");
  // DSRDocument has no setters for the study's date/time: copy them from the study.
  for (auto [key, dcmTag] : {std::pair<const char*, DcmTagKey>{"StudyDate", DCM_StudyDate},
                             {"StudyTime", DCM_StudyTime}}) {
    std::string value = tag(study, key);
    if (!value.empty()) check(dataset->putAndInsertString(dcmTag, value.c_str()), key);
  }
  check(dataset->putAndInsertString(DCM_Modality, "SR"), "modality");

  BuiltReport built;
  OFString sop, series;
  doc.getSOPInstanceUID(sop);
  doc.getSeriesInstanceUID(series);
  built.sopInstanceUid = sop.c_str();
  built.seriesInstanceUid = series.c_str();

  const E_TransferSyntax xfer = EXS_LittleEndianExplicit;
  check(file.validateMetaInfo(xfer), "meta header");
  file.removeInvalidGroups();
  built.dicom.resize(file.calcElementLength(xfer, EET_ExplicitLength) + 1024);
  DcmOutputBufferStream out(&built.dicom[0], built.dicom.size());
  file.transferInit();
  OFCondition c = file.write(out, xfer, EET_ExplicitLength, nullptr, EGL_recalcGL, EPD_noChange);
  file.transferEnd();
  check(c, "serialise");
  void* written = nullptr;
  offile_off_t writtenLength = 0;
  out.flushBuffer(written, writtenLength);
  built.dicom.resize(static_cast<std::size_t>(out.tell()));
  return built;
}

}  // namespace mcr::plugin
