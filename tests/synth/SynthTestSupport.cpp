#include "SynthTestSupport.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

namespace mcr::synth::test {
namespace {

template <typename F>
void forEach(int n, const Box& b, F f) {
  const int x0 = std::max(0, static_cast<int>(b.x0 * n)), x1 = std::min(n, static_cast<int>(b.x1 * n));
  const int y0 = std::max(0, static_cast<int>(b.y0 * n)), y1 = std::min(n, static_cast<int>(b.y1 * n));
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) f(static_cast<std::size_t>(y) * n + x);
}

}  // namespace

double meanIn(const Phantom& p, const Box& b) {
  double sum = 0;
  long count = 0;
  forEach(p.size, b, [&](std::size_t i) { sum += p.pixels[i]; ++count; });
  return count ? sum / count : 0;
}

double stdIn(const Phantom& p, const Box& b) {
  const double mean = meanIn(p, b);
  double sum = 0;
  long count = 0;
  forEach(p.size, b, [&](std::size_t i) { sum += (p.pixels[i] - mean) * (p.pixels[i] - mean); ++count; });
  return count ? std::sqrt(sum / count) : 0;
}

double meanAbsDiff(const Phantom& a, const Phantom& b, const Box& box) {
  double sum = 0;
  long count = 0;
  forEach(a.size, box, [&](std::size_t i) { sum += std::abs(int(a.pixels[i]) - int(b.pixels[i])); ++count; });
  return count ? sum / count : 0;
}

long changedPixels(const Phantom& a, const Phantom& b, const Box& box, int threshold) {
  long count = 0;
  forEach(a.size, box, [&](std::size_t i) { count += std::abs(int(a.pixels[i]) - int(b.pixels[i])) > threshold; });
  return count;
}

long changedPixelsWithSide(const Phantom& a, const Phantom& b, int threshold, double& rightShare) {
  long total = 0, right = 0;
  const int n = a.size;
  const int mid = static_cast<int>(a.anatomy.cx * n);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * n + x;
      if (std::abs(int(a.pixels[i]) - int(b.pixels[i])) > threshold) {
        ++total;
        right += x < mid;
      }
    }
  rightShare = total ? static_cast<double>(right) / total : 0.5;
  return total;
}

Box costophrenicBox(const Anatomy& a, int side) {
  const double sg = a.sideSign(side);
  const double xOuter = a.cx + sg * a.thoraxHalfWidth * 0.98, xInner = a.cx + sg * a.thoraxHalfWidth * 0.6;
  const double yc = a.costophrenicY(side);
  return {std::min(xOuter, xInner), yc - 0.09, std::max(xOuter, xInner), yc - 0.01};
}

Box lungBox(const Anatomy& a, int side) {
  const double sg = a.sideSign(side);
  const double x0 = a.cx + sg * a.thoraxHalfWidth * 0.45, x1 = a.cx + sg * a.thoraxHalfWidth * 0.9;
  return {std::min(x0, x1), a.apexY + 0.08, std::max(x0, x1), a.domeY[side] - 0.04};
}

Box upperLateralBox(const Anatomy& a, int side) {
  const double sg = a.sideSign(side);
  const double x0 = a.cx + sg * a.thoraxHalfWidth * 0.55, x1 = a.cx + sg * a.thoraxHalfWidth * 0.85;
  return {std::min(x0, x1), a.apexY + 0.06, std::max(x0, x1), a.apexY + 0.2};
}

double measuredHeartWidth(const Phantom& p) {
  const Anatomy& a = p.anatomy;
  const int n = p.size;
  const int y = static_cast<int>(a.heartCenterY * n);
  // Lung level: the lateral lungs on this row; heart level: its centre.
  auto rowMean = [&](double x0, double x1) {
    double s = 0;
    int c = 0;
    for (int dy = -2; dy <= 2; ++dy)
      for (int x = static_cast<int>(x0 * n); x < static_cast<int>(x1 * n); ++x, ++c) s += p.pixels[static_cast<std::size_t>(y + dy) * n + x];
    return c ? s / c : 0.0;
  };
  const double lung = 0.5 * (rowMean(a.cx - a.thoraxHalfWidth * 0.9, a.cx - a.thoraxHalfWidth * 0.75) +
                             rowMean(a.cx + a.thoraxHalfWidth * 0.75, a.cx + a.thoraxHalfWidth * 0.9));
  const double heart = rowMean(a.heartCenterX - 0.02, a.heartCenterX + 0.02);
  const double level = 0.5 * (lung + heart);
  auto bright = [&](int x) {
    double s = 0;
    for (int dy = -2; dy <= 2; ++dy) s += p.pixels[static_cast<std::size_t>(y + dy) * n + x];
    return s / 5 > level;
  };
  int left = static_cast<int>(a.heartCenterX * n), right = left;
  while (left > 0 && bright(left - 1)) --left;
  while (right < n - 1 && bright(right + 1)) ++right;
  return static_cast<double>(right - left + 1) / n;
}

std::string tempDir(const std::string& name) {
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() / ("mcr-synth-test-" + name + "-" + std::to_string(rd()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace mcr::synth::test
