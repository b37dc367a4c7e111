// Image augmentation: off is the identity, draws are reproducible, and the changes stay
// small and never mirror the image (laterality is a finding).
#include <gtest/gtest.h>

#include "mcr/trainer/Dataset.h"
#include "mcr/trainer/ImageAugment.h"

namespace mcr::trainer {
namespace {

// A batch of dark images, each with a bright square whose centre is at (row, col).
torch::Tensor squares(int64_t batch, int64_t size, int64_t row, int64_t col) {
  auto images = torch::full({batch, 1, size, size}, 0.1f);
  images.index_put_({torch::indexing::Slice(), 0, torch::indexing::Slice(row - 4, row + 4),
                     torch::indexing::Slice(col - 4, col + 4)},
                    0.9f);
  return images;
}

// The column of the brightness centroid above each image's own background (its median).
torch::Tensor centroidColumn(const torch::Tensor& images) {
  auto flat = images.squeeze(1);
  auto background = std::get<0>(flat.flatten(1).median(1)).view({-1, 1, 1});
  auto w = (flat - background - 0.05).clamp_min(0.0);
  auto cols = torch::arange(images.size(-1), torch::kFloat).view({1, 1, -1});
  return (w * cols).sum({1, 2}) / w.sum({1, 2}).clamp_min(1e-6);
}

TEST(ImageAugment, OffIsTheIdentity) {
  auto images = squares(4, 64, 20, 40);
  EXPECT_TRUE(torch::equal(augmentImages(images, {}, 7), images));
}

TEST(ImageAugment, SameSeedSameImagesOtherSeedOthers) {
  auto images = squares(8, 64, 32, 32);
  const ImageAugmentOptions on{1.0};
  auto a = augmentImages(images, on, 11), b = augmentImages(images, on, 11), c = augmentImages(images, on, 12);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_FALSE(torch::equal(a, c));
  EXPECT_EQ(a.sizes(), images.sizes());
  EXPECT_GE(a.min().item<float>(), 0.0f);
  EXPECT_LE(a.max().item<float>(), 1.0f);
  // Each image gets its own draw.
  for (int64_t i = 1; i < a.size(0); ++i) EXPECT_FALSE(torch::equal(a[0], a[i])) << i;
}

TEST(ImageAugment, SmallShiftsAndNoMirroring) {
  const int64_t size = 128, col = 24;  // a finding on the image's left side
  auto images = squares(64, size, 64, col);
  auto moved = centroidColumn(augmentImages(images, {1.0}, 5));
  auto before = centroidColumn(images);
  auto shift = (moved - before).abs();
  // Shift ≤ 6 % of the side, plus what scale (8 %) and rotation (5°) move a point 40 px off centre.
  EXPECT_LE(shift.max().item<float>(), 0.06f * size + 0.08f * 40 + 40 * std::sin(5 * M_PI / 180) + 1.0f);
  EXPECT_GT(shift.mean().item<float>(), 0.5f);           // it does move
  EXPECT_LT(moved.max().item<float>(), size / 2.0f);     // and stays on the left
  // Strength 0.5 moves less than strength 1 on average.
  auto half = (centroidColumn(augmentImages(images, {0.5}, 5)) - before).abs();
  EXPECT_LT(half.mean().item<float>(), shift.mean().item<float>());
}

TEST(ImageAugment, RejectsStrengthOutsideItsRange) {
  EXPECT_THROW(validate(ImageAugmentOptions{-0.1}), std::invalid_argument);
  EXPECT_THROW(validate(ImageAugmentOptions{2.5}), std::invalid_argument);
  EXPECT_NO_THROW(validate(ImageAugmentOptions{1.0}));
}

}  // namespace
}  // namespace mcr::trainer
