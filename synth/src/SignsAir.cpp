// Signs of air: emphysema and hyperinflation, hyperlucency, bullae, cysts, lucencies.
#include <algorithm>
#include <cmath>

#include "Signs.h"

namespace mcr::synth::detail {
namespace {

using Q = Qualifiers;

// ---- hyperinflation and lucency -----------------------------------------------------------
bool emphysemaAdjust(Anatomy& a, const Finding&, const Q& q, Rng&) {
  const double sev = severityOr(q, 0.6);
  for (int s = 0; s < 2; ++s) {
    a.domeY[s] += 0.03 + 0.04 * sev;
    a.domeCurvature[s] *= 0.55 - 0.2 * sev;
  }
  a.airFraction = std::min(0.98, a.airFraction + 0.06 + 0.05 * sev);
  a.vesselScale *= 0.75 - 0.15 * sev;
  a.heartHalfWidth *= 0.92;
  a.heartCenterY += 0.03;
  return true;
}

bool hyperinflationAdjust(Anatomy& a, const Finding&, const Q& q, Rng&) {
  const double sev = severityOr(q, 0.5);
  for (int s = 0; s < 2; ++s) {
    a.domeY[s] += 0.025 + 0.035 * sev;
    a.domeCurvature[s] *= 0.7;
  }
  a.heartCenterY += 0.02;
  return true;
}

void lucentArea(Canvas& c, double x, double y, double rad, bool wall) {
  disc(c.lucent, x, y, rad, 0.12f, Profile::Sphere);
  disc(c.clear, x, y, rad, 1.0f, Profile::Solid, Blend::Max);
  if (wall) disc(c.fill, x, y, rad * 1.05, 0.6f, Profile::Shell, Blend::Max);
}

bool hyperlucentDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r, true)) {
    const Region z = zoneRegion(a, s, q.zone == Zone::Unspecified ? Zone::Diffuse : q.zone);
    ellipse(c.lucent, z.x, z.y, z.rx, z.ry, 0, 0.07f, Profile::Gaussian);
    ellipse(c.clear, z.x, z.y, z.rx, z.ry, 0, 0.6f, Profile::Gaussian, Blend::Max);
  }
  return true;
}

bool bullaDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  const int count = q.multiple ? 3 : 1;
  for (int s : sidesOf(q, r))
    for (int k = 0; k < count; ++k) {
      const Region z = zoneRegion(a, s, q.zone == Zone::Unspecified ? Zone::Apex : q.zone);
      lucentArea(c, z.x + z.rx * r.uniform(-0.4, 0.4), z.y + z.ry * r.uniform(-0.3, 0.3), r.uniform(0.025, 0.045), true);
    }
  return true;
}

bool bullousEmphysemaDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  Q both = q;
  both.side = Side::Bilateral;
  both.multiple = true;
  return bullaDraw(c, a, f, both, r);
}

bool cystDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) {
    const Region z = zoneRegion(a, s, q.zone);
    lucentArea(c, z.x, z.y, r.uniform(0.015, 0.025), true);
  }
  return true;
}

bool lucencyDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) {
    const Region z = zoneRegion(a, s, q.zone == Zone::Unspecified ? Zone::Upper : q.zone);
    lucentArea(c, z.x, z.y, r.uniform(0.018, 0.03), false);
  }
  return true;
}

}  // namespace

void registerAirSigns() {
  registerSign("emphysema", {emphysemaAdjust, nullptr, nullptr});
  registerSign("copd", {emphysemaAdjust, nullptr, nullptr});
  registerSign("bullous emphysema", {emphysemaAdjust, bullousEmphysemaDraw, nullptr});
  registerSign("hyperinflation", {hyperinflationAdjust, nullptr, nullptr});
  registerSign("hyperlucent lung", {nullptr, hyperlucentDraw, nullptr});
  registerSign("bulla", {nullptr, bullaDraw, nullptr});
  registerSign("cyst", {nullptr, cystDraw, nullptr});
  registerSign("lucency", {nullptr, lucencyDraw, nullptr});
}

}  // namespace mcr::synth::detail
