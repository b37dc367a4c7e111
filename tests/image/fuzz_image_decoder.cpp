// libFuzzer target: any byte string given to decodeDicomBuffer must decode or throw a
// DecodeError; any other exception, crash, leak or sanitizer report is a finding.
#include <cstddef>
#include <cstdint>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>

#include "mcr/image/DicomImageDecoder.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  OFLog::configure(OFLogger::FATAL_LOG_LEVEL);  // DCMTK's warnings would dominate the run time
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const mcr::image::DecodedImage decoded = mcr::image::decodeDicomBuffer(data, size);
    if (decoded.image.pixels.size() != static_cast<std::size_t>(decoded.image.width) * decoded.image.height) {
      __builtin_trap();
    }
  } catch (const mcr::image::DecodeError&) {
  }
  return 0;
}
