// The narrative of a DICOM SR document as plain text, through DCMTK's dcmsr.
//
// What becomes text (the rest of the tree is skipped):
//  - The content tree is followed along CONTAINS relationships only: the document's own
//    narrative. Items attached by other relationships (observation or acquisition
//    context, concept modifiers, properties, inferred-from, selected-from) describe their
//    parent item and are left out, as are by-reference items.
//  - A CONTAINER below the root starts a paragraph headed by its concept name in
//    capitals ("FINDINGS: ..."); the root container's concept name is the document title
//    and is not repeated. Items after a nested container continue in a new paragraph.
//  - TEXT: its value. A TEXT directly below the root carries its section in its concept
//    name, so it gets that heading ("IMPRESSION: ..."); inside a section its concept name
//    (e.g. "Finding") is not repeated.
//  - CODE and NUM: inside a CONTINUOUS container they are part of a sentence and give
//    their value only ("3 cm", "pleural effusion"); elsewhere they are statements of
//    their own: "Concept: value." NUM units are the UCUM code value, left out when "1".
//  - IMAGE, COMPOSITE, WAVEFORM, SCOORD(3D), TCOORD, DATE, TIME, DATETIME, UIDREF, PNAME:
//    no narrative, skipped.
// Each paragraph goes through normaliseReportText (de-identification, whitespace).
// dcmsr reads with RF_skipInvalidContentItems: an invalid item (commonly a broken image
// reference) is dropped with its subtree, the rest of the narrative is kept.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <memory>
#include <new>
#include <string>
#include <vector>

#include "mcr/dicomio/MemoryInputStream.h"
#include "mcr/report/ReportText.h"

namespace mcr::report {

namespace {

// Deeper content trees are not narrative anyone wrote; the limit keeps recursion bounded.
constexpr int kMaxDepth = 64;

std::string upperAscii(std::string text) {
  for (char& c : text)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return text;
}

std::string trimmed(const OFString& value) {
  std::string text(value.c_str(), value.length());
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  const auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

struct Paragraph {
  std::string heading;
  std::string body;
};

class NarrativeWriter {
 public:
  explicit NarrativeWriter(DSRDocumentTree& tree) : tree_(tree) {}

  std::vector<Paragraph> write() {
    if (tree_.gotoRoot() == 0) return {};
    // The root container: its title is not a heading; its children may be.
    walkChildren(/*depth=*/1, /*continuous=*/isContinuous(tree_.getCurrentContentItem()), /*atRoot=*/true);
    return std::move(paragraphs_);
  }

 private:
  static bool isContinuous(DSRContentItem& item) {
    return item.getValueType() == DSRTypes::VT_Container && item.getContinuityOfContent() == DSRTypes::COC_Continuous;
  }

  void append(const std::string& text) {
    if (text.empty()) return;
    if (paragraphs_.empty() || !paragraphOpen_) {
      paragraphs_.push_back({pendingHeading_, ""});
      pendingHeading_.clear();
      paragraphOpen_ = true;
    }
    std::string& body = paragraphs_.back().body;
    if (!body.empty()) body.push_back(' ');
    body += text;
  }

  void startParagraph(const std::string& heading) {
    paragraphOpen_ = false;
    pendingHeading_ = heading;
  }

  // The current node is a container; visits its CONTAINS children.
  void walkChildren(int depth, bool continuous, bool atRoot) {
    if (depth > kMaxDepth || tree_.gotoChild() == 0) return;
    do {
      DSRContentItem& item = tree_.getCurrentContentItem();
      if (item.getRelationshipType() != DSRTypes::RT_contains) continue;
      const std::string concept = trimmed(item.getConceptName().getCodeMeaning());
      switch (item.getValueType()) {
        case DSRTypes::VT_Container: {
          startParagraph(upperAscii(concept));
          walkChildren(depth + 1, isContinuous(item), /*atRoot=*/false);
          startParagraph("");  // the parent's remaining items: a new paragraph, no heading
          break;
        }
        case DSRTypes::VT_Text: {
          const std::string value = trimmed(item.getStringValue());
          if (value.empty()) break;
          if (atRoot && !concept.empty()) {
            startParagraph(upperAscii(concept));
            append(value);
            startParagraph("");
          } else {
            append(value);
          }
          break;
        }
        case DSRTypes::VT_Code: {
          const std::string meaning = trimmed(item.getCodeValue().getCodeMeaning());
          if (meaning.empty()) break;
          append(continuous || concept.empty() ? meaning : concept + ": " + meaning + ".");
          break;
        }
        case DSRTypes::VT_Num: {
          const DSRNumericMeasurementValue& measurement = item.getNumericValue();
          std::string value = trimmed(measurement.getNumericValue());
          if (value.empty()) break;
          const std::string unit = trimmed(measurement.getMeasurementUnit().getCodeValue());
          if (!unit.empty() && unit != "1") value += " " + unit;
          append(continuous || concept.empty() ? value : concept + ": " + value + ".");
          break;
        }
        default:
          break;
      }
    } while (tree_.gotoNext() != 0);
    tree_.goUp();
  }

  DSRDocumentTree& tree_;
  std::vector<Paragraph> paragraphs_;
  std::string pendingHeading_;
  bool paragraphOpen_ = false;
};

std::string conditionText(const OFCondition& condition) { return condition.text() ? condition.text() : "unknown error"; }

std::string sopClassName(const OFString& uid) {
  const char* name = dcmFindNameOfUID(uid.c_str(), nullptr);
  return name ? std::string(name) + " (" + uid.c_str() + ")" : "'" + std::string(uid.c_str()) + "'";
}

std::string textFromDataset(DcmDataset& dataset) {
  OFString sopClass, modality, valueType;
  dataset.findAndGetOFString(DCM_SOPClassUID, sopClass);
  dataset.findAndGetOFString(DCM_Modality, modality);
  dataset.findAndGetOFString(DCM_ValueType, valueType);
  const DSRTypes::E_DocumentType type = DSRTypes::sopClassUIDToDocumentType(sopClass);
  if (type == DSRTypes::DT_invalid) {
    const bool looksLikeSr = modality == "SR" || (valueType == "CONTAINER" && dataset.tagExists(DCM_ContentSequence));
    if (!looksLikeSr) {
      throw NoReportText(ReportErrorCode::NotAStructuredReport,
                         "SOP class " + (sopClass.empty() ? std::string("(none)") : sopClassName(sopClass)) +
                             ", modality '" + modality.c_str() + "' is not a structured report");
    }
    throw NoReportText(ReportErrorCode::UnsupportedTemplate,
                       "SR document with SOP class " + sopClassName(sopClass) + " is not one DCMTK dcmsr can read");
  }
  if (!DSRTypes::isDocumentTypeSupported(type)) {
    throw NoReportText(ReportErrorCode::UnsupportedTemplate,
                       std::string("DCMTK dcmsr does not support ") + DSRTypes::documentTypeToReadableName(type) +
                           " documents");
  }
  // SR text may be in any character set; the output is UTF-8. A set that cannot be
  // converted leaves the bytes as they are (the tokenizer copes with invalid UTF-8).
  dataset.convertToUTF8();

  DSRDocument document;
  const OFCondition read = document.read(dataset, DSRTypes::RF_skipInvalidContentItems);
  if (read.bad()) {
    throw NoReportText(ReportErrorCode::UnsupportedTemplate,
                       std::string("DCMTK dcmsr rejects this ") + DSRTypes::documentTypeToReadableName(type) +
                           " document: " + conditionText(read));
  }
  std::string text;
  for (const Paragraph& paragraph : NarrativeWriter(document.getTree()).write()) {
    // One line per paragraph: line breaks inside a TEXT value are not sections.
    std::string body = normaliseReportText(paragraph.body);
    for (char& c : body)
      if (c == '\n') c = ' ';
    if (body.empty()) continue;
    if (!text.empty()) text.push_back('\n');
    if (!paragraph.heading.empty()) text += normaliseReportText(paragraph.heading) + ": ";
    text += body;
  }
  if (text.empty()) {
    throw NoReportText(ReportErrorCode::EmptyReport,
                       std::string("the ") + DSRTypes::documentTypeToReadableName(type) +
                           " document has no narrative text (TEXT, CODE or NUM items in its CONTAINS tree)");
  }
  return text;
}

template <typename Load>
std::string extractWith(Load load) {
  try {
    DcmFileFormat file;
    load(file);
    return textFromDataset(*file.getDataset());
  } catch (const NoReportText&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw NoReportText(ReportErrorCode::Corrupt, "out of memory while reading the DICOM data (absurd lengths?)");
  } catch (const std::exception& error) {
    throw NoReportText(ReportErrorCode::Corrupt, std::string("failed to read the DICOM data: ") + error.what());
  }
}

}  // namespace

std::string extractSrText(const void* data, std::size_t size) {
  if (data == nullptr || size == 0) throw NoReportText(ReportErrorCode::Corrupt, "empty buffer");
  return extractWith([&](DcmFileFormat& file) {
    dicomio::MemoryInputStream stream(data, size);
    file.transferInit();
    const OFCondition status = file.read(stream);
    file.transferEnd();
    if (status.bad())
      throw NoReportText(ReportErrorCode::Corrupt, "not parseable as DICOM: " + conditionText(status));
  });
}

std::string extractSrTextFile(const std::string& path) {
  return extractWith([&](DcmFileFormat& file) {
    const OFCondition status = file.loadFile(path.c_str());
    if (status.bad())
      throw NoReportText(ReportErrorCode::Corrupt, "cannot read '" + path + "' as DICOM: " + conditionText(status));
  });
}

std::string readReportText(const void* data, std::size_t size) {
  return normaliseReportText(extractSrText(data, size));
}

std::string readReportTextFile(const std::string& path) { return normaliseReportText(extractSrTextFile(path)); }

}  // namespace mcr::report
