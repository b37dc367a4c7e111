// Phantom pipeline: anatomy -> findings change it -> layers drawn -> composite -> exposure.
#include "mcr/synth/Phantom.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "Signs.h"

namespace mcr::synth {
namespace detail {
namespace {

std::map<std::string, Sign>& registry() {
  static std::map<std::string, Sign> signs;
  return signs;
}

void ensureRegistered() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerHeartSigns();
    registerPleuraSigns();
    registerLungSigns();
    registerAirSigns();
    registerBodySigns();
    registerDeviceSigns();
  });
}

}  // namespace

void registerSign(const std::string& name, Sign sign) { registry()[name] = sign; }

const Sign* findSign(const std::string& name) {
  ensureRegistered();
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second;
}

std::vector<int> sidesOf(const Qualifiers& q, Rng& rng, bool unspecifiedMeansBoth) {
  switch (q.side) {
    case Side::Right: return {0};
    case Side::Left: return {1};
    case Side::Bilateral: return {0, 1};
    case Side::Unspecified: break;
  }
  if (unspecifiedMeansBoth) return {0, 1};
  return {rng.chance(0.5) ? 0 : 1};
}

double severityOr(const Qualifiers& q, double fallback) { return q.severity >= 0 ? q.severity : fallback; }

Region zoneRegion(const Anatomy& a, int side, Zone zone) {
  const double sg = a.sideSign(side);
  const double base = a.domeY[side];
  const double height = base - a.apexY;
  switch (zone) {
    case Zone::Apex: return {a.cx + sg * a.thoraxHalfWidth * 0.45, a.apexY + 0.05, 0.07, 0.045};
    case Zone::Upper: return {a.cx + sg * a.thoraxHalfWidth * 0.55, a.apexY + height * 0.28, 0.085, 0.075};
    case Zone::Middle:
      return {a.cx + sg * a.thoraxHalfWidth * (side == 0 ? 0.55 : 0.68), a.apexY + height * 0.62, 0.07, 0.065};
    case Zone::Hilum: return {a.hilumX[side] + sg * 0.015, a.hilumY[side], 0.04, 0.05};
    case Zone::Retrocardiac: return {a.cx + 0.06, base - 0.05, 0.05, 0.05};
    case Zone::Paratracheal: return {a.cx - a.mediastinumRight, a.carinaY - 0.06, 0.025, 0.05};
    case Zone::Diffuse: return {a.cx + sg * a.thoraxHalfWidth * 0.55, a.apexY + height * 0.55, 0.16, height * 0.55};
    case Zone::Lower:
    case Zone::Base:
    case Zone::Unspecified: break;
  }
  return {a.cx + sg * a.thoraxHalfWidth * 0.7, base - 0.05, 0.085, 0.07};
}

namespace {

// Turns the layers into a 12-bit projection radiograph.
std::vector<std::uint16_t> expose(Canvas& c, const Anatomy& a, Rng& rng) {
  const int n = c.n;
  const std::size_t count = static_cast<std::size_t>(n) * n;
  std::vector<float> density(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double fill = clamp01(c.fill.v[i]);
    const double air = clamp01(c.air.v[i] * (1 - fill) + c.lucent.v[i]);
    const double markings = c.vessels.v[i] * c.lung.v[i] * (1 - fill) * (1 - clamp01(c.clear.v[i]));
    density[i] = static_cast<float>(c.tissue.v[i] * (1 - 0.9 * air) + markings + c.extra.v[i] * (1 - 0.5 * c.lucent.v[i]) +
                                    c.bone.v[i] * a.boneScale + c.metal.v[i]);
  }
  rotate(density, n, a.rotationDeg);
  gaussianBlur(density, n, a.blurPx * n / 512.0);
  std::vector<std::uint16_t> out(count);
  // Exposure curve as a table over density (linear interpolation): exp and pow per pixel
  // would dominate the render time.
  constexpr int kTable = 4096;
  constexpr double kMaxDensity = 4.0;
  static_assert(kTable > 1);
  std::vector<float> curve(kTable + 1), noiseScale(kTable + 1);
  const double g = a.exposure, inv = 1.0 / (1 - std::exp(-g * 2.2));
  for (int k = 0; k <= kTable; ++k) {
    const double d = kMaxDensity * k / kTable;
    const double v = std::pow(clamp01((1 - std::exp(-g * d)) * inv), a.gamma);
    curve[k] = static_cast<float>(v);
    // Bigger pixels collect more quanta: noise per pixel scales with the pixel pitch.
    noiseScale[k] = static_cast<float>(a.noise * (n / 512.0) * (0.4 + 0.6 * std::sqrt(v)));
  }
  const int marginL = static_cast<int>(a.collimation[0] * n), marginT = static_cast<int>(a.collimation[1] * n);
  const int marginR = n - static_cast<int>(a.collimation[2] * n), marginB = n - static_cast<int>(a.collimation[3] * n);
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * n + x;
      const double pos = std::min(1.0, std::max(0.0, static_cast<double>(density[i]) / kMaxDensity)) * kTable;
      const int k = std::min(kTable - 1, static_cast<int>(pos));
      const double t = pos - k;
      double v = curve[k] + t * (curve[k + 1] - curve[k]);
      // Quantum-like noise: one 64-bit draw, four 16-bit uniforms summed (Irwin-Hall, ~normal).
      const std::uint64_t bits = rng.bits();
      double z = static_cast<double>(bits & 0xFFFF) + static_cast<double>((bits >> 16) & 0xFFFF) +
                 static_cast<double>((bits >> 32) & 0xFFFF) + static_cast<double>(bits >> 48);
      z = (z / 65535.0 - 2.0) * 1.7320508;  // unit variance
      v += z * noiseScale[k];
      if (x < marginL || x >= marginR || y < marginT || y >= marginB) v = 0.92 + 0.02 * z;
      out[i] = static_cast<std::uint16_t>(clamp01(v) * kMaxPixelValue + 0.5);
    }
  }
  return out;
}

}  // namespace
}  // namespace detail

bool canRender(const Finding& finding) {
  const detail::Sign* sign = detail::findSign(finding.name);
  if (!sign) return false;
  return !sign->supports || sign->supports(finding, readQualifiers(finding));
}

Phantom renderPhantom(const FindingSet& findings, std::uint64_t patientSeed, std::uint64_t studySeed,
                      const RenderOptions& options) {
  using namespace detail;
  if (options.size < 64 || options.size > 4096)
    throw std::invalid_argument("phantom size must be 64..4096, got " + std::to_string(options.size));
  Phantom out;
  out.size = options.size;
  Anatomy a = sampleAnatomy(patientSeed);
  // Acquisition varies per study, anatomy per patient.
  {
    Rng acq(mixSeed(studySeed, 0xACC0ULL));
    a.exposure *= acq.uniform(0.93, 1.07);
    a.noise *= acq.uniform(0.85, 1.2);
    a.rotationDeg += acq.normal(0, 0.6);
  }
  struct Planned {
    const Finding* finding;
    const Sign* sign;
    Qualifiers q;
    std::uint64_t seed;
  };
  std::vector<Planned> planned;
  for (const Finding& f : findings) {
    const Sign* sign = findSign(f.name);
    Qualifiers q = readQualifiers(f);
    if (!sign || (sign->supports && !sign->supports(f, q))) {
      out.unrendered.push_back(f);
      continue;
    }
    planned.push_back({&f, sign, q, mixSeed(studySeed, stableHash(f.str()))});
  }
  // Findings change the anatomy first (in a fixed order: the order of the set).
  for (auto& p : planned) {
    if (!p.sign->adjust) continue;
    Rng r(mixSeed(p.seed, 1));
    p.sign->adjust(a, *p.finding, p.q, r);
  }
  // Each thread keeps its layers between renders: zeroing is cheaper than fresh pages.
  static thread_local std::unique_ptr<Canvas> reusable;
  if (!reusable || reusable->n != options.size) reusable = std::make_unique<Canvas>(options.size);
  else reusable->clearAll();
  Canvas& canvas = *reusable;
  drawAnatomy(canvas, a, patientSeed);
  for (auto& p : planned) {
    bool ok = true;
    if (p.sign->draw) {
      Rng r(mixSeed(p.seed, 2));
      ok = p.sign->draw(canvas, a, *p.finding, p.q, r);
    }
    (ok ? out.rendered : out.unrendered).push_back(*p.finding);
  }
  Rng noise(mixSeed(studySeed, 0x9015EULL));
  out.pixels = expose(canvas, a, noise);
  out.anatomy = a;
  return out;
}

mcr::image::GrayImage toGrayImage(const Phantom& phantom) {
  mcr::image::GrayImage img;
  img.width = img.height = phantom.size;
  img.pixels.resize(phantom.pixels.size());
  for (std::size_t i = 0; i < phantom.pixels.size(); ++i)
    img.pixels[i] = static_cast<float>(phantom.pixels[i]) / static_cast<float>(kMaxPixelValue);
  return img;
}

}  // namespace mcr::synth
