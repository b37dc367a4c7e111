#pragma once
// Helpers shared by the DICOM and PNG decoders.
#include <cstdint>
#include <string>
#include <vector>

#include "mcr/image/DicomImageDecoder.h"

namespace mcr::image::detail {

// The whole file; DecodeError(FileNotReadable) when it cannot be opened or read.
std::vector<std::uint8_t> readFileBytes(const std::string& path);

// The message of `e` without its leading "<code>: ", to re-throw it with more context.
std::string withoutCodePrefix(const DecodeError& e);

}  // namespace mcr::image::detail
