#include "PixelWindowing.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmimgle/dipixel.h>

namespace mcr::image::detail {
namespace {

struct Ranks {
  std::size_t low;
  std::size_t high;
};

Ranks percentileRanks(std::size_t count) {
  const double last = static_cast<double>(count - 1);
  return {static_cast<std::size_t>(std::floor(kLowPercentile * last)),
          std::min(count - 1, static_cast<std::size_t>(std::ceil(kHighPercentile * last)))};
}

template <typename T>
ValueRange percentiles(const T* values, std::size_t count) {
  const Ranks ranks = percentileRanks(count);
  const auto [minIt, maxIt] = std::minmax_element(values, values + count);
  const std::int64_t minValue = static_cast<std::int64_t>(*minIt);
  const std::int64_t span = static_cast<std::int64_t>(*maxIt) - minValue;
  // A histogram is exact for integers and linear in the pixel count; 16-bit data (the
  // usual radiograph) always takes this path. Wider ranges (32-bit dose grids) with few
  // pixels are cheaper to partially sort than to histogram.
  if (span < (1 << 16) || static_cast<std::size_t>(span) <= count) {
    std::vector<std::size_t> histogram(static_cast<std::size_t>(span) + 1, 0);
    for (std::size_t i = 0; i < count; ++i) ++histogram[static_cast<std::size_t>(values[i] - minValue)];
    ValueRange range;
    bool lowFound = false;
    std::size_t seen = 0;
    for (std::size_t bin = 0; bin < histogram.size(); ++bin) {
      seen += histogram[bin];
      if (!lowFound && seen > ranks.low) {
        range.low = static_cast<double>(minValue + static_cast<std::int64_t>(bin));
        lowFound = true;
      }
      if (seen > ranks.high) {
        range.high = static_cast<double>(minValue + static_cast<std::int64_t>(bin));
        break;
      }
    }
    return range;
  }
  std::vector<T> sorted(values, values + count);
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(ranks.low), sorted.end());
  const double low = static_cast<double>(sorted[ranks.low]);
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(ranks.high), sorted.end());
  return {low, static_cast<double>(sorted[ranks.high])};
}

}  // namespace

ValueRange percentileRange(const DiPixel& modalityValues) {
  const std::size_t count = modalityValues.getCount();
  const void* data = modalityValues.getData();
  if (count == 0 || data == nullptr) throw std::logic_error("percentileRange: no modality values");
  switch (modalityValues.getRepresentation()) {
    case EPR_Uint8: return percentiles(static_cast<const Uint8*>(data), count);
    case EPR_Sint8: return percentiles(static_cast<const Sint8*>(data), count);
    case EPR_Uint16: return percentiles(static_cast<const Uint16*>(data), count);
    case EPR_Sint16: return percentiles(static_cast<const Sint16*>(data), count);
    case EPR_Uint32: return percentiles(static_cast<const Uint32*>(data), count);
    case EPR_Sint32: return percentiles(static_cast<const Sint32*>(data), count);
  }
  throw std::logic_error("percentileRange: unknown DCMTK pixel representation");
}

LinearWindow windowSpanning(const ValueRange& range) {
  return {(range.low + range.high) / 2.0 + 0.5, range.high - range.low + 1.0};
}

}  // namespace mcr::image::detail
