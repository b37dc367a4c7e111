#pragma once
// Geometry and file helpers shared by the model input path, mcr-synth and tests.
#include <cstddef>
#include <string>

#include "mcr/image/GrayImage.h"

namespace mcr::image {

// Resize to size x size keeping the aspect ratio (area-averaging when shrinking,
// bilinear when enlarging), centred, the rest padded with 0 (letterbox, never stretch).
// The shorter side becomes round(side * size / longer side), at least 1; an odd leftover
// pixel of padding goes to the right / bottom. Throws std::invalid_argument for
// size <= 0 or an empty image.
GrayImage letterbox(const GrayImage& in, int size);

// 8- or 16-bit PNG (gray, gray+alpha, RGB(A) -> luminance) to [0, 1]. Throws DecodeError.
GrayImage loadPng(const std::string& path);
GrayImage decodePngBuffer(const void* data, std::size_t size);
// 8-bit gray, values clamped to [0, 1]. Throws std::runtime_error when it cannot write.
void savePng(const GrayImage& img, const std::string& path);

}  // namespace mcr::image
