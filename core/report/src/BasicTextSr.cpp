#include "mcr/report/BasicTextSr.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <mutex>
#include <random>
#include <vector>

#include "mcr/report/Utf8.h"

namespace mcr::report {

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

std::string newUuidUid() {
  // 128 random bits (two 64-bit draws) as one decimal number: divide the pair by 10 repeatedly.
  static std::mutex mutex;
  static std::random_device device;
  static std::mt19937_64 rng(device() ^ (static_cast<uint64_t>(device()) << 32));
  uint64_t high, low;
  {
    std::lock_guard<std::mutex> lock(mutex);
    high = rng();
    low = rng();
  }
  std::string digits;
  do {
    const unsigned __int128 value = (static_cast<unsigned __int128>(high) << 64) | low;
    const unsigned __int128 quotient = value / 10;
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    high = static_cast<uint64_t>(quotient >> 64);
    low = static_cast<uint64_t>(quotient);
  } while (high != 0 || low != 0);
  return "2.25." + digits;
}

BuiltReport buildBasicTextSr(const StudyTags& study, const std::string& reportText, const SrSeries& series) {
  if (!isValidUtf8(reportText)) throw std::invalid_argument("the report is not valid UTF-8 text");
  for (char c : reportText)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t')
      throw std::invalid_argument("the report holds a control character");
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
  doc.setStudyDescription(tag(study, "StudyDescription").c_str(), OFFalse);
  doc.setSeriesDescription(series.seriesDescription.c_str(), OFFalse);
  doc.setManufacturer(series.manufacturer.c_str(), OFFalse);
  if (!series.seriesNumber.empty()) check(doc.setSeriesNumber(series.seriesNumber.c_str()), "series number");
  if (!series.instanceNumber.empty()) check(doc.setInstanceNumber(series.instanceNumber.c_str()), "instance number");
  if (!series.contentDate.empty()) check(doc.setContentDate(series.contentDate.c_str()), "content date");
  if (!series.contentTime.empty()) check(doc.setContentTime(series.contentTime.c_str()), "content time");

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

  // DCMTK made series and instance UIDs under its own root: ours are given or UUID-derived.
  BuiltReport built;
  built.seriesInstanceUid = series.seriesInstanceUid.empty() ? newUuidUid() : series.seriesInstanceUid;
  built.sopInstanceUid = series.sopInstanceUid.empty() ? newUuidUid() : series.sopInstanceUid;
  check(dataset->putAndInsertString(DCM_SeriesInstanceUID, built.seriesInstanceUid.c_str()), "series UID");
  check(dataset->putAndInsertString(DCM_SOPInstanceUID, built.sopInstanceUid.c_str()), "SOP instance UID");

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

}  // namespace mcr::report
