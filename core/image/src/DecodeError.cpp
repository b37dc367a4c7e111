#include "mcr/image/DicomImageDecoder.h"

#include <utility>

namespace mcr::image {

const char* toString(DecodeErrorCode code) {
  switch (code) {
    case DecodeErrorCode::NotAnImage: return "NotAnImage";
    case DecodeErrorCode::UnsupportedTransferSyntax: return "UnsupportedTransferSyntax";
    case DecodeErrorCode::BadDimensions: return "BadDimensions";
    case DecodeErrorCode::MissingPixelData: return "MissingPixelData";
    case DecodeErrorCode::UnsupportedBitDepth: return "UnsupportedBitDepth";
    case DecodeErrorCode::Corrupt: return "Corrupt";
    case DecodeErrorCode::FileNotReadable: return "FileNotReadable";
  }
  return "Unknown";
}

DecodeError::DecodeError(DecodeErrorCode code, const std::string& message, std::string photometric)
    : std::runtime_error(std::string(toString(code)) + ": " + message), code_(code), photometric_(std::move(photometric)) {}

}  // namespace mcr::image
