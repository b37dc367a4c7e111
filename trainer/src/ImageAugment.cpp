#include "mcr/trainer/ImageAugment.h"

#include <ATen/CPUGeneratorImpl.h>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "mcr/trainer/Dataset.h"

namespace mcr::trainer {

void validate(const ImageAugmentOptions& o) {
  if (!(o.strength >= 0.0 && o.strength <= 2.0)) throw std::invalid_argument("--image-augment must lie in [0, 2]");
}

torch::Tensor augmentImages(const torch::Tensor& images, const ImageAugmentOptions& o, uint64_t seed) {
  if (!o.active()) return images;
  if (images.dim() != 4 || images.size(1) != 1) throw std::invalid_argument("augmentImages: (B, 1, S, S) expected");
  namespace F = torch::nn::functional;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto b = images.size(0);
  const double s = o.strength;
  // Uniform in [-amplitude, amplitude], one value per image; the draw order is fixed.
  auto uniform = [&](double amplitude) { return (at::rand({b}, gen, torch::kFloat) * 2.0 - 1.0) * amplitude; };
  auto angle = uniform(s * 5.0 * M_PI / 180.0);
  auto scale = 1.0 + uniform(s * 0.08);
  auto shiftX = uniform(s * 0.12), shiftY = uniform(s * 0.12);  // grid units: the side is 2
  auto logGamma = uniform(s * 0.2), contrast = 1.0 + uniform(s * 0.15), brightness = uniform(s * 0.06);

  // affine_grid maps output to input coordinates: the inverse of the image's motion.
  auto cosA = torch::cos(angle) / scale, sinA = torch::sin(angle) / scale;
  auto theta = torch::stack({torch::stack({cosA, -sinA, shiftX}, 1), torch::stack({sinA, cosA, shiftY}, 1)}, 1);
  auto input = images.to(torch::kFloat);
  auto grid = F::affine_grid(theta.to(input.device()), input.sizes(), /*align_corners=*/false);
  // Zeros outside: the letterbox around an image is black too.
  auto moved = F::grid_sample(input, grid,
                              F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));
  auto view = [&](const torch::Tensor& v) { return v.to(input.device()).view({b, 1, 1, 1}); };
  auto out = moved.clamp(0.0, 1.0).pow(view(torch::exp(logGamma)));
  out = (out - 0.5) * view(contrast) + 0.5 + view(brightness);
  return out.clamp_(0.0, 1.0);
}

}  // namespace mcr::trainer
