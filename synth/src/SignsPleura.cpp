// Signs of the pleura: effusion, blunted angles, thickening, pneumothorax.
#include <algorithm>
#include <cmath>

#include "Signs.h"

namespace mcr::synth::detail {
namespace {

using Q = Qualifiers;

// ---- pleura ----------------------------------------------------------------------------
// Fluid layering in the pleural space: a basal opacity with a meniscus (higher laterally),
// or a flat air-fluid level when air is present too.
void effusion(Canvas& c, const Anatomy& a, int s, double height, bool flatLevel) {
  const double sg = a.sideSign(s);
  const int n = c.n;
  const double top = a.domeY[s] - 2.7 * height - 0.06;
  const int y0 = std::max(0, static_cast<int>(top * n) - 2);
  for (int py = y0; py < n; ++py) {
    const double y = (py + 0.5) / n;
    for (int px = 0; px < n; ++px) {
      const double x = (px + 0.5) / n;
      const double lateral = sg * (x - a.cx);
      if (lateral < 0) continue;
      const double reachOut = clamp01(lateral / a.thoraxHalfWidth);
      // Meniscus: the fluid climbs the lateral chest wall; its upper edge fades as the
      // layer thins. A flat, sharp level when air lies above it (hydropneumothorax).
      const double level = flatLevel ? a.domeY[s] + 0.02 - height
                                     : a.domeY[s] + 0.02 - height - 1.6 * height * std::pow(reachOut, 2.5);
      const double soft = flatLevel ? 0.003 : 0.02 + 0.15 * height;
      const double f = flatLevel ? smoothstep(level - soft, level + soft, y) : smoothstep(level - soft, level + 2.5 * soft, y);
      if (f <= 0) continue;
      const std::size_t i = static_cast<std::size_t>(py) * n + px;
      c.fill.v[i] = std::max(c.fill.v[i], static_cast<float>(f));
      c.extra.v[i] += static_cast<float>(0.08 * f * c.lung.v[i] * height / 0.2);
    }
  }
}

double effusionHeight(const Q& q, double fallback) {
  const double sev = severityOr(q, fallback);
  return 0.012 + 0.11 * std::pow(sev, 1.3);
}

bool effusionDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) effusion(c, a, s, effusionHeight(q, 0.5), false);
  return true;
}

bool bluntedAngleDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) effusion(c, a, s, 0.012 + 0.02 * severityOr(q, 0.45), false);
  return true;
}

// Band just inside the lung edge: along the apex (cap) or the lateral wall.
bool pleuralThickeningDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  const double t = 0.006 + 0.008 * severityOr(q, 0.5);
  const bool apical = q.zone == Zone::Apex || q.zone == Zone::Upper || q.zone == Zone::Unspecified;
  const int n = c.n;
  for (int s : sidesOf(q, r)) {
    const double sg = a.sideSign(s);
    const double yFrom = apical ? a.apexY - 0.02 : a.hilumY[s] - 0.1, yTo = apical ? a.apexY + 0.12 : a.domeY[s] + 0.05;
    for (int py = std::max(0, static_cast<int>(yFrom * n)); py < std::min(n, static_cast<int>(yTo * n)); ++py) {
      const double y = (py + 0.5) / n;
      for (int px = 0; px < n; ++px) {
        const double x = (px + 0.5) / n;
        if (sg * (x - a.cx) < 0) continue;
        const double here = lungMembership(a, s, x, y);
        if (here < 0.3) continue;
        const double out = apical ? lungMembership(a, s, x, y - t) : lungMembership(a, s, x + sg * t, y);
        if (out < 0.5) c.fill.at(px, py) = std::max(c.fill.at(px, py), static_cast<float>(0.9 * here));
      }
    }
  }
  return true;
}

// Lung collapsed towards the hilum: no markings outside the visceral pleural line.
void pneumothorax(Canvas& c, const Anatomy& a, int s, double sev) {
  const double k = 0.05 + 0.3 * sev;  // fraction of the lung's reach lost
  const int n = c.n;
  const double sg = a.sideSign(s);
  const double hx = a.hilumX[s], hy = a.hilumY[s];
  for (int py = 0; py < n; ++py) {
    const double y = (py + 0.5) / n;
    for (int px = 0; px < n; ++px) {
      const double x = (px + 0.5) / n;
      if (sg * (x - a.cx) < 0) continue;
      const std::size_t i = static_cast<std::size_t>(py) * n + px;
      const double here = lungMembership(a, s, x, y);
      if (here <= 0.01) continue;
      // Below the hilum the lung stays on the diaphragm: shrink upwards and outwards only.
      const double dy = y - hy, dx = x - hx;
      const double sx = hx + dx / (1 - k), sy = hy + (dy < 0 ? dy / (1 - k) : dy);
      const double inner = lungMembership(a, s, sx, sy);
      const double gap = here * (1 - inner);
      c.clear.v[i] = std::max(c.clear.v[i], static_cast<float>(gap));
      c.lucent.v[i] += static_cast<float>(0.22 * gap);
      const double line = std::exp(-std::pow((inner - 0.5) / 0.22, 2)) * here;
      c.extra.v[i] += static_cast<float>(0.08 * line);
    }
  }
}

bool pneumothoraxDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) pneumothorax(c, a, s, severityOr(q, 0.45));
  return true;
}

bool hydropneumothoraxDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) {
    pneumothorax(c, a, s, severityOr(q, 0.45));
    effusion(c, a, s, 0.06, true);
  }
  return true;
}

}  // namespace

void registerPleuraSigns() {
  registerSign("pleural effusion", {nullptr, effusionDraw, nullptr});
  registerSign("blunted costophrenic angle", {nullptr, bluntedAngleDraw, nullptr});
  registerSign("pleural thickening", {nullptr, pleuralThickeningDraw, nullptr});
  registerSign("pneumothorax", {nullptr, pneumothoraxDraw, nullptr});
  registerSign("hydropneumothorax", {nullptr, hydropneumothoraxDraw, nullptr});
}

}  // namespace mcr::synth::detail
