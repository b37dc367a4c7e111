#pragma once
// A single-channel float image, the currency between decoding, rendering and the model.
#include <cstddef>
#include <vector>

namespace mcr::image {

struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<float> pixels;  // row-major, width*height values in [0, 1], 0 = black (air on a radiograph)

  float at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
  bool empty() const { return pixels.empty(); }
};

}  // namespace mcr::image
