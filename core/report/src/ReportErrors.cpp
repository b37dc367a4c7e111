#include "mcr/report/ReportText.h"

namespace mcr::report {

const char* toString(ReportErrorCode code) {
  switch (code) {
    case ReportErrorCode::NotAStructuredReport: return "NotAStructuredReport";
    case ReportErrorCode::UnsupportedTemplate: return "UnsupportedTemplate";
    case ReportErrorCode::EmptyReport: return "EmptyReport";
    case ReportErrorCode::Corrupt: return "Corrupt";
  }
  return "Unknown";
}

NoReportText::NoReportText(ReportErrorCode code, const std::string& message)
    : std::runtime_error(std::string(toString(code)) + ": " + message), code_(code) {}

}  // namespace mcr::report
