// The normal chest: body, lungs, heart and mediastinum, diaphragm, bones, lung markings.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "Signs.h"

namespace mcr::synth {

double Anatomy::diaphragmY(int side, double x) const {
  const double dx = x - domeX[side];
  return domeY[side] + domeCurvature[side] * dx * dx;
}

double Anatomy::lateralHalfWidth(double y) const {
  const double t = detail::clamp01((y - apexY) / std::max(0.05, ribcageBaseY - apexY));
  return thoraxHalfWidth * (0.60 + 0.40 * std::sqrt(t));
}

double Anatomy::costophrenicY(int side) const {
  return diaphragmY(side, cx + sideSign(side) * thoraxHalfWidth);
}

double Anatomy::spineX(double y) const {
  return cx + mediastinalShift * 0.3 + scoliosisAmplitude * std::sin(M_PI * (y - 0.05) / 0.85 * 1.6 + scoliosisPhase);
}

Anatomy sampleAnatomy(std::uint64_t patientSeed) {
  Rng r(mixSeed(patientSeed, 0xA11A70111ULL));
  Anatomy a;
  const double size = r.uniform(0.92, 1.05);
  a.cx = 0.5 + r.normal(0, 0.008);
  a.thoraxHalfWidth = 0.335 * size;
  a.bodyHalfWidth = a.thoraxHalfWidth + r.uniform(0.045, 0.085);
  a.apexY = 0.115 + r.normal(0, 0.007);
  const double inspiration = r.uniform(-1, 1);
  a.domeY[0] = 0.645 - 0.03 * inspiration + r.normal(0, 0.008);
  a.domeY[1] = a.domeY[0] + r.uniform(0.008, 0.035);
  for (int s = 0; s < 2; ++s) {
    a.domeX[s] = a.cx + a.sideSign(s) * a.thoraxHalfWidth * r.uniform(0.38, 0.48);
    a.domeCurvature[s] = r.uniform(2.4, 3.4);
  }
  a.ribcageBaseY = std::min(a.costophrenicY(0), a.costophrenicY(1));
  const double ctr = r.uniform(0.40, 0.47);
  a.heartHalfWidth = ctr * a.thoraxHalfWidth;
  a.heartCenterX = a.cx + a.heartHalfWidth * r.uniform(0.25, 0.38);
  a.heartHalfHeight = r.uniform(0.095, 0.115) * size;
  a.heartCenterY = a.domeY[1] - a.heartHalfHeight * r.uniform(0.45, 0.6);
  a.mediastinumRight = r.uniform(0.042, 0.052) * size;
  a.mediastinumLeft = r.uniform(0.036, 0.046) * size;
  a.knobRadius = r.uniform(0.026, 0.033) * size;
  a.knobX = a.cx + a.mediastinumLeft + a.knobRadius * 0.35;
  a.knobY = r.uniform(0.26, 0.29);
  a.carinaY = r.uniform(0.31, 0.34);
  a.hilumX[0] = a.cx - r.uniform(0.095, 0.115) * size;
  a.hilumX[1] = a.cx + r.uniform(0.09, 0.11) * size;
  a.hilumY[0] = r.uniform(0.39, 0.42);
  a.hilumY[1] = a.hilumY[0] - r.uniform(0.005, 0.03);
  a.spineHalfWidth = r.uniform(0.031, 0.037) * size;
  a.scoliosisAmplitude = r.normal(0, 0.003);
  a.scoliosisPhase = r.uniform(0, 2 * M_PI);
  a.ribStartY = a.apexY - r.uniform(0.0, 0.02);
  a.ribSpacing = (a.domeY[0] + 0.05 - a.ribStartY) / r.uniform(9.0, 9.8);
  a.airFraction = r.uniform(0.80, 0.90);
  a.vesselScale = r.uniform(0.85, 1.15);
  a.softTissue = r.uniform(0.75, 0.95);
  a.female = r.chance(0.5);
  a.breastSize = a.female ? r.uniform(0.3, 1.0) : 0.0;
  a.exposure = r.uniform(0.85, 1.1);
  a.gamma = r.uniform(0.85, 1.15);
  a.noise = r.uniform(0.006, 0.016);
  a.blurPx = r.uniform(0.5, 1.1);
  a.rotationDeg = r.normal(0, 1.0);
  if (r.chance(0.3)) {
    for (double& m : a.collimation) m = r.chance(0.5) ? r.uniform(0.0, 0.035) : 0.0;
  }
  return a;
}

namespace detail {

double lungMembership(const Anatomy& a, int side, double x, double y) {
  return lungMembershipRow(a, side, x, y, a.lateralHalfWidth(y));
}

double lungMembershipRow(const Anatomy& a, int side, double x, double y, double lateralHalf) {
  const double s = a.sideSign(side);
  const double lateral = s * (x - a.cx);  // distance from the midline towards this side
  const double edge = 0.006;
  if (lateral < 0) return 0;
  // Apex: an arch over the lung, highest above its medial third.
  const double apexX = a.thoraxHalfWidth * 0.42;
  const double archY = a.apexY + 5.5 * (lateral - apexX) * (lateral - apexX);
  const double dTop = y - archY;
  const double dLateral = lateralHalf - lateral;
  const double medial = (side == 0 ? a.mediastinumRight : a.mediastinumLeft) + 0.005;
  const double dMedial = lateral - medial - s * a.mediastinalShift;
  const double dBottom = a.diaphragmY(side, x) - y;
  const double d = std::min(std::min(dTop, dLateral), std::min(dMedial, dBottom));
  return smoothstep(-edge, edge, d);
}

namespace {

double heartMembership(const Anatomy& a, double x, double y) {
  // An ellipse tilted so that the apex points down and to the patient's left; the
  // transverse extent stays heartHalfWidth either side of heartCenterX.
  const double tilt = 0.35, c = std::cos(tilt), s = std::sin(tilt);
  const double dx = x - a.heartCenterX - a.mediastinalShift, dy = y - a.heartCenterY;
  const double ra = a.heartHalfWidth / std::sqrt(c * c + 0.45 * s * s);  // long semi-axis
  const double rb = std::max(a.heartHalfHeight, ra * 0.62);
  const double u = (dx * c + dy * s) / ra, v = (-dx * s + dy * c) / rb;
  const double r = std::sqrt(u * u + v * v);
  return smoothstep(1.0 + 0.015, 1.0 - 0.015, r);
}

double mediastinumMembership(const Anatomy& a, double x, double y) {
  const double mx = x - a.cx - a.mediastinalShift;
  const double top = 0.0, bottom = a.heartCenterY;
  if (y < top || y > bottom + 0.02) return 0;
  // The mediastinum widens from the aortic knob down to the heart.
  const double widen = smoothstep(a.knobY, a.heartCenterY, y);
  const double right = a.mediastinumRight + 0.022 * widen, left = a.mediastinumLeft + 0.03 * widen;
  double m = (mx < 0) ? smoothstep(right + 0.004, right - 0.004, -mx) : smoothstep(left + 0.004, left - 0.004, mx);
  const double kx = x - a.knobX - a.mediastinalShift, ky = y - a.knobY;
  m = std::max(m, smoothstep(a.knobRadius + 0.004, a.knobRadius - 0.004, std::sqrt(kx * kx + ky * ky)));
  return m * smoothstep(bottom + 0.02, bottom - 0.02, y);
}

// A rib as a function of x: fills the band around yc(x) column by column.
template <typename F>
void ribBand(Layer& bone, double xFrom, double xTo, F centre, double halfThick, float density) {
  const int n = bone.n;
  const int c0 = std::max(0, static_cast<int>(std::floor(std::min(xFrom, xTo) * n)));
  const int c1 = std::min(n - 1, static_cast<int>(std::ceil(std::max(xFrom, xTo) * n)));
  for (int px = c0; px <= c1; ++px) {
    const double x = (px + 0.5) / n;
    const double t = (x - xFrom) / (xTo - xFrom);
    if (t < 0 || t > 1) continue;
    const double yc = centre(t);
    const double slope = (centre(std::min(1.0, t + 0.01)) - centre(std::max(0.0, t - 0.01))) /
                         (0.02 * std::fabs(xTo - xFrom));
    const double h = halfThick * std::sqrt(1 + slope * slope);
    const double taper = smoothstep(0.0, 0.04, t) * smoothstep(1.0, 0.93, t);
    const int r0 = std::max(0, static_cast<int>(std::floor((yc - h) * n - 1)));
    const int r1 = std::min(n - 1, static_cast<int>(std::ceil((yc + h) * n + 1)));
    for (int py = r0; py <= r1; ++py) {
      const double d = std::fabs((py + 0.5) / n - yc) / h;
      if (d >= 1.08) continue;
      const double edge = smoothstep(1.08, 0.92, d);
      const double cortex = 0.55 + 0.45 * d * d * d * d;
      bone.at(px, py) += static_cast<float>(density * edge * cortex * taper);
    }
  }
}

}  // namespace

RibPath ribPath(const Anatomy& a, int side, int k) {
  const double sg = a.sideSign(side);
  const double kyph = 1 + 0.6 * a.kyphosis;
  RibPath r;
  r.y0 = a.ribStartY + k * a.ribSpacing / kyph;
  r.start = a.spineX(r.y0) + sg * (a.spineHalfWidth + 0.004);
  r.end = a.cx + sg * (a.lateralHalfWidth(r.y0 + 0.06) + 0.012);
  r.arch = 0.03 * (1 - 0.5 * k / 10.0);
  r.drop = (0.10 + 0.05 * k / 10.0) * kyph;
  r.halfThick = 0.0085 + 0.0015 * k / 10.0;
  return r;
}

double clavicleStart(const Anatomy& a, int side) { return a.cx + a.sideSign(side) * 0.03; }
double clavicleEnd(const Anatomy& a, int side) { return a.cx + a.sideSign(side) * (a.thoraxHalfWidth + 0.06); }
double clavicleY(const Anatomy& a, double t) { return a.apexY + 0.045 - 0.045 * t + 0.012 * std::sin(2 * M_PI * t); }
double humerusX(const Anatomy& a, int side) { return a.cx + a.sideSign(side) * (a.thoraxHalfWidth + 0.13); }

void drawAnatomy(Canvas& c, const Anatomy& a, std::uint64_t patientSeed) {
  const int n = c.n;
  // Body, lungs, heart, mediastinum: per-pixel fields.
  const double stomachX = a.cx + a.thoraxHalfWidth * 0.5, stomachY = a.domeY[1] + 0.05;
  for (int py = 0; py < n; ++py) {
    const double y = (py + 0.5) / n;
    const double shoulder = 0.12 * smoothstep(0.32, 0.12, y);
    const double bodyHalf = a.bodyHalfWidth + shoulder;
    const double rowLateral = a.lateralHalfWidth(y);
    for (int px = 0; px < n; ++px) {
      const double x = (px + 0.5) / n;
      const std::size_t i = static_cast<std::size_t>(py) * n + px;
      const double bx = (x - a.cx) / bodyHalf;
      double tissue = 0;
      if (std::fabs(bx) < 1.02) {
        tissue = (0.2 + 0.8 * std::sqrt(std::max(0.0, 1 - bx * bx))) * smoothstep(1.02, 0.97, std::fabs(bx));
      }
      // Arms beside the chest, a gap of air below the axillae.
      const double armX = std::fabs(x - a.cx) - (a.bodyHalfWidth + 0.035 + 0.05 * smoothstep(0.3, 0.1, y));
      if (armX > -0.02) tissue = std::max(tissue, 0.12 + 0.43 * smoothstep(-0.01, 0.04, armX));
      c.tissue.v[i] = static_cast<float>(tissue * a.softTissue);
      const double lungR = x < a.cx ? lungMembershipRow(a, 0, x, y, rowLateral) : 0.0;
      const double lungL = x >= a.cx ? lungMembershipRow(a, 1, x, y, rowLateral) : 0.0;
      double lung = std::max(lungR, lungL);
      if (lung > 0) {
        const double heart = heartMembership(a, x, y);
        const double med = mediastinumMembership(a, x, y);
        lung *= (1 - 0.88 * heart) * (1 - med);
        // Thinner lung near the lateral wall and the apex, thicker at the bases.
        const int side = lungR >= lungL ? 0 : 1;
        const double lateral = std::fabs(x - a.cx) / rowLateral;
        const double l2 = lateral * lateral;
        const double depth = (0.72 + 0.28 * smoothstep(a.apexY, a.domeY[side], y)) * (1 - 0.35 * l2 * l2 * l2);
        c.lung.v[i] = static_cast<float>(lung);
        const double mottle = 0.9 + 0.2 * valueNoise(x / 0.035, y / 0.035, patientSeed ^ 0x10E6ULL);
        c.air.v[i] = static_cast<float>(lung * depth * a.airFraction * mottle);
      }
      // Stomach gas bubble under the left hemidiaphragm.
      if (y > a.diaphragmY(1, x) + 0.01) {
        const double u = (x - stomachX) / 0.05, v = (y - stomachY) / 0.028;
        const double r = u * u + v * v;
        if (r < 1) c.lucent.v[i] += static_cast<float>(0.35 * smoothstep(1.0, 0.7, r));
      }
    }
  }
  // Trachea and main bronchi: an air column in the mediastinum.
  const double tx = a.cx - 0.004 + a.mediastinalShift * 0.5;
  segment(c.lucent, tx, 0.0, tx, a.carinaY, 0.014, 0.012, 0.45f, Profile::Solid);
  segment(c.lucent, tx, a.carinaY, a.hilumX[0] + 0.03, a.hilumY[0] - 0.02, 0.010, 0.007, 0.35f, Profile::Solid, Blend::Max);
  segment(c.lucent, tx, a.carinaY, a.hilumX[1] - 0.03, a.hilumY[1] - 0.02, 0.010, 0.007, 0.35f, Profile::Solid, Blend::Max);
  // Descending aorta and the left heart border's pulmonary segment.
  segment(c.extra, a.knobX - 0.005, a.knobY, a.cx + 0.035, a.heartCenterY, 0.012, 0.012, 0.05f, Profile::Sphere);
  // Breast shadows.
  if (a.breastSize > 0) {
    for (int s = 0; s < 2; ++s) {
      const double bx = a.cx + a.sideSign(s) * a.thoraxHalfWidth * 0.62, by = a.domeY[s] + 0.01;
      ellipse(c.extra, bx, by, 0.13 * (0.7 + 0.3 * a.breastSize), 0.085 * (0.7 + 0.3 * a.breastSize), 0,
              static_cast<float>(0.18 * a.breastSize), Profile::Sphere);
    }
  }

  // Spine: vertebral bodies, pedicles, spinous processes.
  const double vh = vertebraHeight(a);
  for (int k = 0; vertebraCentreY(a, k) < 1.0 + vh; ++k) {
    const double yc = vertebraCentreY(a, k);
    const double sx = a.spineX(yc);
    box(c.bone, sx, yc, a.spineHalfWidth, vh * 0.40, 0, 0.05f, Profile::Sphere);
    for (int s = 0; s < 2; ++s)
      ellipse(c.bone, sx + (s ? 1 : -1) * a.spineHalfWidth * 0.72, yc - vh * 0.17, 0.007, 0.011, 0, 0.07f, Profile::Shell);
    ellipse(c.bone, sx, yc + vh * 0.08, 0.005, 0.012, 0, 0.06f, Profile::Sphere);
  }
  // Ribs: posterior arcs from the spine, anterior arcs fainter, ten a side.
  for (int s = 0; s < 2; ++s) {
    const double sg = a.sideSign(s);
    for (int k = 0; k < kRibCount; ++k) {
      const RibPath rib = ribPath(a, s, k);
      ribBand(c.bone, rib.start, rib.end, [&](double t) { return rib.y(t); }, rib.halfThick, 0.15f);
      // Anterior rib: from the lateral wall down and medially to the costal cartilage.
      const double yl = rib.y(1.0);
      const double medialEnd = a.cx + sg * (0.09 + 0.01 * k);
      if (yl + 0.1 < a.domeY[s] + 0.03)
        ribBand(c.bone, rib.end, medialEnd, [&](double t) { return yl + 0.10 * std::pow(t, 1.2) - 0.02 * std::sin(M_PI * t); },
                rib.halfThick * 0.9, 0.07f);
    }
    // Clavicle.
    ribBand(c.bone, clavicleStart(a, s), clavicleEnd(a, s), [&](double t) { return clavicleY(a, t); }, 0.011, 0.30f);
    // Scapula edge and humeral head.
    const double hx = humerusX(a, s), hy = a.apexY + 0.005;
    disc(c.bone, hx, hy, 0.05, 0.22f, Profile::Shell);
    segment(c.bone, hx, hy, hx + sg * 0.02, hy + 0.2, 0.028, 0.026, 0.16f, Profile::Shell);
    segment(c.bone, a.cx + sg * (a.thoraxHalfWidth - 0.005), a.apexY + 0.05, a.cx + sg * (a.thoraxHalfWidth - 0.045),
            a.apexY + 0.32, 0.004, 0.003, 0.08f, Profile::Sphere);
  }
  drawLungMarkings(c, a, patientSeed);
}

namespace {

void branch(Layer& vessels, const Anatomy& a, int side, double x, double y, double angle, double length, double r,
            int depth, Rng& rng) {
  const double ex = x + length * std::cos(angle), ey = y + length * std::sin(angle);
  if (depth > 0 && lungMembership(a, side, ex, ey) < 0.2) return;
  // Slightly curved vessel: two half segments with a bend.
  const double mx = (x + ex) / 2 + rng.normal(0, length * 0.08), my = (y + ey) / 2 + rng.normal(0, length * 0.08);
  const float value = static_cast<float>(0.11 * std::pow(r / 0.005, 1.3));
  segment(vessels, x, y, mx, my, r, r * 0.9, value, Profile::Sphere);
  segment(vessels, mx, my, ex, ey, r * 0.9, r * 0.8, value, Profile::Sphere);
  if (depth >= 4 || r < 0.0012) return;
  const int children = rng.chance(0.35) ? 3 : 2;
  for (int k = 0; k < children; ++k) {
    const double spread = rng.uniform(0.25, 0.6) * (k == 0 ? -1 : 1) * (k == 2 ? 0.2 : 1);
    branch(vessels, a, side, ex, ey, angle + spread, length * rng.uniform(0.7, 0.9), r * rng.uniform(0.68, 0.8),
           depth + 1, rng);
  }
}

}  // namespace

void drawLungMarkings(Canvas& c, const Anatomy& a, std::uint64_t patientSeed) {
  for (int s = 0; s < 2; ++s) {
    const double sg = a.sideSign(s);
    const double hx = a.hilumX[s], hy = a.hilumY[s];
    // Hilar vessels: the pulmonary artery and veins at the hilum.
    ellipse(c.vessels, hx - sg * 0.005, hy, 0.025, 0.045, sg * 0.3, static_cast<float>(0.16 * a.vesselScale), Profile::Gaussian);
    const int primaries = 7;
    for (int k = 0; k < primaries; ++k) {
      // One stream per primary branch: a finding that ends one branch early (a raised
      // hemidiaphragm, a smaller lung) leaves the other branches and the other lung as they were.
      Rng rng(mixSeed(patientSeed, 0x7E55E100ULL + static_cast<std::uint64_t>(s * 16 + k)));
      // Fan from up-and-out through lateral to down-and-in (angles in image space).
      const double t = (k + rng.uniform(-0.3, 0.3)) / (primaries - 1);
      const double base = -1.45 + t * 2.7;  // radians from "up" through "out" to "down"
      const double angle = (sg > 0) ? base : M_PI - base;
      const double length = 0.055 * rng.uniform(0.85, 1.15);
      branch(c.vessels, a, s, hx + 0.015 * std::cos(angle), hy + 0.015 * std::sin(angle), angle, length,
             0.0055 * a.vesselScale, 0, rng);
    }
  }
}

}  // namespace detail
}  // namespace mcr::synth
