#pragma once
// Whole-file reads for the decoders: a missing or unreadable path is a typed error.
#include <cstdint>
#include <string>
#include <vector>

namespace mcr::image::detail {

// Throws DecodeError(FileNotReadable) when the file cannot be opened or read, and
// DecodeError(BadDimensions) never: size limits are the decoders' business.
std::vector<std::uint8_t> readFileBytes(const std::string& path);

}  // namespace mcr::image::detail
