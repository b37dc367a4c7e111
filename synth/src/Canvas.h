#pragma once
// Internal: the layers a phantom is drawn into and the raster primitives that draw them.
// Layers hold densities (line integrals, arbitrary units) in normalised coordinates; the
// composite in Phantom.cpp turns them into an exposure.
#include <cstdint>
#include <vector>

namespace mcr::synth::detail {

enum class Profile {
  Solid,     // flat with an anti-aliased edge
  Sphere,    // sqrt(1 - (d/r)^2): projected thickness of a ball or cylinder
  Gaussian,  // exp(-2 (d/r)^2), soft
  Shell,     // bright rim: calcified wall, cortex, a ring
};

enum class Blend { Add, Max };

struct Layer {
  int n = 0;
  std::vector<float> v;
  void reset(int size) { n = size; v.assign(static_cast<std::size_t>(size) * size, 0.f); }
  float& at(int x, int y) { return v[static_cast<std::size_t>(y) * n + x]; }
  float at(int x, int y) const { return v[static_cast<std::size_t>(y) * n + x]; }
  // Bilinear sample at normalised coordinates, 0 outside.
  float sample(double x, double y) const;
};

struct Canvas {
  int n = 0;
  Layer tissue;    // soft-tissue thickness of the body
  Layer lung;      // lung membership 0..1
  Layer air;       // aerated lung (air fraction x depth)
  Layer fill;      // 0..1: air replaced by fluid or tissue (effusion, consolidation)
  Layer clear;     // 0..1: lung markings removed (pneumothorax space, bullae)
  Layer vessels;   // lung markings
  Layer bone;
  Layer metal;     // metal and dense calcium
  Layer lucent;    // extra air (pneumothorax, trachea, bowel gas)
  Layer extra;     // extra soft-tissue density (masses, nodes, fat, breast)
  explicit Canvas(int size);
  void clearAll();
};

// Primitives. Coordinates, radii and widths in normalised image units.
void disc(Layer& l, double x, double y, double r, float value, Profile p, Blend b = Blend::Add);
void ellipse(Layer& l, double x, double y, double rx, double ry, double angleRad, float value, Profile p,
             Blend b = Blend::Add);
// Capsule from (x0,y0) to (x1,y1), radius tapering r0 -> r1.
void segment(Layer& l, double x0, double y0, double x1, double y1, double r0, double r1, float value,
             Profile p, Blend b = Blend::Add);
void polyline(Layer& l, const std::vector<double>& xy, double r, float value, Profile p, Blend b = Blend::Add);
// Rounded rectangle centred at (x, y), half sizes hx, hy, rotated.
void box(Layer& l, double x, double y, double hx, double hy, double angleRad, float value, Profile p,
         Blend b = Blend::Add);
// Patchy texture inside an ellipse: value noise above a threshold (0..1 coverage), soft.
void patches(Layer& l, double x, double y, double rx, double ry, double coverage, double grain, float value,
             std::uint64_t seed, Blend b = Blend::Max);

// Smooth value noise in [0,1] (hashed lattice, cubic interpolation), deterministic.
double valueNoise(double x, double y, std::uint64_t seed);

// Separable blur: three box passes approximating a gaussian of this sigma (pixels).
void gaussianBlur(std::vector<float>& img, int n, double sigmaPx);
// Rotation about the centre by degrees (bilinear, edge clamped).
void rotate(std::vector<float>& img, int n, double degrees);

inline double smoothstep(double e0, double e1, double x) {
  double t = (x - e0) / (e1 - e0);
  t = t < 0 ? 0 : (t > 1 ? 1 : t);
  return t * t * (3 - 2 * t);
}
inline double clamp01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }

}  // namespace mcr::synth::detail
