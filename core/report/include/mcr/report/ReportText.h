#pragma once
// Report text from DICOM SR documents (DCMTK dcmsr) and plain-text normalisation.
//
// Where text is normalised (normaliseReportText, the one normaliser): where it enters the
// project — readReportText for an SR, the manifest reader for CSV text — and in the Embedder,
// which normalises whatever it is given (a user's query arrives raw): that is the model's
// input contract. normaliseReportText is idempotent, so text normalised on entry reaches
// the model unchanged.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mcr::report {

enum class ReportErrorCode {
  NotAStructuredReport,   // e.g. an image, an encapsulated PDF
  UnsupportedTemplate,    // an SR that dcmsr rejects
  EmptyReport,            // an SR without any narrative text
  Corrupt,                // not parseable as DICOM
};
const char* toString(ReportErrorCode code);

class NoReportText : public std::runtime_error {
 public:
  NoReportText(ReportErrorCode code, const std::string& message);
  ReportErrorCode code() const { return code_; }

 private:
  ReportErrorCode code_;
};

// The narrative of a Basic Text, Enhanced or Comprehensive SR as plain text, one
// section per paragraph with its heading kept ("FINDINGS: ...\nIMPRESSION: ...").
// Paragraphs are separated by '\n', each already passed through normaliseReportText;
// the text is UTF-8 (converted from the Specific Character Set where DCMTK can).
// Which content items count is documented in src/SrTextExtractor.cpp. Other SR classes
// dcmsr reads (e.g. Key Object Selection) are walked the same way. Throws NoReportText:
// Corrupt (not parseable as DICOM, unreadable file), NotAStructuredReport (an image, an
// encapsulated PDF, ...), UnsupportedTemplate (an SR dcmsr cannot read), EmptyReport.
std::string extractSrText(const void* data, std::size_t size);
std::string extractSrTextFile(const std::string& path);

// The report text of a DICOM SR as the project stores, shows and embeds it: extractSrText,
// normalised to one line. Throws NoReportText like extractSrText.
std::string readReportText(const void* data, std::size_t size);

// For report text from any source: de-identification tokens (XXXX) removed, whitespace
// collapsed, sentence punctuation tidied. Case is kept; the tokenizer lowercases.
std::string normaliseReportText(std::string_view text);

}  // namespace mcr::report
