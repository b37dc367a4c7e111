#pragma once
// Step 1 of decoding: bytes -> a parsed DCMTK file format and the header facts, with
// every structural problem turned into a typed DecodeError.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "mcr/image/DicomImageDecoder.h"

class DcmFileFormat;

namespace mcr::image::detail {

struct ParsedDicom {
  // A deflated data set, inflated (DeflatedDataset.h); declared before `file`, which may
  // still read deferred values from it, so that it is destroyed after it.
  std::vector<std::uint8_t> inflated;
  std::unique_ptr<DcmFileFormat> file;
  DecodeFacts facts;   // everything but the window, read before any decompression
  int samplesPerPixel = 1;
  int bitsAllocated = 0;
};

// Parses from memory (no temporary files; values over 4 KB stay in `data` until DCMTK
// first reads them, so `data` must outlive the returned file format) and checks that the dataset holds a
// decodable image: pixel data present and complete for the first frame, sane
// dimensions and bit depths, a transfer syntax whose decoder is registered.
ParsedDicom parseImageDataset(const void* data, std::size_t size);

}  // namespace mcr::image::detail
