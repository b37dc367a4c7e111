#pragma once
// Measurements on rendered phantoms for the synth tests.
#include <cstdint>
#include <string>

#include "mcr/synth/Phantom.h"

namespace mcr::synth::test {

struct Box {
  double x0, y0, x1, y1;  // normalised image coordinates
};

// Mean pixel value (0..4095) inside a box.
double meanIn(const Phantom& p, const Box& b);
// Mean |a - b| inside a box.
double meanAbsDiff(const Phantom& a, const Phantom& b, const Box& box);
// Standard deviation of pixel values inside a box.
double stdIn(const Phantom& p, const Box& b);
// Count of pixels differing by more than `threshold` inside a box.
long changedPixels(const Phantom& a, const Phantom& b, const Box& box, int threshold);
// Pixels differing by more than threshold, with the fraction on the image's left half
// (the patient's right) in `rightShare`.
long changedPixelsWithSide(const Phantom& a, const Phantom& b, int threshold, double& rightShare);

// The patient-side boxes the anatomy defines: the costophrenic region, the whole lung, the
// upper lateral lung.
Box costophrenicBox(const Anatomy& a, int side);
Box lungBox(const Anatomy& a, int side);
Box upperLateralBox(const Anatomy& a, int side);

// Width of the bright cardiac shadow on the row through the heart (normalised units),
// measured from the pixels: the run of pixels above the lung/heart midpoint level around
// the heart centre.
double measuredHeartWidth(const Phantom& p);

std::string tempDir(const std::string& name);  // fresh, empty folder under the system temp dir

}  // namespace mcr::synth::test
