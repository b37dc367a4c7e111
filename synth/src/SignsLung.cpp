// Signs of the heart, mediastinum, pleura and lungs.
#include <algorithm>
#include <cmath>

#include "Signs.h"

namespace mcr::synth::detail {
namespace {

using Q = Qualifiers;

// ---- heart and mediastinum -------------------------------------------------------------
bool cardiomegalyAdjust(Anatomy& a, const Finding&, const Q& q, Rng&) {
  const double ctr = 0.52 + 0.18 * severityOr(q, 0.45);
  const double old = a.heartHalfWidth;
  a.heartHalfWidth = std::max(a.heartHalfWidth, ctr * a.thoraxHalfWidth);
  a.heartCenterX += (a.heartHalfWidth - old) * 0.45;  // the left ventricle grows leftwards
  a.heartHalfHeight *= 1.0 + 0.25 * (a.heartHalfWidth - old) / a.thoraxHalfWidth;
  return true;
}

bool pericardialEffusionAdjust(Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  cardiomegalyAdjust(a, f, q, r);
  a.heartHalfWidth *= 1.08;
  a.heartHalfHeight *= 1.12;  // globular "water bottle" silhouette
  return true;
}

void perihilarHaze(Canvas& c, const Anatomy& a, double strength, Rng& r) {
  for (int s = 0; s < 2; ++s) {
    const double sg = a.sideSign(s);
    patches(c.fill, a.hilumX[s] + sg * 0.04, a.hilumY[s] + 0.02, 0.12, 0.13, 0.55 + 0.3 * strength, 0.05,
            static_cast<float>(0.35 + 0.35 * strength), r.bits());
  }
}

void kerleyLines(Canvas& c, const Anatomy& a, int count, Rng& r) {
  for (int s = 0; s < 2; ++s) {
    const double sg = a.sideSign(s);
    for (int k = 0; k < count; ++k) {
      const double y = a.costophrenicY(s) - 0.02 - 0.1 * r.uniform();
      const double x1 = a.cx + sg * (a.lateralHalfWidth(y) - 0.003);
      const double len = r.uniform(0.012, 0.025);
      segment(c.fill, x1, y, x1 - sg * len, y + r.normal(0, 0.002), 0.0016, 0.0016, 0.8f, Profile::Solid, Blend::Max);
    }
  }
}

bool heartFailureAdjust(Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  Q mild = q;
  mild.severity = std::max(0.45, severityOr(q, 0.5));
  return cardiomegalyAdjust(a, f, mild, r);
}
bool heartFailureDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  perihilarHaze(c, a, severityOr(q, 0.5), r);
  kerleyLines(c, a, 5, r);
  return true;
}

bool atrialEnlargementDraw(Canvas& c, const Anatomy& a, const Finding&, const Q&, Rng&) {
  // Left atrial enlargement: a double density inside the right heart border.
  ellipse(c.extra, a.heartCenterX - a.heartHalfWidth * 0.35, a.heartCenterY - a.heartHalfHeight * 0.35, 0.05, 0.04,
          0.2, 0.12f, Profile::Sphere);
  return true;
}

bool epicardialFatDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) {
    const double x = s == 1 ? a.heartCenterX + a.heartHalfWidth * 0.95 : a.heartCenterX - a.heartHalfWidth * 0.95;
    ellipse(c.fill, x, a.diaphragmY(s, x) - 0.02, 0.03, 0.022, 0, 0.55f, Profile::Gaussian, Blend::Max);
  }
  return true;
}

bool widenedMediastinumAdjust(Anatomy& a, const Finding&, const Q& q, Rng&) {
  const double k = 1.3 + 0.4 * severityOr(q, 0.5);
  a.mediastinumRight *= k;
  a.mediastinumLeft *= k;
  a.knobX += a.mediastinumLeft * (1 - 1 / k);
  return true;
}

bool pulmonaryArteriesDraw(Canvas& c, const Anatomy& a, const Finding&, const Q&, Rng&) {
  for (int s = 0; s < 2; ++s)
    ellipse(c.extra, a.hilumX[s], a.hilumY[s], 0.022, 0.04, a.sideSign(s) * 0.3, 0.2f, Profile::Sphere);
  // Convex pulmonary artery segment below the aortic knob.
  disc(c.fill, a.cx + a.mediastinumLeft + 0.012, a.knobY + 0.07, 0.026, 1.0f, Profile::Sphere, Blend::Max);
  return true;
}

bool tortuousAortaAdjust(Anatomy& a, const Finding&, const Q& q, Rng&) {
  const double k = 1.15 + 0.3 * severityOr(q, 0.5);
  a.knobRadius *= k;
  a.knobX += 0.01 * k;
  return true;
}
bool tortuousAortaDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng&) {
  // The descending aorta bows laterally behind the heart.
  const double bow = 0.02 + 0.02 * severityOr(q, 0.5);
  std::vector<double> path;
  for (int k = 0; k <= 10; ++k) {
    const double t = k / 10.0;
    path.push_back(a.knobX + std::sin(M_PI * t) * bow - 0.01 * t);
    path.push_back(a.knobY + t * (a.heartCenterY + 0.05 - a.knobY));
  }
  polyline(c.fill, path, 0.018, 1.0f, Profile::Solid);
  return true;
}

bool aneurysmAdjust(Anatomy& a, const Finding&, const Q&, Rng&) {
  a.knobRadius *= 1.9;
  a.knobX += a.knobRadius * 0.35;
  return true;
}

bool aorticCalcificationDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  // Curvilinear calcium in the wall of the aortic knob.
  std::vector<double> arc;
  const double from = -2.6 + r.uniform(-0.2, 0.2), to = -0.6 + r.uniform(-0.2, 0.2);
  for (int k = 0; k <= 12; ++k) {
    const double t = from + (to - from) * k / 12.0;
    arc.push_back(a.knobX + std::cos(t) * a.knobRadius * 0.92);
    arc.push_back(a.knobY + std::sin(t) * a.knobRadius * 0.92);
  }
  polyline(c.metal, arc, 0.0022, static_cast<float>(0.35 + 0.25 * severityOr(q, 0.5)), Profile::Sphere);
  return true;
}

void hilarNodes(Canvas& c, const Anatomy& a, int s, double size, Rng& r) {
  const double sg = a.sideSign(s);
  for (int k = 0; k < 3; ++k)
    disc(c.extra, a.hilumX[s] + sg * r.uniform(0.0, 0.025), a.hilumY[s] + r.uniform(-0.035, 0.035),
         size * r.uniform(0.7, 1.1), 0.22f, Profile::Sphere);
}

bool hilarEnlargementDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r, true)) hilarNodes(c, a, s, 0.02 + 0.01 * severityOr(q, 0.5), r);
  return true;
}

bool paratrachealWidening(Canvas& c, const Anatomy& a, Rng& r) {
  ellipse(c.fill, a.cx - a.mediastinumRight - 0.012, a.carinaY - 0.05, 0.022, 0.05, 0, 1.0f, Profile::Sphere, Blend::Max);
  ellipse(c.extra, a.cx - a.mediastinumRight - 0.01, a.carinaY - 0.05 + r.normal(0, 0.005), 0.02, 0.045, 0, 0.12f,
          Profile::Sphere);
  return true;
}

bool lymphadenopathyDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  if (q.zone == Zone::Paratracheal || f.has("mediastinum")) return paratrachealWidening(c, a, r);
  for (int s : sidesOf(q, r, true)) hilarNodes(c, a, s, 0.022, r);
  return true;
}

bool sarcoidosisDraw(Canvas& c, const Anatomy& a, const Finding&, const Q&, Rng& r) {
  hilarNodes(c, a, 0, 0.025, r);
  hilarNodes(c, a, 1, 0.025, r);
  return paratrachealWidening(c, a, r);
}

bool shiftAdjust(Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  const int s = (q.side == Side::Unspecified) ? (r.chance(0.5) ? 0 : 1) : (q.side == Side::Left ? 1 : 0);
  a.mediastinalShift += a.sideSign(s) * (0.02 + 0.02 * severityOr(q, 0.5));
  (void)f;
  return true;
}

// ---- pleura ----------------------------------------------------------------------------
// Fluid layering in the pleural space: a basal opacity with a meniscus (higher laterally),
// or a flat air-fluid level when air is present too.
void effusion(Canvas& c, const Anatomy& a, int s, double height, bool flatLevel) {
  const double sg = a.sideSign(s);
  const int n = c.n;
  const double top = a.domeY[s] + 0.015 - height - 0.6 * height;
  const int y0 = std::max(0, static_cast<int>(top * n) - 2);
  for (int py = y0; py < n; ++py) {
    const double y = (py + 0.5) / n;
    for (int px = 0; px < n; ++px) {
      const double x = (px + 0.5) / n;
      const double lateral = sg * (x - a.cx);
      if (lateral < 0) continue;
      const double reachOut = clamp01(lateral / a.thoraxHalfWidth);
      const double level = flatLevel ? a.domeY[s] + 0.02 - height
                                     : a.domeY[s] + 0.02 - height - 0.6 * height * reachOut * reachOut;
      const double soft = flatLevel ? 0.003 : 0.012 + 0.02 * height;
      const double f = smoothstep(level - soft, level + soft, y);
      if (f <= 0) continue;
      const std::size_t i = static_cast<std::size_t>(py) * n + px;
      c.fill.v[i] = std::max(c.fill.v[i], static_cast<float>(f));
      c.extra.v[i] += static_cast<float>(0.08 * f * c.lung.v[i] * height / 0.2);
    }
  }
}

double effusionHeight(const Q& q, double fallback) {
  const double sev = severityOr(q, fallback);
  return 0.015 + 0.13 * std::pow(sev, 1.3);
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
      c.lucent.v[i] += static_cast<float>(0.12 * gap);
      const double line = std::exp(-std::pow((inner - 0.5) / 0.22, 2)) * here;
      c.extra.v[i] += static_cast<float>(0.05 * line);
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

// ---- lung parenchyma -------------------------------------------------------------------
struct OpacityStyle {
  double density, coverage, grain;
};

OpacityStyle styleFor(const std::string& name) {
  if (name == "consolidation") return {0.95, 0.85, 0.035};
  if (name == "pneumonia") return {0.9, 0.75, 0.03};
  if (name == "airspace disease") return {0.85, 0.7, 0.03};
  if (name == "infiltrate") return {0.75, 0.6, 0.025};
  return {0.8, 0.6, 0.03};  // opacity
}

void reticular(Canvas& c, const Region& z, int count, float value, Rng& r) {
  for (int k = 0; k < count; ++k) {
    const double x = z.x + z.rx * r.uniform(-0.9, 0.9), y = z.y + z.ry * r.uniform(-0.9, 0.9);
    const double ang = r.uniform(0, M_PI), len = r.uniform(0.006, 0.018);
    segment(c.fill, x, y, x + len * std::cos(ang), y + len * std::sin(ang), 0.0014, 0.0012, value, Profile::Solid, Blend::Max);
  }
}

void streaks(Canvas& c, const Region& z, int count, float value, Rng& r) {
  for (int k = 0; k < count; ++k) {
    const double x = z.x + z.rx * r.uniform(-0.7, 0.7), y = z.y + z.ry * r.uniform(-0.7, 0.7);
    const double ang = r.uniform(-0.5, 0.5), len = r.uniform(0.03, 0.07);
    segment(c.fill, x - len / 2 * std::cos(ang), y - len / 2 * std::sin(ang), x + len / 2 * std::cos(ang),
            y + len / 2 * std::sin(ang), r.uniform(0.002, 0.004), 0.0015, value, Profile::Solid, Blend::Max);
  }
}

bool opacityDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  const OpacityStyle st = styleFor(f.name);
  const double sev = severityOr(q, 0.55);
  const bool both = q.zone == Zone::Diffuse;
  for (int s : sidesOf(q, r, both)) {
    if (q.zone == Zone::Paratracheal) return paratrachealWidening(c, a, r);
    Region z = zoneRegion(a, s, q.zone);
    const double grow = 0.75 + 0.5 * sev;
    z.rx *= grow;
    z.ry *= grow;
    if (q.interstitial) {
      reticular(c, z, static_cast<int>(60 * grow * grow), static_cast<float>(0.55 * st.density), r);
      patches(c.fill, z.x, z.y, z.rx, z.ry, 0.5, 0.02, static_cast<float>(0.2 * st.density), r.bits());
    } else if (q.linear) {
      streaks(c, z, 4, static_cast<float>(st.density), r);
    } else if (q.round) {
      disc(c.fill, z.x + r.normal(0, 0.01), z.y + r.normal(0, 0.01), 0.02 + 0.015 * sev,
           static_cast<float>(st.density), Profile::Sphere, Blend::Max);
    } else if (q.multiple) {
      for (int k = 0; k < 3; ++k)
        patches(c.fill, z.x + z.rx * r.uniform(-0.5, 0.5), z.y + z.ry * r.uniform(-0.5, 0.5), z.rx * 0.45, z.ry * 0.45,
                st.coverage, st.grain * 0.7, static_cast<float>(st.density), r.bits());
    } else {
      patches(c.fill, z.x, z.y, z.rx, z.ry, st.coverage, st.grain, static_cast<float>(st.density), r.bits());
    }
  }
  return true;
}

bool atelectasisDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) {
    const Region z = zoneRegion(a, s, q.zone);
    const int plates = r.uniformInt(1, 3);
    for (int k = 0; k < plates; ++k) {
      const double x = z.x + z.rx * r.uniform(-0.4, 0.4), y = z.y + z.ry * r.uniform(-0.3, 0.5);
      const double len = r.uniform(0.05, 0.09) * (0.8 + 0.5 * severityOr(q, 0.45));
      ellipse(c.fill, x, y, len, r.uniform(0.006, 0.01), r.uniform(-0.25, 0.25), 0.7f, Profile::Gaussian, Blend::Max);
    }
    patches(c.fill, z.x, z.y + z.ry * 0.3, z.rx * 0.8, z.ry * 0.6, 0.35, 0.02, 0.35f, r.bits());
  }
  return true;
}

bool scarringDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  Q where = q;
  if (where.zone == Zone::Unspecified) where.zone = r.chance(0.5) ? Zone::Apex : Zone::Base;
  for (int s : sidesOf(where, r)) {
    const Region z = zoneRegion(a, s, where.zone);
    reticular(c, z, 12, 0.75f, r);
    streaks(c, z, 2, 0.8f, r);
  }
  return true;
}

bool nodulesDraw(Canvas& c, const Anatomy& a, const Q& q, Rng& r, double radius, int count, bool lobulated) {
  for (int k = 0; k < count; ++k) {
    Q where = q;
    if (count > 1 && q.side == Side::Unspecified) where.side = Side::Bilateral;
    const auto sides = sidesOf(where, r);
    const int s = sides[static_cast<std::size_t>(k) % sides.size()];
    Zone zone = q.zone;
    if (count > 1 || zone == Zone::Unspecified) zone = static_cast<Zone>(r.uniformInt(2, 5));  // upper..base
    const Region z = zoneRegion(a, s, zone);
    const double x = z.x + z.rx * r.uniform(-0.6, 0.6), y = z.y + z.ry * r.uniform(-0.6, 0.6);
    const double rad = radius * r.uniform(0.8, 1.2);
    disc(c.fill, x, y, rad, 1.0f, Profile::Sphere, Blend::Max);
    disc(c.extra, x, y, rad, 0.06f, Profile::Sphere);
    if (lobulated)
      for (int j = 0; j < 3; ++j) {
        const double ang = r.uniform(0, 2 * M_PI);
        disc(c.fill, x + 0.6 * rad * std::cos(ang), y + 0.6 * rad * std::sin(ang), rad * 0.6, 1.0f, Profile::Sphere, Blend::Max);
      }
  }
  return true;
}

bool noduleDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  const int count = q.multiple ? r.uniformInt(3, 6) : 1;
  return nodulesDraw(c, a, q, r, 0.009 + 0.006 * severityOr(q, 0.5), count, false);
}

bool massDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  const int count = q.multiple ? r.uniformInt(2, 3) : 1;
  return nodulesDraw(c, a, q, r, 0.03 + 0.025 * severityOr(q, 0.6), count, true);
}

void calcifiedFocus(Canvas& c, double x, double y, double radius, Rng& r) {
  disc(c.metal, x, y, radius * r.uniform(0.8, 1.2), static_cast<float>(r.uniform(0.45, 0.7)), Profile::Sphere);
}

bool granulomaDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  const int count = q.multiple ? r.uniformInt(3, 7) : 1;
  for (int k = 0; k < count; ++k) {
    Q where = q;
    if (count > 1 && q.side == Side::Unspecified) where.side = Side::Bilateral;
    const auto sides = sidesOf(where, r);
    const int s = sides[static_cast<std::size_t>(k) % sides.size()];
    const Zone zone = (q.zone == Zone::Unspecified || count > 1) ? static_cast<Zone>(r.uniformInt(1, 5)) : q.zone;
    const Region z = zoneRegion(a, s, zone);
    calcifiedFocus(c, z.x + z.rx * r.uniform(-0.6, 0.6), z.y + z.ry * r.uniform(-0.6, 0.6), 0.0045, r);
  }
  return true;
}

void calcifiedNodes(Canvas& c, double x, double y, Rng& r) {
  for (int k = 0; k < 3; ++k) calcifiedFocus(c, x + r.normal(0, 0.008), y + r.normal(0, 0.01), 0.005, r);
}

bool granulomatousDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  Q many = q;
  many.multiple = true;
  granulomaDraw(c, a, f, many, r);
  calcifiedNodes(c, a.hilumX[r.chance(0.5) ? 0 : 1], a.hilumY[0], r);
  return true;
}

bool calcificationDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  if (f.has("lymph nodes") || q.zone == Zone::Hilum) {
    for (int s : sidesOf(q, r)) calcifiedNodes(c, a.hilumX[s] + a.sideSign(s) * 0.01, a.hilumY[s], r);
    return true;
  }
  if (f.has("mediastinum") || q.zone == Zone::Paratracheal || f.has("trachea, carina")) {
    calcifiedNodes(c, a.cx - 0.025, a.carinaY + 0.01, r);
    return true;
  }
  if (f.has("abdomen")) {
    for (int s : sidesOf(q, r)) calcifiedFocus(c, a.cx + a.sideSign(s) * 0.15, a.domeY[s] + 0.12, 0.006, r);
    return true;
  }
  if (f.has("pleura")) {
    for (int s : sidesOf(q, r)) {
      const double y = a.domeY[s] - 0.06 + r.normal(0, 0.02);
      const double x = a.cx + a.sideSign(s) * (a.lateralHalfWidth(y) - 0.006);
      segment(c.metal, x, y - 0.02, x, y + 0.02, 0.003, 0.002, 0.4f, Profile::Sphere);
    }
    return true;
  }
  if (f.has("blood vessels") || f.has("coronary vessels")) {
    segment(c.metal, a.heartCenterX, a.heartCenterY - 0.06, a.heartCenterX + 0.03, a.heartCenterY + 0.01, 0.0022, 0.002,
            0.35f, Profile::Sphere);
    return true;
  }
  return granulomaDraw(c, a, f, q, r);
}

bool cavityDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) {
    const Region z = zoneRegion(a, s, q.zone == Zone::Unspecified ? Zone::Upper : q.zone);
    const double x = z.x + r.normal(0, 0.01), y = z.y + r.normal(0, 0.01), rad = r.uniform(0.02, 0.035);
    disc(c.fill, x, y, rad, 0.9f, Profile::Shell, Blend::Max);
    disc(c.lucent, x, y, rad * 0.7, 0.15f, Profile::Solid);
    disc(c.clear, x, y, rad * 0.75, 1.0f, Profile::Solid, Blend::Max);
  }
  return true;
}

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

// ---- oedema and interstitium -----------------------------------------------------------
bool edemaDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  const double sev = severityOr(q, 0.55);
  perihilarHaze(c, a, sev, r);
  kerleyLines(c, a, q.interstitial ? 8 : 4, r);
  return true;
}

bool congestionDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  // Upper-zone vessels as wide as lower-zone ones (cephalisation) and hazy hila.
  for (int s = 0; s < 2; ++s) {
    const double sg = a.sideSign(s);
    for (int k = 0; k < 3; ++k) {
      const double ang = -M_PI / 2 + sg * r.uniform(0.2, 0.8);
      segment(c.vessels, a.hilumX[s], a.hilumY[s], a.hilumX[s] + 0.12 * std::cos(ang), a.hilumY[s] + 0.12 * std::sin(ang),
              0.006, 0.003, 0.16f, Profile::Sphere);
    }
    ellipse(c.fill, a.hilumX[s], a.hilumY[s], 0.05, 0.07, 0, static_cast<float>(0.25 + 0.2 * severityOr(q, 0.45)),
            Profile::Gaussian, Blend::Max);
  }
  return true;
}

bool interstitialDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  const bool fibrosis = f.name == "pulmonary fibrosis" || f.name == "interstitial lung disease";
  Q where = q;
  if (where.zone == Zone::Unspecified) where.zone = fibrosis ? Zone::Base : Zone::Diffuse;
  for (int s : sidesOf(where, r, true)) {
    const Region z = zoneRegion(a, s, where.zone);
    reticular(c, z, fibrosis ? 140 : 80, fibrosis ? 0.8f : 0.55f, r);
  }
  return true;
}

bool fibrosisAdjust(Anatomy& a, const Finding&, const Q&, Rng&) {
  a.domeY[0] -= 0.015;
  a.domeY[1] -= 0.015;
  return true;
}

bool prominentMarkingsDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r, true)) {
    const double sg = a.sideSign(s);
    for (int k = 0; k < 8; ++k) {
      const double ang = (sg > 0 ? 0 : M_PI) + sg * r.uniform(-0.9, 1.2);
      const double len = r.uniform(0.08, 0.16);
      segment(c.vessels, a.hilumX[s], a.hilumY[s], a.hilumX[s] + len * std::cos(ang), a.hilumY[s] + len * std::sin(ang),
              0.0045, 0.0015, 0.14f, Profile::Sphere);
    }
  }
  return true;
}

bool bronchiectasisDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r, true)) {
    const Region z = zoneRegion(a, s, q.zone == Zone::Unspecified ? Zone::Lower : q.zone);
    for (int k = 0; k < 6; ++k) {
      const double x = z.x + z.rx * r.uniform(-0.6, 0.6), y = z.y + z.ry * r.uniform(-0.6, 0.6);
      if (r.chance(0.5)) {
        disc(c.fill, x, y, r.uniform(0.006, 0.01), 0.8f, Profile::Shell, Blend::Max);  // ring shadow
      } else {  // tram track: two parallel walls
        const double ang = r.uniform(0, M_PI), len = 0.03, w = 0.005;
        for (int side = -1; side <= 1; side += 2) {
          const double ox = -std::sin(ang) * w * side, oy = std::cos(ang) * w * side;
          segment(c.fill, x + ox, y + oy, x + ox + len * std::cos(ang), y + oy + len * std::sin(ang), 0.0017, 0.0017, 0.8f,
                  Profile::Solid, Blend::Max);
        }
      }
    }
  }
  return true;
}

bool peribronchialDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r, true))
    for (int k = 0; k < 6; ++k)
      disc(c.fill, a.hilumX[s] + a.sideSign(s) * r.uniform(0.02, 0.07), a.hilumY[s] + r.uniform(-0.05, 0.06),
           r.uniform(0.005, 0.008), 0.8f, Profile::Shell, Blend::Max);
  return true;
}

// ---- volumes -----------------------------------------------------------------------------
bool lowVolumesAdjust(Anatomy& a, const Finding&, const Q& q, Rng&) {
  const double sev = severityOr(q, 0.5);
  for (int s = 0; s < 2; ++s) {
    a.domeY[s] -= 0.035 + 0.05 * sev;
    a.domeCurvature[s] *= 1.15;
  }
  a.heartCenterY -= 0.03 + 0.03 * sev;
  a.heartHalfWidth *= 1.04;
  a.vesselScale *= 1.1;
  return true;
}

bool volumeLossAdjust(Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  const int s = (q.side == Side::Unspecified) ? (r.chance(0.5) ? 0 : 1) : (q.side == Side::Left ? 1 : 0);
  a.domeY[s] -= 0.04;
  a.mediastinalShift += a.sideSign(s) * 0.012;
  (void)f;
  return true;
}

// Adjust and draw must agree on the side: derive it from the finding, not from a stream.
int pneumonectomySide(const Finding& f, const Q& q) {
  if (q.side == Side::Left) return 1;
  if (q.side == Side::Right) return 0;
  return static_cast<int>(stableHash(f.str()) & 1);
}

bool pneumonectomyAdjust(Anatomy& a, const Finding& f, const Q& q, Rng&) {
  const int s = pneumonectomySide(f, q);
  a.mediastinalShift += a.sideSign(s) * 0.05;
  a.domeY[s] -= 0.05;
  return true;
}
bool pneumonectomyDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng&) {
  const int s = pneumonectomySide(f, q);
  // The emptied hemithorax fills with fluid and fibrous tissue: uniformly opaque.
  const int n = c.n;
  for (std::size_t i = 0; i < c.fill.v.size(); ++i) {
    const double x = (static_cast<double>(i % n) + 0.5) / n;
    if (a.sideSign(s) * (x - a.cx - a.mediastinalShift) > 0) c.fill.v[i] = 1.0f;
  }
  return true;
}

bool azygosLobeDraw(Canvas& c, const Anatomy& a, const Finding&, const Q&, Rng&) {
  // A fine curved fissure from the right apex to a teardrop (the azygos vein).
  std::vector<double> path;
  const double x0 = a.cx - a.thoraxHalfWidth * 0.45, y0 = a.apexY + 0.005;
  const double x1 = a.cx - a.mediastinumRight - 0.012, y1 = a.carinaY - 0.03;
  for (int k = 0; k <= 10; ++k) {
    const double t = k / 10.0;
    path.push_back(x0 + (x1 - x0) * t + 0.02 * std::sin(M_PI * t));
    path.push_back(y0 + (y1 - y0) * t);
  }
  polyline(c.fill, path, 0.0016, 0.8f, Profile::Solid);
  ellipse(c.fill, x1, y1, 0.008, 0.011, 0, 1.0f, Profile::Sphere, Blend::Max);
  return true;
}

}  // namespace

void registerLungSigns() {
  registerSign("cardiomegaly", {cardiomegalyAdjust, nullptr, nullptr});
  registerSign("heart failure", {heartFailureAdjust, heartFailureDraw, nullptr});
  registerSign("pericardial effusion", {pericardialEffusionAdjust, nullptr, nullptr});
  registerSign("atrial enlargement", {nullptr, atrialEnlargementDraw, nullptr});
  registerSign("epicardial fat pad", {nullptr, epicardialFatDraw, nullptr});
  registerSign("widened mediastinum", {widenedMediastinumAdjust, nullptr, nullptr});
  registerSign("enlarged pulmonary arteries", {nullptr, pulmonaryArteriesDraw, nullptr});
  registerSign("tortuous aorta", {tortuousAortaAdjust, tortuousAortaDraw, nullptr});
  registerSign("aortic aneurysm", {aneurysmAdjust, nullptr, nullptr});
  registerSign("aortic calcification", {nullptr, aorticCalcificationDraw, nullptr});
  registerSign("hilar enlargement", {nullptr, hilarEnlargementDraw, nullptr});
  registerSign("lymphadenopathy", {nullptr, lymphadenopathyDraw, nullptr});
  registerSign("sarcoidosis", {nullptr, sarcoidosisDraw, nullptr});
  registerSign("mediastinal shift", {shiftAdjust, nullptr, nullptr});
  registerSign("pleural effusion", {nullptr, effusionDraw, nullptr});
  registerSign("blunted costophrenic angle", {nullptr, bluntedAngleDraw, nullptr});
  registerSign("pleural thickening", {nullptr, pleuralThickeningDraw, nullptr});
  registerSign("pneumothorax", {nullptr, pneumothoraxDraw, nullptr});
  registerSign("hydropneumothorax", {nullptr, hydropneumothoraxDraw, nullptr});
  for (const char* name : {"opacity", "airspace disease", "infiltrate", "consolidation", "pneumonia"})
    registerSign(name, {nullptr, opacityDraw, nullptr});
  registerSign("atelectasis", {nullptr, atelectasisDraw, nullptr});
  registerSign("scarring", {nullptr, scarringDraw, nullptr});
  registerSign("nodule", {nullptr, noduleDraw, nullptr});
  registerSign("mass", {nullptr, massDraw, nullptr});
  registerSign("calcified granuloma", {nullptr, granulomaDraw, nullptr});
  registerSign("granuloma", {nullptr, granulomaDraw, nullptr});
  registerSign("granulomatous disease", {nullptr, granulomatousDraw, nullptr});
  registerSign("calcification", {nullptr, calcificationDraw, nullptr});
  registerSign("cavitary lesion", {nullptr, cavityDraw, nullptr});
  registerSign("emphysema", {emphysemaAdjust, nullptr, nullptr});
  registerSign("copd", {emphysemaAdjust, nullptr, nullptr});
  registerSign("bullous emphysema", {emphysemaAdjust, bullousEmphysemaDraw, nullptr});
  registerSign("hyperinflation", {hyperinflationAdjust, nullptr, nullptr});
  registerSign("hyperlucent lung", {nullptr, hyperlucentDraw, nullptr});
  registerSign("bulla", {nullptr, bullaDraw, nullptr});
  registerSign("cyst", {nullptr, cystDraw, nullptr});
  registerSign("lucency", {nullptr, lucencyDraw, nullptr});
  registerSign("pulmonary edema", {nullptr, edemaDraw, nullptr});
  registerSign("pulmonary congestion", {nullptr, congestionDraw, nullptr});
  registerSign("interstitial markings", {nullptr, interstitialDraw, nullptr});
  registerSign("interstitial lung disease", {fibrosisAdjust, interstitialDraw, nullptr});
  registerSign("pulmonary fibrosis", {fibrosisAdjust, interstitialDraw, nullptr});
  registerSign("prominent markings", {nullptr, prominentMarkingsDraw, nullptr});
  registerSign("bronchiectasis", {nullptr, bronchiectasisDraw, nullptr});
  registerSign("peribronchial thickening", {nullptr, peribronchialDraw, nullptr});
  registerSign("low lung volumes", {lowVolumesAdjust, nullptr, nullptr});
  registerSign("volume loss", {volumeLossAdjust, nullptr, nullptr});
  registerSign("pneumonectomy", {pneumonectomyAdjust, pneumonectomyDraw, nullptr});
  registerSign("azygos lobe", {nullptr, azygosLobeDraw, nullptr});
}

}  // namespace mcr::synth::detail
