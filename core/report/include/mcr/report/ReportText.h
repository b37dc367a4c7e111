#pragma once
// Report text from DICOM SR documents (DCMTK dcmsr) and plain-text normalisation.
//
// Where normalisation happens: report text is normalised once, where it enters — by
// readReportText for a DICOM SR, by normaliseReportText for text from anywhere else (a
// CSV column, a .txt file, a report typed into a form). Callers do not normalise the
// result of readReportText again. The model's Embedder also applies normaliseReportText
// to every text it embeds: that is its input contract, because a search query typed by a
// user reaches it raw. On text that is already normalised the call changes nothing:
// normaliseReportText is idempotent (NormaliseReportTextTest checks that, also on the
// output of readReportText), so stored reports and queries meet the same tokens.
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

// The report text of a DICOM SR as the rest of the project uses it: extractSrText's
// paragraphs, normalised as a whole (the "HEADING: " joins included), so the result is a
// fixed point of normaliseReportText. Same exceptions as extractSrText.
std::string readReportText(const void* data, std::size_t size);
std::string readReportTextFile(const std::string& path);

// For report text from any source: de-identification tokens (XXXX) removed, whitespace
// collapsed, sentence punctuation tidied. Case is kept; the tokenizer lowercases.
std::string normaliseReportText(std::string_view text);

}  // namespace mcr::report
