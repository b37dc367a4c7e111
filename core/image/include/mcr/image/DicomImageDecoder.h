#pragma once
// DICOM image decoding with DCMTK: bytes or a file in, a windowed grayscale image out.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "mcr/image/GrayImage.h"

namespace mcr::image {

enum class DecodeErrorCode {
  NotAnImage,                 // e.g. an SR or a PDF: no Pixel Data
  UnsupportedTransferSyntax,  // e.g. JPEG 2000: callers may fall back to another decoder
  BadDimensions,              // zero, or over kMaxDimension
  MissingPixelData,           // truncated or absent pixel data
  UnsupportedBitDepth,
  Corrupt,                    // not parseable as DICOM at all (or a damaged PNG)
  FileNotReadable,            // the path does not exist or cannot be read (I/O, not content)
};
const char* toString(DecodeErrorCode code);

class DecodeError : public std::runtime_error {
 public:
  DecodeError(DecodeErrorCode code, const std::string& message, std::string photometric = {});
  DecodeErrorCode code() const { return code_; }
  // The file's Photometric Interpretation when it was read before the failure (always for
  // UnsupportedTransferSyntax and the geometry's UnsupportedBitDepth): a caller that decodes the pixels elsewhere still needs to
  // know whether MONOCHROME1 must be inverted. Empty when unknown.
  const std::string& photometric() const { return photometric_; }

 private:
  DecodeErrorCode code_;
  std::string photometric_;
};

constexpr int kMaxDimension = 16384;

// The facts a decode used, for logs, status pages and tests.
struct DecodeFacts {
  int rows = 0;
  int columns = 0;
  int frames = 1;                 // only the first frame is decoded
  int bitsStored = 0;
  std::string photometric;        // as in the file, e.g. MONOCHROME1
  std::string transferSyntaxUid;
  std::string transferSyntaxName;
  std::string sopClassUid;
  std::string modality;
  std::string windowSource;       // "voi-lut", "window", "percentile"
  double windowCenter = 0;        // in modality (rescaled) units, when a linear window was used
  double windowWidth = 0;
  bool inverted = false;          // MONOCHROME1 mapped to MONOCHROME2
};

struct DecodedImage {
  GrayImage image;  // native size, windowed to [0, 1], MONOCHROME2 sense
  DecodeFacts facts;
};

// Thread-safe; registers DCMTK's codecs once. Decodes the FIRST frame only (facts.frames
// says how many there are). VOI: the first VOI LUT, else the first window with width >= 1,
// else the 1st..99th percentile of the modality values (colour images: always the
// percentiles of BT.601 luminance). MONOCHROME1 is inverted. Throws only DecodeError.
// Policy details and tested files: docs/decoding.md.
DecodedImage decodeDicomBuffer(const void* data, std::size_t size);
DecodedImage decodeDicomFile(const std::string& path);  // FileNotReadable if it cannot be read

}  // namespace mcr::image
