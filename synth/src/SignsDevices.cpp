// Metal and radiopaque lines: wires, clips, hardware, cardiac devices, catheters, tubes.
#include <algorithm>
#include <cmath>

#include "Signs.h"

namespace mcr::synth::detail {
namespace {

using Q = Qualifiers;
constexpr float kMetal = 2.2f;
constexpr float kLine = 0.55f;  // radiopaque stripe of a plastic tube

int oneSide(const Finding&, const Q& q, int fallback) {
  if (q.side == Side::Left) return 1;
  if (q.side == Side::Right) return 0;
  return fallback;
}

// A smooth path through control points (Catmull-Rom), as a flat xy list.
std::vector<double> curve(const std::vector<double>& pts, int perSegment = 8) {
  std::vector<double> out;
  const int n = static_cast<int>(pts.size() / 2);
  auto P = [&](int i, int c) { return pts[2 * std::clamp(i, 0, n - 1) + c]; };
  for (int i = 0; i + 1 < n; ++i)
    for (int k = 0; k < perSegment; ++k) {
      const double t = static_cast<double>(k) / perSegment, t2 = t * t, t3 = t2 * t;
      for (int c = 0; c < 2; ++c)
        out.push_back(0.5 * ((2 * P(i, c)) + (-P(i - 1, c) + P(i + 1, c)) * t +
                             (2 * P(i - 1, c) - 5 * P(i, c) + 4 * P(i + 1, c) - P(i + 2, c)) * t2 +
                             (-P(i - 1, c) + 3 * P(i, c) - 3 * P(i + 1, c) + P(i + 2, c)) * t3));
    }
  out.push_back(pts[pts.size() - 2]);
  out.push_back(pts.back());
  return out;
}

void clip(Canvas& c, double x, double y, Rng& r) {
  box(c.metal, x, y, 0.0065, 0.0018, r.uniform(0, M_PI), kMetal, Profile::Solid);
}

bool sternotomyDraw(Canvas& c, const Anatomy& a, const Finding&, const Q&, Rng& r) {
  const int wires = r.uniformInt(5, 7);
  const double top = a.knobY - 0.03, bottom = a.heartCenterY + 0.02;
  for (int k = 0; k < wires; ++k) {
    const double y = top + (bottom - top) * k / (wires - 1) + r.normal(0, 0.004);
    const double x = a.cx + r.normal(0, 0.004);
    std::vector<double> loop;
    for (int j = 0; j <= 16; ++j) {
      const double t = 2 * M_PI * j / 16;
      loop.push_back(x + 0.011 * std::cos(t));
      loop.push_back(y + 0.0045 * std::sin(t));
    }
    polyline(c.metal, loop, 0.0016, kMetal, Profile::Solid);
    segment(c.metal, x - 0.002, y, x + 0.004, y - 0.008, 0.0018, 0.0015, kMetal, Profile::Solid);  // twisted tail
  }
  return true;
}

bool suturesDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) {
    const Region z = zoneRegion(a, s, q.zone == Zone::Unspecified ? Zone::Upper : q.zone);
    const double ang = r.uniform(-0.6, 0.6);
    for (int k = -5; k <= 5; ++k) {  // a staple line
      const double x = z.x + k * 0.006 * std::cos(ang), y = z.y + k * 0.006 * std::sin(ang);
      box(c.metal, x, y, 0.0028, 0.0012, ang + M_PI / 2, kMetal, Profile::Solid);
    }
  }
  return true;
}

bool clipsDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  double x, y, spread = 0.015;
  const int s = oneSide(f, q, r.chance(0.5) ? 1 : 0);
  const double sg = a.sideSign(s);
  if (f.has("abdomen")) {  // cholecystectomy clips in the right upper quadrant unless told
    const int side = q.side == Side::Left ? 1 : 0;
    x = a.cx + a.sideSign(side) * a.thoraxHalfWidth * 0.4;
    y = a.domeY[side] + 0.09;
  } else if (f.has("mediastinum") || f.has("heart")) {
    x = a.cx + 0.02 + (f.has("left") ? 0.03 : 0);
    y = a.heartCenterY - a.heartHalfHeight * 0.6;
    spread = 0.025;
  } else if (f.has("neck") || f.has("cervical vertebrae")) {
    x = a.cx + r.normal(0, 0.02);
    y = 0.04;
  } else if (f.has("breast") || f.has("shoulder")) {
    x = a.cx + sg * (a.thoraxHalfWidth * 0.85);
    y = f.has("shoulder") ? a.apexY + 0.06 : a.domeY[s] - 0.12;  // axillary dissection clips
  } else if (q.zone == Zone::Hilum) {
    x = a.hilumX[s];
    y = a.hilumY[s];
  } else {
    const Region z = zoneRegion(a, s, q.zone == Zone::Unspecified ? Zone::Upper : q.zone);
    x = z.x;
    y = z.y;
  }
  const int count = r.uniformInt(2, q.multiple ? 8 : 4);
  for (int k = 0; k < count; ++k) clip(c, x + r.normal(0, spread), y + r.normal(0, spread), r);
  return true;
}

bool spinalFusionDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q&, Rng& r) {
  double from, to;
  if (f.has("cervical vertebrae")) {
    from = 0.0;
    to = a.apexY + 0.04;
  } else if (f.has("lumbar vertebrae")) {
    from = a.domeY[1] + 0.1;
    to = 1.0;
  } else {
    from = a.apexY + r.uniform(0.05, 0.2);
    to = from + r.uniform(0.15, 0.3);
  }
  if (f.has("anterior") || f.has("cervical vertebrae")) {  // plate with screws
    const double y = (from + to) / 2, x = a.spineX(y);
    box(c.metal, x, y, a.spineHalfWidth * 0.55, (to - from) / 2, 0, 1.2f, Profile::Solid);
    for (double sy = from + 0.01; sy < to; sy += vertebraHeight(a))
      for (int s = -1; s <= 1; s += 2) disc(c.metal, x + s * a.spineHalfWidth * 0.3, sy, 0.004, 1.0f, Profile::Solid);
    return true;
  }
  for (int s = -1; s <= 1; s += 2) {  // two rods and pedicle screws
    std::vector<double> rod;
    for (double y = from; y <= to; y += 0.02) {
      rod.push_back(a.spineX(y) + s * a.spineHalfWidth * 0.75);
      rod.push_back(y);
    }
    polyline(c.metal, rod, 0.0035, kMetal, Profile::Solid);
    for (double y = from + 0.01; y < to; y += vertebraHeight(a))
      segment(c.metal, a.spineX(y) + s * a.spineHalfWidth * 0.95, y, a.spineX(y) + s * a.spineHalfWidth * 0.25, y + 0.004,
              0.003, 0.002, kMetal, Profile::Solid);
  }
  return true;
}

bool pacemakerDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  const int s = oneSide(f, q, 1);  // left pectoral unless told
  const double sg = a.sideSign(s);
  const double gx = a.cx + sg * a.thoraxHalfWidth * r.uniform(0.5, 0.7), gy = a.apexY + r.uniform(0.1, 0.14);
  const double tilt = r.uniform(-0.3, 0.3);
  box(c.metal, gx, gy, 0.032, 0.024, tilt, 1.6f, Profile::Solid);           // can
  box(c.metal, gx - sg * 0.006, gy + 0.004, 0.018, 0.012, tilt, 0.6f, Profile::Solid);  // battery
  box(c.metal, gx + sg * 0.02, gy - 0.018, 0.01, 0.006, tilt, 0.8f, Profile::Solid);   // header
  // Leads: subclavian vein -> superior vena cava -> right atrium / right ventricular apex.
  const double svcX = a.cx - a.mediastinumRight * 0.6, raX = a.heartCenterX - a.heartHalfWidth * 0.55;
  const double rvX = a.heartCenterX + a.heartHalfWidth * 0.35, rvY = a.heartCenterY + a.heartHalfHeight * 0.55;
  const std::vector<double> common = {gx - sg * 0.02, gy - 0.01, a.cx + sg * 0.07, a.apexY + 0.075, svcX, a.carinaY};
  auto lead = [&](std::vector<double> tail) {
    std::vector<double> pts = common;
    pts.insert(pts.end(), tail.begin(), tail.end());
    polyline(c.metal, curve(pts), 0.0022, 1.2f, Profile::Solid);
    disc(c.metal, pts[pts.size() - 2], pts.back(), 0.004, 1.2f, Profile::Solid);
  };
  lead({raX + 0.01, a.heartCenterY - 0.02, raX + 0.03, a.heartCenterY - a.heartHalfHeight * 0.6});
  lead({raX + 0.02, a.heartCenterY + 0.02, rvX - 0.04, rvY, rvX, rvY - 0.005});
  return true;
}

bool implantedDeviceDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  if (f.has("abdomen")) {
    disc(c.metal, a.cx + 0.1, a.domeY[1] + 0.12, 0.02, 1.2f, Profile::Solid);
    return true;
  }
  if (f.has("pulmonary artery")) {  // a small occluder or coil
    disc(c.metal, a.hilumX[1], a.hilumY[1], 0.008, 1.4f, Profile::Shell);
    return true;
  }
  const int s = oneSide(f, q, 1);
  box(c.metal, a.cx + a.sideSign(s) * 0.08, a.heartCenterY - 0.1, 0.018, 0.005, r.uniform(-0.8, -0.4), kMetal,
      Profile::Solid);  // loop recorder
  return true;
}

bool valveDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q&, Rng& r) {
  const bool mitral = f.has("mitral valve");
  const double x = mitral ? a.heartCenterX + 0.01 : a.cx + 0.012, y = mitral ? a.heartCenterY : a.heartCenterY - a.heartHalfHeight * 0.45;
  std::vector<double> ring;
  const double tilt = r.uniform(0.3, 0.8);
  for (int j = 0; j <= 20; ++j) {
    const double t = 2 * M_PI * j / 20;
    ring.push_back(x + 0.014 * std::cos(t) * std::cos(tilt) - 0.009 * std::sin(t) * std::sin(tilt));
    ring.push_back(y + 0.014 * std::cos(t) * std::sin(tilt) + 0.009 * std::sin(t) * std::cos(tilt));
  }
  polyline(c.metal, ring, 0.0025, kMetal, Profile::Solid);
  return true;
}

bool shoulderProsthesisDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) {
    const double hx = humerusX(a, s), hy = a.apexY + 0.005;
    disc(c.metal, hx, hy, 0.045, 1.5f, Profile::Sphere);
    segment(c.metal, hx + a.sideSign(s) * 0.01, hy + 0.03, hx + a.sideSign(s) * 0.03, hy + 0.2, 0.01, 0.007, 1.5f, Profile::Solid);
  }
  return true;
}

bool catheterDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  const int s = oneSide(f, q, 0);
  const double sg = a.sideSign(s);
  const double tipY = a.carinaY + r.uniform(0.0, 0.08);
  const std::vector<double> pts = {a.cx + sg * a.thoraxHalfWidth * 0.75, a.apexY + 0.03,
                                   a.cx + sg * 0.09, a.apexY + 0.06,
                                   a.cx - a.mediastinumRight * 0.5, a.carinaY - 0.08,
                                   a.cx - a.mediastinumRight * 0.55, tipY};
  polyline(c.metal, curve(pts), 0.0022, kLine, Profile::Solid);
  if (r.chance(0.4)) disc(c.metal, pts[0] + sg * 0.01, pts[1] + 0.05, 0.014, 1.2f, Profile::Shell);  // port reservoir
  return true;
}

bool endotrachealDraw(Canvas& c, const Anatomy& a, const Finding&, const Q&, Rng& r) {
  const double tip = a.carinaY - r.uniform(0.03, 0.07), x = a.cx - 0.004;
  segment(c.extra, x, 0.0, x, tip, 0.009, 0.009, 0.05f, Profile::Shell);
  segment(c.metal, x + 0.005, 0.0, x + 0.004, tip, 0.0018, 0.0018, kLine, Profile::Solid);
  return true;
}

bool entericDraw(Canvas& c, const Anatomy& a, const Finding&, const Q&, Rng& r) {
  const std::vector<double> pts = {a.cx + 0.005, 0.0, a.cx + 0.012, a.carinaY, a.cx + 0.03, a.domeY[1] - 0.02,
                                   a.cx + a.thoraxHalfWidth * 0.45, a.domeY[1] + 0.06 + r.uniform(0, 0.03)};
  polyline(c.metal, curve(pts), 0.0022, kLine, Profile::Solid);
  return true;
}

bool chestTubeDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  const int s = oneSide(f, q, r.chance(0.5) ? 1 : 0);
  const double sg = a.sideSign(s);
  const double yIn = a.domeY[s] - 0.08;
  const std::vector<double> pts = {a.cx + sg * (a.bodyHalfWidth + 0.02), yIn + 0.03, a.cx + sg * (a.lateralHalfWidth(yIn) - 0.01),
                                   yIn, a.cx + sg * a.thoraxHalfWidth * 0.6, a.apexY + 0.15, a.cx + sg * a.thoraxHalfWidth * 0.45,
                                   a.apexY + 0.06};
  const auto path = curve(pts);
  polyline(c.extra, path, 0.006, 0.06f, Profile::Shell);
  polyline(c.metal, path, 0.0022, kLine, Profile::Solid);
  return true;
}

void meshTube(Canvas& c, double x0, double y0, double x1, double y1, double radius) {
  const int cells = std::max(2, static_cast<int>(std::hypot(x1 - x0, y1 - y0) / (radius * 1.2)));
  const double nx = -(y1 - y0), ny = x1 - x0, len = std::hypot(nx, ny);
  const double ox = nx / len * radius, oy = ny / len * radius;
  for (int k = 0; k < cells; ++k) {
    const double t0 = static_cast<double>(k) / cells, t1 = static_cast<double>(k + 1) / cells;
    const double ax = x0 + (x1 - x0) * t0, ay = y0 + (y1 - y0) * t0, bx = x0 + (x1 - x0) * t1, by = y0 + (y1 - y0) * t1;
    segment(c.metal, ax + ox, ay + oy, bx - ox, by - oy, 0.0011, 0.0011, 1.2f, Profile::Solid);
    segment(c.metal, ax - ox, ay - oy, bx + ox, by + oy, 0.0011, 0.0011, 1.2f, Profile::Solid);
  }
}

bool stentDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q&, Rng& r) {
  if (f.has("aorta")) {
    meshTube(c, a.knobX, a.knobY + 0.03, a.cx + 0.035, a.heartCenterY, 0.014);
  } else if (f.has("abdomen")) {
    meshTube(c, a.cx - 0.08, a.domeY[0] + 0.08, a.cx - 0.05, a.domeY[0] + 0.14, 0.004);
  } else {  // coronary
    const double x = a.heartCenterX + r.uniform(-0.03, 0.04), y = a.heartCenterY - r.uniform(0.0, 0.05);
    meshTube(c, x, y, x + 0.02, y + 0.025, 0.0035);
  }
  return true;
}

bool foreignBodyDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  double x, y;
  const int s = oneSide(f, q, r.chance(0.5) ? 1 : 0);
  if (f.has("abdomen") || f.has("lumbar vertebrae")) {
    x = a.cx + r.normal(0, 0.08);
    y = a.domeY[1] + 0.12;
  } else if (f.has("neck")) {
    x = a.cx + a.sideSign(s) * 0.05;
    y = 0.03;
  } else if (f.has("thoracic vertebrae") || f.has("spine")) {
    x = a.spineX(0.45);
    y = 0.45;
  } else {
    const Region z = zoneRegion(a, s, q.zone == Zone::Unspecified ? Zone::Middle : q.zone);
    x = z.x + r.normal(0, 0.02);
    y = z.y + r.normal(0, 0.02);
  }
  const int count = q.multiple ? r.uniformInt(3, 6) : 1;
  for (int k = 0; k < count; ++k) {
    const double px = x + (count > 1 ? r.normal(0, 0.02) : 0), py = y + (count > 1 ? r.normal(0, 0.02) : 0);
    ellipse(c.metal, px, py, r.uniform(0.003, 0.007), r.uniform(0.002, 0.005), r.uniform(0, M_PI), kMetal, Profile::Solid);
  }
  return true;
}

}  // namespace

void registerDeviceSigns() {
  registerSign("sternotomy wires", {nullptr, sternotomyDraw, nullptr});
  registerSign("surgical sutures", {nullptr, suturesDraw, nullptr});
  registerSign("surgical clips", {nullptr, clipsDraw, nullptr});
  registerSign("spinal fusion hardware", {nullptr, spinalFusionDraw, nullptr});
  registerSign("pacemaker", {nullptr, pacemakerDraw, nullptr});
  registerSign("implanted device", {nullptr, implantedDeviceDraw, nullptr});
  registerSign("prosthetic heart valve", {nullptr, valveDraw, nullptr});
  registerSign("shoulder prosthesis", {nullptr, shoulderProsthesisDraw, nullptr});
  registerSign("central venous catheter", {nullptr, catheterDraw, nullptr});
  registerSign("endotracheal tube", {nullptr, endotrachealDraw, nullptr});
  registerSign("enteric tube", {nullptr, entericDraw, nullptr});
  registerSign("chest tube", {nullptr, chestTubeDraw, nullptr});
  registerSign("stent", {nullptr, stentDraw, nullptr});
  registerSign("foreign body", {nullptr, foreignBodyDraw, nullptr});
}

}  // namespace mcr::synth::detail
