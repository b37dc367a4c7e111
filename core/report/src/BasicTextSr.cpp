// The Basic Text SR writer (see BasicTextSr.h for the template).
#include "mcr/report/BasicTextSr.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <dcmtk/ofstd/ofuuid.h>

#include <mutex>
#include <vector>

#include "mcr/report/Utf8.h"

namespace mcr::report {

namespace {

struct Paragraph {
  bool impression = false;
  std::string body;
};

std::string tag(const StudyTags& study, const char* keyword) {
  auto it = study.find(keyword);
  return it == study.end() ? std::string() : it->second;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

void validateText(const std::string& text) {
  if (!isValidUtf8(text)) throw std::invalid_argument("the report is not valid UTF-8 text");
  for (const char byte : text) {
    const auto c = static_cast<unsigned char>(byte);
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f)
      throw std::invalid_argument("the report contains control characters");
  }
}

// A leading "FINDINGS:" / "IMPRESSION:" becomes the item's concept name, not text.
Paragraph withoutHeading(std::string text) {
  Paragraph paragraph;
  for (const char* heading : {"IMPRESSION:", "Impression:", "FINDINGS:", "Findings:"}) {
    if (text.rfind(heading, 0) != 0) continue;
    paragraph.impression = heading[1] == 'M' || heading[1] == 'm';
    text = trimmed(text.substr(std::string(heading).size()));
    break;
  }
  paragraph.body = std::move(text);
  return paragraph;
}

// Paragraphs separated by blank lines; single line breaks inside one are kept as spaces.
std::vector<Paragraph> paragraphs(const std::string& text) {
  std::vector<Paragraph> out;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) out.push_back(withoutHeading(current));
    current.clear();
  };
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = trimmed(text.substr(start, end - start));
    if (line.empty()) flush();
    else current += current.empty() ? line : " " + line;
    start = end + 1;
  }
  flush();
  return out;
}

void check(const OFCondition& c, const char* what) {
  if (c.bad()) throw std::runtime_error(std::string("building the SR failed at ") + what + ": " + c.text());
}

// Series and instance UIDs under 2.25 (ITU-T X.667): no registered root needed, unique
// across every Orthanc that receives them.
std::string newUuidUid() {
  static std::mutex mutex;  // OFUUID's generator keeps process-wide state
  std::lock_guard<std::mutex> lock(mutex);
  OFString uid;
  return OFUUID().toString(uid, OFUUID::ER_RepresentationOID).c_str();
}

void setPatientAndStudy(DSRDocument& doc, const StudyTags& study, const SrOptions& options) {
  doc.setSpecificCharacterSetType(DSRTypes::CS_UTF8);
  check(doc.createNewSeriesInStudy(tag(study, "StudyInstanceUID").c_str()), "series");
  doc.setPatientID(tag(study, "PatientID").c_str());
  doc.setPatientName(tag(study, "PatientName").c_str(), OFFalse);
  doc.setPatientBirthDate(tag(study, "PatientBirthDate").c_str(), OFFalse);
  doc.setPatientSex(tag(study, "PatientSex").c_str(), OFFalse);
  doc.setAccessionNumber(tag(study, "AccessionNumber").c_str(), OFFalse);
  doc.setStudyID(tag(study, "StudyID").c_str(), OFFalse);
  doc.setStudyDescription(tag(study, "StudyDescription").c_str(), OFFalse);
  doc.setReferringPhysicianName(tag(study, "ReferringPhysicianName").c_str(), OFFalse);
  if (!options.seriesNumber.empty()) check(doc.setSeriesNumber(options.seriesNumber.c_str()), "series number");
  doc.setSeriesDescription(options.seriesDescription.c_str(), OFFalse);
  doc.setManufacturer(options.manufacturer.c_str(), OFFalse);
  if (!options.contentDate.empty()) check(doc.setContentDate(options.contentDate.c_str()), "content date");
  if (!options.contentTime.empty()) check(doc.setContentTime(options.contentTime.c_str()), "content time");
}

void addTextItems(DSRDocumentTree& tree, const std::vector<Paragraph>& parts) {
  if (tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) == 0)
    throw std::runtime_error("building the SR failed at the root container");
  check(tree.getCurrentContentItem().setConceptName(DSRCodedEntryValue("11528-7", "LN", "Radiology Report")),
        "root concept");
  DSRTypes::E_AddMode mode = DSRTypes::AM_belowCurrent;
  for (const Paragraph& paragraph : parts) {
    if (paragraph.body.empty()) continue;
    if (tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Text, mode) == 0)
      throw std::runtime_error("building the SR failed at a text item");
    mode = DSRTypes::AM_afterCurrent;
    check(tree.getCurrentContentItem().setConceptName(
              paragraph.impression ? DSRCodedEntryValue("121073", "DCM", "Impression")
                                   : DSRCodedEntryValue("121070", "DCM", "Findings")),
          "text concept");
    check(tree.getCurrentContentItem().setStringValue(paragraph.body.c_str(), OFFalse), "text value");
  }
  if (mode == DSRTypes::AM_belowCurrent) throw std::invalid_argument("the report has only headings, no text");
}

// What DSRDocument has no setters for: the study's date/time, the modality, and UIDs
// chosen by us rather than by createNewSeriesInStudy (which uses DCMTK's own root).
void putDatasetTags(DcmDataset& dataset, const StudyTags& study, const BuiltReport& built) {
  for (auto [key, dcmTag] : {std::pair<const char*, DcmTagKey>{"StudyDate", DCM_StudyDate},
                             {"StudyTime", DCM_StudyTime}}) {
    const std::string value = tag(study, key);
    if (!value.empty()) check(dataset.putAndInsertString(dcmTag, value.c_str()), key);
  }
  check(dataset.putAndInsertString(DCM_Modality, "SR"), "modality");
  check(dataset.putAndInsertString(DCM_SeriesInstanceUID, built.seriesInstanceUid.c_str()), "series UID");
  check(dataset.putAndInsertString(DCM_SOPInstanceUID, built.sopInstanceUid.c_str()), "SOP instance UID");
}

std::string serialise(DcmFileFormat& file) {
  const E_TransferSyntax xfer = EXS_LittleEndianExplicit;
  check(file.validateMetaInfo(xfer), "meta header");
  file.removeInvalidGroups();
  std::string bytes(file.calcElementLength(xfer, EET_ExplicitLength) + 1024, '\0');
  DcmOutputBufferStream out(&bytes[0], bytes.size());
  file.transferInit();
  const OFCondition c = file.write(out, xfer, EET_ExplicitLength, nullptr, EGL_recalcGL, EPD_noChange);
  file.transferEnd();
  check(c, "serialise");
  void* written = nullptr;
  offile_off_t writtenLength = 0;
  out.flushBuffer(written, writtenLength);
  bytes.resize(static_cast<std::size_t>(out.tell()));
  return bytes;
}

}  // namespace

BuiltReport buildBasicTextSr(const StudyTags& study, const std::string& reportText) {
  return buildBasicTextSr(study, reportText, SrOptions{});
}

BuiltReport buildBasicTextSr(const StudyTags& study, const std::string& reportText, const SrOptions& options) {
  validateText(reportText);
  const std::vector<Paragraph> parts = paragraphs(reportText);
  if (parts.empty()) throw std::invalid_argument("the report is empty");
  if (tag(study, "StudyInstanceUID").empty()) throw std::invalid_argument("the study has no StudyInstanceUID");

  DSRDocument doc(DSRTypes::DT_BasicTextSR);
  setPatientAndStudy(doc, study, options);
  addTextItems(doc.getTree(), parts);

  BuiltReport built;
  built.sopInstanceUid = options.sopInstanceUid.empty() ? newUuidUid() : options.sopInstanceUid;
  built.seriesInstanceUid = options.seriesInstanceUid.empty() ? newUuidUid() : options.seriesInstanceUid;
  DcmFileFormat file;
  check(doc.write(*file.getDataset()), "write");
  putDatasetTags(*file.getDataset(), study, built);
  built.dicom = serialise(file);
  return built;
}

}  // namespace mcr::report
