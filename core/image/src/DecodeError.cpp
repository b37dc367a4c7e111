#include "mcr/image/DicomImageDecoder.h"

#include "FileBytes.h"

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

DecodeError::DecodeError(DecodeErrorCode code, const std::string& message)
    : std::runtime_error(std::string(toString(code)) + ": " + message), code_(code) {}

namespace detail {

std::string withoutCodePrefix(const DecodeError& e) {
  const std::string message = e.what();
  const std::string prefix = std::string(toString(e.code())) + ": ";
  return message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

}  // namespace detail
}  // namespace mcr::image
