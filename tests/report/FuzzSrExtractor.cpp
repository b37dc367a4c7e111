// libFuzzer: arbitrary bytes through the SR text extractor. A NoReportText is the only
// acceptable failure; any other exception, crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include "mcr/report/ReportText.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    const std::string text = mcr::report::extractSrText(data, size);
    if (text.empty()) __builtin_trap();  // text is promised non-empty
    mcr::report::normaliseReportText(text);
  } catch (const mcr::report::NoReportText&) {
  }
  return 0;
}
