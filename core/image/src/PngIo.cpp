// PNG in and out through Debian's stb (header-only; the implementation lives in this
// file only, with static linkage so no other library's copy of stb can clash with it).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "FileBytes.h"
#include "mcr/image/DicomImageDecoder.h"
#include "mcr/image/ImageOps.h"

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG  // nothing but PNG reaches this decoder: smaller attack surface
#define STBI_NO_STDIO  // we read files ourselves, with typed errors
#define STBI_MAX_DIMENSIONS 16384
#include <stb_image.h>

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

namespace mcr::image {

static_assert(kMaxDimension == 16384, "keep STBI_MAX_DIMENSIONS in step with kMaxDimension");

namespace {

constexpr unsigned char kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

// ITU-R BT.601 luma, the same weights DCMTK uses to turn colour into monochrome, so a
// colour PNG and a colour DICOM of the same picture give the same gray image.
constexpr float kLumaR = 0.299f, kLumaG = 0.587f, kLumaB = 0.114f;

template <typename Sample>
GrayImage toGray(const Sample* samples, int width, int height, int channels, float maxValue) {
  GrayImage img;
  img.width = width;
  img.height = height;
  const std::size_t count = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  img.pixels.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const Sample* p = samples + i * static_cast<std::size_t>(channels);
    float v;
    if (channels >= 3) {
      v = kLumaR * p[0] + kLumaG * p[1] + kLumaB * p[2];
    } else {
      v = p[0];  // gray (+ alpha, which is ignored: radiographs have no transparency)
    }
    img.pixels[i] = std::clamp(v / maxValue, 0.0f, 1.0f);
  }
  return img;
}

struct StbFree {
  void operator()(void* p) const { stbi_image_free(p); }
};

}  // namespace

GrayImage decodePngBuffer(const void* data, std::size_t size) {
  if (data == nullptr || size < sizeof(kPngSignature) || std::memcmp(data, kPngSignature, sizeof(kPngSignature)) != 0) {
    throw DecodeError(DecodeErrorCode::Corrupt, "not a PNG (missing PNG signature)");
  }
  if (size > static_cast<std::size_t>(INT32_MAX)) throw DecodeError(DecodeErrorCode::Corrupt, "PNG larger than 2 GiB");
  const auto* bytes = static_cast<const stbi_uc*>(data);
  const int len = static_cast<int>(size);
  // The size check reads IHDR itself (signature, chunk length, "IHDR", width, height, all
  // big endian): stb reports an oversized image only as a generic failure.
  if (size < 24 || std::memcmp(bytes + 12, "IHDR", 4) != 0) {
    throw DecodeError(DecodeErrorCode::Corrupt, "PNG without an IHDR header chunk");
  }
  const auto be32 = [bytes](std::size_t at) {
    return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) | (std::uint32_t{bytes[at + 2]} << 8) |
           std::uint32_t{bytes[at + 3]};
  };
  const std::uint32_t declaredWidth = be32(16), declaredHeight = be32(20);
  if (declaredWidth == 0 || declaredHeight == 0 || declaredWidth > kMaxDimension || declaredHeight > kMaxDimension) {
    throw DecodeError(DecodeErrorCode::BadDimensions, "PNG of " + std::to_string(declaredWidth) + "x" +
                                                          std::to_string(declaredHeight) + " pixels (allowed 1.." +
                                                          std::to_string(kMaxDimension) + " a side)");
  }
  int width = 0, height = 0, channels = 0;
  if (!stbi_info_from_memory(bytes, len, &width, &height, &channels)) {
    const char* why = stbi_failure_reason();
    throw DecodeError(DecodeErrorCode::Corrupt, std::string("unreadable PNG header: ") + (why ? why : "unknown"));
  }
  if (stbi_is_16_bit_from_memory(bytes, len)) {
    std::unique_ptr<stbi_us, StbFree> px(stbi_load_16_from_memory(bytes, len, &width, &height, &channels, 0));
    if (!px) throw DecodeError(DecodeErrorCode::Corrupt, std::string("damaged PNG: ") + stbi_failure_reason());
    return toGray(px.get(), width, height, channels, 65535.0f);
  }
  std::unique_ptr<stbi_uc, StbFree> px(stbi_load_from_memory(bytes, len, &width, &height, &channels, 0));
  if (!px) throw DecodeError(DecodeErrorCode::Corrupt, std::string("damaged PNG: ") + stbi_failure_reason());
  return toGray(px.get(), width, height, channels, 255.0f);
}

GrayImage loadPng(const std::string& path) {
  const std::vector<std::uint8_t> bytes = detail::readFileBytes(path);
  try {
    return decodePngBuffer(bytes.data(), bytes.size());
  } catch (const DecodeError& e) {
    throw DecodeError(e.code(), path + ": " + detail::withoutCodePrefix(e));
  }
}

void savePng(const GrayImage& img, const std::string& path) {
  if (img.width <= 0 || img.height <= 0 ||
      img.pixels.size() != static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height)) {
    throw std::invalid_argument("savePng: empty or inconsistent image for '" + path + "'");
  }
  std::vector<unsigned char> gray(img.pixels.size());
  for (std::size_t i = 0; i < gray.size(); ++i) {
    const float v = img.pixels[i];
    // NaN (never expected) becomes black rather than undefined behaviour in the cast.
    gray[i] = std::isnan(v) ? 0 : static_cast<unsigned char>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
  }
  if (!stbi_write_png(path.c_str(), img.width, img.height, 1, gray.data(), img.width)) {
    throw std::runtime_error("savePng: cannot write '" + path + "'");
  }
}

}  // namespace mcr::image
