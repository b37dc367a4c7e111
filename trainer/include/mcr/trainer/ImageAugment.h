#pragma once
// Image augmentation for training (the options; the tensor function is in Dataset.h).
//
// A site fine-tunes on a few thousand studies, which the model sees dozens of times each:
// without augmentation it learns those exact pixels. `strength` scales one set of small,
// radiographically plausible changes, drawn per image:
// - geometry: shift up to ±6 % of the side, scale 0.92–1.08, rotation up to ±5° (patient
//   position and collimation vary that much);
// - intensity: gamma exp(±0.2), contrast ×(1 ± 0.15), brightness ±0.06 (exposure and
//   processing differ between machines).
// No horizontal flip: laterality is a finding ("left pleural effusion" is not "right").
// The draw for a step is a pure function of (seed, step): resume is exact.
namespace mcr::trainer {

struct ImageAugmentOptions {
  double strength = 0;  // 0 = off, 1 = the ranges above; linear in between (at most 2)
  bool active() const { return strength > 0; }
};

// Throws std::invalid_argument unless strength lies in [0, 2].
void validate(const ImageAugmentOptions& options);

}  // namespace mcr::trainer
