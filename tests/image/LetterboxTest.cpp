// Letterbox geometry on small images whose results are worked out by hand.
#include <stdexcept>

#include <gtest/gtest.h>

#include "mcr/image/ImageOps.h"

namespace mcr::image {
namespace {

GrayImage makeImage(int width, int height, std::vector<float> pixels) {
  GrayImage img;
  img.width = width;
  img.height = height;
  img.pixels = std::move(pixels);
  return img;
}

void expectPixels(const GrayImage& img, const std::vector<float>& expected) {
  ASSERT_EQ(img.pixels.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(img.pixels[i], expected[i], 1e-6) << "pixel " << i % img.width << "," << i / img.width;
  }
}

// 4x2 -> 2: halves, so each output pixel is the mean of a 2x2 block; 2x1 content sits in
// row 0 (the odd padding row goes to the bottom).
TEST(Letterbox, ShrinkAveragesBlocksAndPadsBelow) {
  const GrayImage in = makeImage(4, 2, {0.0f, 1.0f, 0.2f, 0.2f,  //
                                        1.0f, 1.0f, 0.4f, 0.0f});
  const GrayImage out = letterbox(in, 2);
  EXPECT_EQ(out.width, 2);
  EXPECT_EQ(out.height, 2);
  expectPixels(out, {0.75f, 0.2f,  //
                     0.0f, 0.0f});
}

// 3x3 -> 2 (scale 2/3): output pixel 0 covers source [0, 1.5) = 2/3 of pixel 0 and 1/3
// of pixel 1 on each axis. With values v(x, y) = (3y + x) / 8 the four results are
// (4/3, 8/3, 16/3, 20/3) / 8, and the mean (4/8) is preserved.
TEST(Letterbox, FractionalShrinkIsExactAreaAverage) {
  std::vector<float> v;
  for (int i = 0; i < 9; ++i) v.push_back(i / 8.0f);
  const GrayImage out = letterbox(makeImage(3, 3, v), 2);
  expectPixels(out, {4.0f / 24, 8.0f / 24, 16.0f / 24, 20.0f / 24});
}

// 2x4 -> 4: scale 1, so the pixels are copied unchanged into columns 1..2.
TEST(Letterbox, TallImageIsCentredHorizontallyAtScaleOne) {
  const GrayImage in = makeImage(2, 4, {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f});
  const GrayImage out = letterbox(in, 4);
  expectPixels(out, {0, 0.1f, 0.2f, 0,  //
                     0, 0.3f, 0.4f, 0,  //
                     0, 0.5f, 0.6f, 0,  //
                     0, 0.7f, 0.8f, 0});
}

// 2x1 [0, 1] -> 4: doubled to 4x2 in rows 1..2. Bilinear with pixel centres: output x
// samples source (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped at the borders.
TEST(Letterbox, EnlargeIsBilinearWithClampedBorders) {
  const GrayImage out = letterbox(makeImage(2, 1, {0.0f, 1.0f}), 4);
  expectPixels(out, {0, 0, 0, 0,           //
                     0, 0.25f, 0.75f, 1,   //
                     0, 0.25f, 0.75f, 1,   //
                     0, 0, 0, 0});
}

// 300x100 -> 64: content 64 x round(21.33) = 64 x 21, top band (64 - 21) / 2 = 21 rows.
TEST(Letterbox, KeepsAspectRatioNeverStretches) {
  const GrayImage out = letterbox(makeImage(300, 100, std::vector<float>(300 * 100, 1.0f)), 64);
  ASSERT_EQ(out.width, 64);
  ASSERT_EQ(out.height, 64);
  for (int y = 0; y < 64; ++y) {
    const float expected = (y >= 21 && y < 42) ? 1.0f : 0.0f;
    for (int x = 0; x < 64; ++x) ASSERT_NEAR(out.at(x, y), expected, 1e-5) << x << "," << y;
  }
}

TEST(Letterbox, OnePixelImageFillsTheSquare) {
  const GrayImage out = letterbox(makeImage(1, 1, {0.5f}), 3);
  expectPixels(out, std::vector<float>(9, 0.5f));
}

TEST(Letterbox, ExtremeAspectKeepsAtLeastOneRow) {
  const GrayImage out = letterbox(makeImage(1000, 1, std::vector<float>(1000, 1.0f)), 8);
  for (int x = 0; x < 8; ++x) EXPECT_NEAR(out.at(x, 3), 1.0f, 1e-5);
  EXPECT_FLOAT_EQ(out.at(0, 0), 0.0f);
}

TEST(Letterbox, RejectsBadArguments) {
  EXPECT_THROW(letterbox(makeImage(2, 2, {0, 0, 0, 0}), 0), std::invalid_argument);
  EXPECT_THROW(letterbox(GrayImage{}, 8), std::invalid_argument);
  EXPECT_THROW(letterbox(makeImage(2, 2, {0, 0, 0}), 8), std::invalid_argument);
}

}  // namespace
}  // namespace mcr::image
