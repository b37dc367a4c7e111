#pragma once
// Geometry and file helpers shared by the model input path, mcr-synth and tests.
#include <string>

#include "mcr/image/GrayImage.h"

namespace mcr::image {

// Resize to size x size keeping the aspect ratio (area-averaging when shrinking,
// bilinear when enlarging), centred, the rest padded with 0 (letterbox, never stretch).
GrayImage letterbox(const GrayImage& in, int size);

// 8- or 16-bit PNG (gray, gray+alpha, RGB(A) -> luminance) to [0, 1]. Throws DecodeError.
GrayImage loadPng(const std::string& path);
GrayImage decodePngBuffer(const void* data, std::size_t size);
void savePng(const GrayImage& img, const std::string& path);  // 8-bit gray

}  // namespace mcr::image
