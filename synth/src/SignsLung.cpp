// Signs of the lung parenchyma, airways and lung volumes.
#include <algorithm>
#include <cmath>

#include "Signs.h"

namespace mcr::synth::detail {
// Shared with the heart signs (declared in Signs.h).
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

bool paratrachealWidening(Canvas& c, const Anatomy& a, Rng& r) {
  ellipse(c.fill, a.cx - a.mediastinumRight - 0.012, a.carinaY - 0.05, 0.022, 0.05, 0, 1.0f, Profile::Sphere, Blend::Max);
  ellipse(c.extra, a.cx - a.mediastinumRight - 0.01, a.carinaY - 0.05 + r.normal(0, 0.005), 0.02, 0.045, 0, 0.12f,
          Profile::Sphere);
  return true;
}

namespace {

using Q = Qualifiers;

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
