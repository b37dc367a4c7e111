#include "ImageDecoding.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "PluginHost.h"

namespace mcr::plugin {

namespace {

struct OrthancImage {
  OrthancPluginContext* sdk;
  OrthancPluginImage* image = nullptr;
  ~OrthancImage() {
    if (image) OrthancPluginFreeImage(sdk, image);
  }
};

// Orthanc gives raw stored values: window them to [0, 1] between the 0.5 and 99.5
// percentiles, as the core decoder does when a file carries no window.
void windowToUnit(std::vector<float>& values) {
  if (values.empty()) return;
  std::vector<float> sorted = values;
  std::size_t lo = sorted.size() / 200, hi = sorted.size() - 1 - sorted.size() / 200;
  std::nth_element(sorted.begin(), sorted.begin() + lo, sorted.end());
  float low = sorted[lo];
  std::nth_element(sorted.begin(), sorted.begin() + hi, sorted.end());
  float high = sorted[hi];
  float range = high > low ? high - low : 1.0f;
  for (float& v : values) v = std::clamp((v - low) / range, 0.0f, 1.0f);
}

image::GrayImage decodeWithOrthanc(OrthancPluginContext* c, const std::string& dicom,
                                   const image::DecodeError& original) {
  OrthancImage decoded{c};
  decoded.image = OrthancPluginDecodeDicomImage(c, dicom.data(),
                                                static_cast<uint32_t>(dicom.size()), 0);
  if (decoded.image == nullptr)
    throw image::DecodeError(original.code(), std::string(original.what()) + "; Orthanc's decoder failed too");
  const uint32_t width = OrthancPluginGetImageWidth(c, decoded.image);
  const uint32_t height = OrthancPluginGetImageHeight(c, decoded.image);
  const uint32_t pitch = OrthancPluginGetImagePitch(c, decoded.image);
  const auto format = OrthancPluginGetImagePixelFormat(c, decoded.image);
  const auto* buffer = static_cast<const uint8_t*>(OrthancPluginGetImageBuffer(c, decoded.image));
  if (width == 0 || height == 0 || width > image::kMaxDimension || height > image::kMaxDimension)
    throw image::DecodeError(image::DecodeErrorCode::BadDimensions, "Orthanc decoded an image of bad size");
  image::GrayImage out;
  out.width = static_cast<int>(width);
  out.height = static_cast<int>(height);
  out.pixels.resize(static_cast<std::size_t>(width) * height);
  for (uint32_t y = 0; y < height; ++y) {
    const uint8_t* row = buffer + static_cast<std::size_t>(y) * pitch;
    float* dst = out.pixels.data() + static_cast<std::size_t>(y) * width;
    for (uint32_t x = 0; x < width; ++x) {
      switch (format) {
        case OrthancPluginPixelFormat_Grayscale8: dst[x] = row[x]; break;
        case OrthancPluginPixelFormat_Grayscale16: { uint16_t v; std::memcpy(&v, row + 2 * x, 2); dst[x] = v; break; }
        case OrthancPluginPixelFormat_SignedGrayscale16: { int16_t v; std::memcpy(&v, row + 2 * x, 2); dst[x] = v; break; }
        case OrthancPluginPixelFormat_Grayscale32: { uint32_t v; std::memcpy(&v, row + 4 * x, 4); dst[x] = static_cast<float>(v); break; }
        case OrthancPluginPixelFormat_Float32: { float v; std::memcpy(&v, row + 4 * x, 4); dst[x] = v; break; }
        case OrthancPluginPixelFormat_RGB24: dst[x] = 0.299f * row[3 * x] + 0.587f * row[3 * x + 1] + 0.114f * row[3 * x + 2]; break;
        case OrthancPluginPixelFormat_RGBA32: dst[x] = 0.299f * row[4 * x] + 0.587f * row[4 * x + 1] + 0.114f * row[4 * x + 2]; break;
        default:
          throw image::DecodeError(image::DecodeErrorCode::UnsupportedBitDepth, "Orthanc decoded an unsupported pixel format");
      }
    }
  }
  windowToUnit(out.pixels);
  // Orthanc returns stored values: MONOCHROME1 (low = white, common for CR) must be flipped
  // to the MONOCHROME2 sense the model was trained on, as the core decoder does.
  const bool gray = format != OrthancPluginPixelFormat_RGB24 && format != OrthancPluginPixelFormat_RGBA32;
  if (gray && original.photometric() == "MONOCHROME1")
    for (float& v : out.pixels) v = 1.0f - v;
  return out;
}

}  // namespace

image::GrayImage decodeWithFallback(OrthancPluginContext* sdk, const std::string& dicom) {
  try {
    return image::decodeDicomBuffer(dicom.data(), dicom.size()).image;
  } catch (const image::DecodeError& e) {
    if (e.code() != image::DecodeErrorCode::UnsupportedTransferSyntax &&
        e.code() != image::DecodeErrorCode::UnsupportedBitDepth)
      throw;
    return decodeWithOrthanc(sdk, dicom, e);
  }
}

DicomImageDecoder decoderWithOrthancFallback(OrthancPluginContext* sdk) {
  return [sdk](const std::string& dicom) { return decodeWithFallback(sdk, dicom); };
}

bool looksLikePng(const std::string& bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data(), "\x89PNG\r\n\x1a\n", 8) == 0;
}

bool looksLikeDicom(const std::string& bytes) {
  if (bytes.size() >= 132 && std::memcmp(bytes.data() + 128, "DICM", 4) == 0) return true;
  // No preamble: a group 0x0002 or 0x0008 tag in little endian at the start.
  return bytes.size() >= 8 && (bytes[0] == 0x02 || bytes[0] == 0x08) && bytes[1] == 0x00;
}

}  // namespace mcr::plugin
