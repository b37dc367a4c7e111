// Letterbox resize: the model sees the whole radiograph at its true proportions; the
// unused band is black (0), which is what air looks like in MONOCHROME2, so padding
// adds no structure the encoder could mistake for anatomy.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "mcr/image/ImageOps.h"

namespace mcr::image {
namespace {

// For each output sample along one axis, the source samples and their weights.
using Taps = std::vector<std::vector<std::pair<int, float>>>;

// Shrinking: each output sample is the exact area average of the source interval it
// covers (no aliasing of fine lines such as rib edges or wires). Enlarging: bilinear
// with pixel centres at +0.5, clamped at the borders. Scale 1 is the identity.
Taps axisTaps(int inSize, int outSize) {
  Taps taps(static_cast<std::size_t>(outSize));
  const double scale = static_cast<double>(outSize) / inSize;
  for (int o = 0; o < outSize; ++o) {
    auto& t = taps[static_cast<std::size_t>(o)];
    if (scale < 1.0) {
      const double begin = o / scale;
      const double end = std::min<double>((o + 1) / scale, inSize);
      double total = 0;
      for (int i = static_cast<int>(std::floor(begin)); i < inSize && i < end; ++i) {
        const double overlap = std::min<double>(i + 1, end) - std::max<double>(i, begin);
        if (overlap > 1e-12) {
          t.emplace_back(i, static_cast<float>(overlap));
          total += overlap;
        }
      }
      for (auto& tap : t) tap.second = static_cast<float>(tap.second / total);
    } else {
      double src = (o + 0.5) / scale - 0.5;
      src = std::clamp(src, 0.0, static_cast<double>(inSize - 1));
      const int i0 = static_cast<int>(std::floor(src));
      const int i1 = std::min(i0 + 1, inSize - 1);
      const float frac = static_cast<float>(src - i0);
      t.emplace_back(i0, 1.0f - frac);
      if (frac > 0.0f && i1 != i0) t.emplace_back(i1, frac);
    }
  }
  return taps;
}

}  // namespace

GrayImage letterbox(const GrayImage& in, int size) {
  if (size <= 0) throw std::invalid_argument("letterbox: target size must be positive, got " + std::to_string(size));
  if (in.width <= 0 || in.height <= 0 ||
      in.pixels.size() != static_cast<std::size_t>(in.width) * static_cast<std::size_t>(in.height)) {
    throw std::invalid_argument("letterbox: empty or inconsistent image (" + std::to_string(in.width) + "x" +
                                std::to_string(in.height) + ", " + std::to_string(in.pixels.size()) + " pixels)");
  }
  // The longer side becomes `size`; the shorter is rounded to the nearest pixel (at least 1).
  const double scale = static_cast<double>(size) / std::max(in.width, in.height);
  const int outW = std::max(1, static_cast<int>(std::lround(in.width * scale)));
  const int outH = std::max(1, static_cast<int>(std::lround(in.height * scale)));
  // Centred; an odd leftover pixel goes to the right / bottom band.
  const int offX = (size - outW) / 2;
  const int offY = (size - outH) / 2;

  const Taps tapsX = axisTaps(in.width, outW);
  const Taps tapsY = axisTaps(in.height, outH);

  // Horizontal pass: in.height x outW.
  std::vector<float> rows(static_cast<std::size_t>(in.height) * outW);
  for (int y = 0; y < in.height; ++y) {
    const float* src = in.pixels.data() + static_cast<std::size_t>(y) * in.width;
    float* dst = rows.data() + static_cast<std::size_t>(y) * outW;
    for (int x = 0; x < outW; ++x) {
      float acc = 0;
      for (const auto& [i, w] : tapsX[static_cast<std::size_t>(x)]) acc += w * src[i];
      dst[x] = acc;
    }
  }

  GrayImage out;
  out.width = size;
  out.height = size;
  out.pixels.assign(static_cast<std::size_t>(size) * size, 0.0f);
  // Vertical pass straight into the centred window of the output.
  for (int y = 0; y < outH; ++y) {
    float* dst = out.pixels.data() + static_cast<std::size_t>(y + offY) * size + offX;
    for (int x = 0; x < outW; ++x) {
      float acc = 0;
      for (const auto& [i, w] : tapsY[static_cast<std::size_t>(y)]) acc += w * rows[static_cast<std::size_t>(i) * outW + x];
      dst[x] = acc;
    }
  }
  return out;
}

}  // namespace mcr::image
