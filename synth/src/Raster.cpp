#include <algorithm>
#include <cmath>
#include <cstdint>

#include "Canvas.h"
#include "mcr/synth/Random.h"

namespace mcr::synth::detail {
namespace {

inline float profileValue(double d, double r, Profile p, double aaPx, int n) {
  // d: distance from the centre line, r: radius, both normalised. aa: half pixel.
  const double aa = aaPx / n;
  switch (p) {
    case Profile::Solid:
      return static_cast<float>(clamp01((r - d) / (2 * aa) + 0.5));
    case Profile::Sphere: {
      if (d >= r + aa) return 0.f;
      double t = d / (r + aa);
      return static_cast<float>(std::sqrt(std::max(0.0, 1 - t * t)));
    }
    case Profile::Gaussian: {
      double t = d / r;
      return t > 2.2 ? 0.f : static_cast<float>(std::exp(-2 * t * t));
    }
    case Profile::Shell: {
      if (d >= r + aa) return 0.f;
      double t = std::min(1.0, d / (r + aa));
      double sphere = std::sqrt(std::max(0.0, 1 - t * t));
      double rim = std::pow(t, 6.0);
      return static_cast<float>(0.35 * sphere + 0.9 * rim * clamp01((r + aa - d) / (2 * aa)));
    }
  }
  return 0.f;
}

inline void put(float& dst, float v, Blend b) {
  if (b == Blend::Add) dst += v;
  else dst = std::max(dst, v);
}

double reach(double r, Profile p) { return p == Profile::Gaussian ? 2.2 * r : r; }

struct PixelBox {
  int x0, y0, x1, y1;
};
PixelBox bounds(int n, double xmin, double ymin, double xmax, double ymax) {
  PixelBox b;
  b.x0 = std::max(0, static_cast<int>(std::floor(xmin * n - 1)));
  b.y0 = std::max(0, static_cast<int>(std::floor(ymin * n - 1)));
  b.x1 = std::min(n - 1, static_cast<int>(std::ceil(xmax * n + 1)));
  b.y1 = std::min(n - 1, static_cast<int>(std::ceil(ymax * n + 1)));
  return b;
}

inline std::uint64_t hash2(std::int64_t x, std::int64_t y, std::uint64_t seed) {
  return mixSeed(seed, static_cast<std::uint64_t>(x) * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(y) * 0xC2B2AE3D27D4EB4FULL);
}
inline double lattice(std::int64_t x, std::int64_t y, std::uint64_t seed) {
  return static_cast<double>(hash2(x, y, seed) >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace

Canvas::Canvas(int size) : n(size) {
  for (Layer* l : {&tissue, &lung, &air, &fill, &clear, &vessels, &bone, &metal, &lucent, &extra}) l->reset(size);
}

void Canvas::clearAll() {
  for (Layer* l : {&tissue, &lung, &air, &fill, &clear, &vessels, &bone, &metal, &lucent, &extra})
    std::fill(l->v.begin(), l->v.end(), 0.f);
}

float Layer::sample(double x, double y) const {
  double fx = x * n - 0.5, fy = y * n - 0.5;
  int ix = static_cast<int>(std::floor(fx)), iy = static_cast<int>(std::floor(fy));
  if (ix < 0 || iy < 0 || ix + 1 >= n || iy + 1 >= n) return 0.f;
  double tx = fx - ix, ty = fy - iy;
  return static_cast<float>((1 - ty) * ((1 - tx) * at(ix, iy) + tx * at(ix + 1, iy)) +
                            ty * ((1 - tx) * at(ix, iy + 1) + tx * at(ix + 1, iy + 1)));
}

void disc(Layer& l, double x, double y, double r, float value, Profile p, Blend b) {
  ellipse(l, x, y, r, r, 0, value, p, b);
}

void ellipse(Layer& l, double x, double y, double rx, double ry, double angle, float value, Profile p, Blend b) {
  const double ext = reach(std::max(rx, ry), p) + 2.0 / l.n;
  PixelBox bb = bounds(l.n, x - ext, y - ext, x + ext, y + ext);
  const double c = std::cos(angle), s = std::sin(angle);
  const double rmin = std::min(rx, ry);
  for (int py = bb.y0; py <= bb.y1; ++py) {
    const double v = (py + 0.5) / l.n - y;
    for (int px = bb.x0; px <= bb.x1; ++px) {
      const double u = (px + 0.5) / l.n - x;
      const double a = (u * c + v * s) / rx, bq = (-u * s + v * c) / ry;
      // Scaled distance in units of the smaller radius (good enough for near-round shapes).
      const double d = std::sqrt(a * a + bq * bq) * rmin;
      const float f = profileValue(d, rmin, p, 0.5, l.n);
      if (f > 0) put(l.at(px, py), value * f, b);
    }
  }
}

void segment(Layer& l, double x0, double y0, double x1, double y1, double r0, double r1, float value, Profile p,
             Blend b) {
  const double rmax = reach(std::max(r0, r1), p) + 2.0 / l.n;
  PixelBox bb = bounds(l.n, std::min(x0, x1) - rmax, std::min(y0, y1) - rmax, std::max(x0, x1) + rmax,
                       std::max(y0, y1) + rmax);
  const double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  for (int py = bb.y0; py <= bb.y1; ++py) {
    const double qy = (py + 0.5) / l.n;
    for (int px = bb.x0; px <= bb.x1; ++px) {
      const double qx = (px + 0.5) / l.n;
      double t = len2 > 0 ? ((qx - x0) * dx + (qy - y0) * dy) / len2 : 0;
      t = t < 0 ? 0 : (t > 1 ? 1 : t);
      const double ex = qx - (x0 + t * dx), ey = qy - (y0 + t * dy);
      const double d = std::sqrt(ex * ex + ey * ey);
      const double r = r0 + t * (r1 - r0);
      const float f = profileValue(d, r, p, 0.5, l.n);
      if (f > 0) put(l.at(px, py), value * f, b);
    }
  }
}

void polyline(Layer& l, const std::vector<double>& xy, double r, float value, Profile p, Blend) {
  // Max-blend each segment into a scratch-free accumulation: overlapping joints must not
  // double the density, so segments are max-combined with what this polyline drew.
  if (xy.size() < 4) return;
  double xmin = 1e9, ymin = 1e9, xmax = -1e9, ymax = -1e9;
  for (std::size_t i = 0; i + 1 < xy.size(); i += 2) {
    xmin = std::min(xmin, xy[i]); xmax = std::max(xmax, xy[i]);
    ymin = std::min(ymin, xy[i + 1]); ymax = std::max(ymax, xy[i + 1]);
  }
  const double ext = reach(r, p) + 2.0 / l.n;
  PixelBox bb = bounds(l.n, xmin - ext, ymin - ext, xmax + ext, ymax + ext);
  const std::size_t pts = xy.size() / 2;
  for (int py = bb.y0; py <= bb.y1; ++py) {
    const double qy = (py + 0.5) / l.n;
    for (int px = bb.x0; px <= bb.x1; ++px) {
      const double qx = (px + 0.5) / l.n;
      double best = 1e9;
      for (std::size_t i = 0; i + 1 < pts; ++i) {
        const double ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], by = xy[2 * i + 3];
        const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
        double t = len2 > 0 ? ((qx - ax) * dx + (qy - ay) * dy) / len2 : 0;
        t = t < 0 ? 0 : (t > 1 ? 1 : t);
        const double ex = qx - (ax + t * dx), ey = qy - (ay + t * dy);
        best = std::min(best, ex * ex + ey * ey);
      }
      const float f = profileValue(std::sqrt(best), r, p, 0.5, l.n);
      if (f > 0) l.at(px, py) += value * f;
    }
  }
}

void box(Layer& l, double x, double y, double hx, double hy, double angle, float value, Profile p, Blend b) {
  const double ext = std::hypot(hx, hy) + 2.0 / l.n;
  PixelBox bb = bounds(l.n, x - ext, y - ext, x + ext, y + ext);
  const double c = std::cos(angle), s = std::sin(angle);
  const double round = std::min(hx, hy) * 0.5;
  for (int py = bb.y0; py <= bb.y1; ++py) {
    const double v = (py + 0.5) / l.n - y;
    for (int px = bb.x0; px <= bb.x1; ++px) {
      const double u = (px + 0.5) / l.n - x;
      const double a = std::fabs(u * c + v * s), bq = std::fabs(-u * s + v * c);
      // Rounded-box signed distance.
      const double qx = a - (hx - round), qy = bq - (hy - round);
      const double outside = std::hypot(std::max(qx, 0.0), std::max(qy, 0.0)) + std::min(std::max(qx, qy), 0.0) - round;
      const double inner = std::min(hx, hy);
      const float f = profileValue(std::max(0.0, inner + outside), inner, p, 0.5, l.n);
      if (f > 0) put(l.at(px, py), value * f, b);
    }
  }
}

double valueNoise(double x, double y, std::uint64_t seed) {
  const double fx = std::floor(x), fy = std::floor(y);
  const auto ix = static_cast<std::int64_t>(fx), iy = static_cast<std::int64_t>(fy);
  double tx = x - fx, ty = y - fy;
  tx = tx * tx * (3 - 2 * tx);
  ty = ty * ty * (3 - 2 * ty);
  const double a = lattice(ix, iy, seed), b = lattice(ix + 1, iy, seed);
  const double c = lattice(ix, iy + 1, seed), d = lattice(ix + 1, iy + 1, seed);
  return (1 - ty) * ((1 - tx) * a + tx * b) + ty * ((1 - tx) * c + tx * d);
}

void patches(Layer& l, double x, double y, double rx, double ry, double coverage, double grain, float value,
             std::uint64_t seed, Blend b) {
  PixelBox bb = bounds(l.n, x - rx, y - ry, x + rx, y + ry);
  const double threshold = 1.0 - coverage;
  for (int py = bb.y0; py <= bb.y1; ++py) {
    const double qy = (py + 0.5) / l.n;
    for (int px = bb.x0; px <= bb.x1; ++px) {
      const double qx = (px + 0.5) / l.n;
      const double eu = (qx - x) / rx, ev = (qy - y) / ry;
      const double r2 = eu * eu + ev * ev;
      if (r2 >= 1) continue;
      const double envelope = 1 - r2 * r2;
      const double noise = 0.65 * valueNoise(qx / grain, qy / grain, seed) +
                           0.35 * valueNoise(qx / (grain * 0.45), qy / (grain * 0.45), seed ^ 0x5bd1e995ULL);
      // Denser towards the centre: the threshold falls as the envelope rises.
      const double t = smoothstep(threshold - 0.15, threshold + 0.15, noise + 0.3 * (envelope - 0.5));
      if (t > 0) put(l.at(px, py), static_cast<float>(value * t * envelope), b);
    }
  }
}

void gaussianBlur(std::vector<float>& img, int n, double sigma) {
  // Repeated [1 2 1]/4 passes: each adds a variance of 0.5 px^2. The phantom's blur is a
  // pixel or two, so a few cheap passes beat a general kernel.
  const int passes = static_cast<int>(std::lround(2.0 * sigma * sigma));
  if (passes <= 0) return;
  std::vector<float> line(static_cast<std::size_t>(n));
  auto passLine = [&](float* data, std::ptrdiff_t stride) {
    for (int i = 0; i < n; ++i) line[static_cast<std::size_t>(i)] = data[i * stride];
    data[0] = 0.75f * line[0] + 0.25f * line[1];
    for (int i = 1; i + 1 < n; ++i)
      data[i * stride] = 0.25f * (line[static_cast<std::size_t>(i - 1)] + line[static_cast<std::size_t>(i + 1)]) +
                         0.5f * line[static_cast<std::size_t>(i)];
    data[(n - 1) * stride] = 0.75f * line[static_cast<std::size_t>(n - 1)] + 0.25f * line[static_cast<std::size_t>(n - 2)];
  };
  for (int p = 0; p < passes; ++p) {
    for (int y = 0; y < n; ++y) passLine(&img[static_cast<std::size_t>(y) * n], 1);
    for (int x = 0; x < n; ++x) passLine(&img[static_cast<std::size_t>(x)], n);
  }
}

void rotate(std::vector<float>& img, int n, double degrees) {
  if (std::fabs(degrees) < 0.05) return;
  const double a = degrees * M_PI / 180.0, c = std::cos(a), s = std::sin(a);
  std::vector<float> out(img.size());
  const double h = (n - 1) / 2.0;
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      const double sx = c * (x - h) + s * (y - h) + h, sy = -s * (x - h) + c * (y - h) + h;
      const int ix = std::clamp(static_cast<int>(std::floor(sx)), 0, n - 2);
      const int iy = std::clamp(static_cast<int>(std::floor(sy)), 0, n - 2);
      const double tx = std::clamp(sx - ix, 0.0, 1.0), ty = std::clamp(sy - iy, 0.0, 1.0);
      const std::size_t i = static_cast<std::size_t>(iy) * n + ix;
      out[static_cast<std::size_t>(y) * n + x] = static_cast<float>(
          (1 - ty) * ((1 - tx) * img[i] + tx * img[i + 1]) + ty * ((1 - tx) * img[i + n] + tx * img[i + n + 1]));
    }
  }
  img.swap(out);
}

}  // namespace mcr::synth::detail
