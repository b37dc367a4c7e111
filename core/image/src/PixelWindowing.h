#pragma once
// The fallback VOI window: robust percentiles of the modality values of the first frame.
#include <cstddef>

class DiPixel;

namespace mcr::image::detail {

// Percentiles used when the file carries neither a VOI LUT nor a usable window: the
// darkest and brightest 1 % are clipped, so burned-in labels, collimator edges and
// dead pixels do not dictate the contrast of the anatomy.
constexpr double kLowPercentile = 0.01;
constexpr double kHighPercentile = 0.99;

struct ValueRange {
  double low = 0;
  double high = 0;
};

// Values at ranks floor(kLowPercentile * (n-1)) and ceil(kHighPercentile * (n-1)) of the
// sorted values (nearest rank, no interpolation). Exact for every representation DCMTK
// uses (8/16/32-bit integers); integer data with a small range use a histogram.
ValueRange percentileRange(const DiPixel& modalityValues);

// DICOM PS3.3 C.11.2.1.2.1 linear window whose first and last unclipped input values
// are `low` and `high`: center = (low + high) / 2 + 0.5, width = high - low + 1.
struct LinearWindow {
  double center = 0;
  double width = 1;
};
LinearWindow windowSpanning(const ValueRange& range);

}  // namespace mcr::image::detail
