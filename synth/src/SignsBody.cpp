// Signs of the diaphragm, upper abdomen, bones, soft tissue and technique.
#include <algorithm>
#include <cmath>

#include "Signs.h"

namespace mcr::synth::detail {
namespace {

using Q = Qualifiers;

int oneSide(const Finding& f, const Q& q) {
  if (q.side == Side::Left) return 1;
  if (q.side == Side::Right) return 0;
  return static_cast<int>((stableHash(f.str()) >> 7) & 1);
}

// ---- diaphragm and upper abdomen --------------------------------------------------------
bool elevatedAdjust(Anatomy& a, const Finding& f, const Q& q, Rng&) {
  const double rise = 0.03 + 0.05 * severityOr(q, 0.6);
  if (q.side == Side::Bilateral) {
    a.domeY[0] -= rise;
    a.domeY[1] -= rise;
  } else {
    a.domeY[oneSide(f, q)] -= rise;
  }
  return true;
}

bool eventrationAdjust(Anatomy& a, const Finding& f, const Q& q, Rng&) {
  const int s = q.side == Side::Unspecified ? 0 : oneSide(f, q);  // mostly right-sided
  a.domeY[s] -= 0.03 + 0.02 * severityOr(q, 0.5);
  a.domeCurvature[s] *= 1.5;
  a.domeX[s] = a.cx + a.sideSign(s) * a.thoraxHalfWidth * 0.35;
  return true;
}

bool flattenedAdjust(Anatomy& a, const Finding&, const Q&, Rng&) {
  for (int s = 0; s < 2; ++s) {
    a.domeCurvature[s] *= 0.35;
    a.domeY[s] += 0.02;
  }
  return true;
}

bool hiatalHerniaDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  const double rad = 0.03 + 0.03 * severityOr(q, 0.6);
  const double x = a.cx + 0.015 + r.normal(0, 0.006), y = a.domeY[1] - rad * 0.7;
  disc(c.extra, x, y, rad, 0.18f, Profile::Sphere);
  // Gas cap above an air-fluid level.
  const int n = c.n;
  for (int py = std::max(0, static_cast<int>((y - rad) * n)); py < std::min(n, static_cast<int>(y * n)); ++py)
    for (int px = std::max(0, static_cast<int>((x - rad) * n)); px < std::min(n, static_cast<int>((x + rad) * n)); ++px) {
      const double dx = (px + 0.5) / n - x, dy = (py + 0.5) / n - y;
      if (dx * dx + dy * dy < rad * rad * 0.7) c.lucent.at(px, py) += 0.3f;
    }
  return true;
}

void bowelLoops(Canvas& c, double x, double y, double spread, int count, Rng& r) {
  for (int k = 0; k < count; ++k) {
    const double bx = x + r.normal(0, spread), by = y + r.normal(0, spread * 0.6);
    const double rad = r.uniform(0.014, 0.022);
    disc(c.lucent, bx, by, rad, 0.35f, Profile::Solid);
    disc(c.extra, bx, by, rad * 1.05, 0.06f, Profile::Shell);
  }
}

bool diaphragmaticHerniaDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  const int s = q.side == Side::Unspecified ? 1 : oneSide(f, q);
  bowelLoops(c, a.cx + a.sideSign(s) * a.thoraxHalfWidth * 0.6, a.domeY[s] - 0.05, 0.03, 5, r);
  return true;
}

bool pneumoperitoneumDraw(Canvas& c, const Anatomy& a, const Finding&, const Q&, Rng&) {
  const int n = c.n;
  for (int s = 0; s < 2; ++s) {
    const double sg = a.sideSign(s);
    for (int px = 0; px < n; ++px) {
      const double x = (px + 0.5) / n;
      const double lateral = sg * (x - a.cx);
      if (lateral < a.thoraxHalfWidth * 0.1 || lateral > a.thoraxHalfWidth * 0.95) continue;
      const double top = a.diaphragmY(s, x) + 0.006, thick = 0.012 * std::sin(M_PI * lateral / a.thoraxHalfWidth);
      for (int py = static_cast<int>(top * n); py < std::min(n, static_cast<int>((top + thick) * n) + 1); ++py)
        c.lucent.at(px, py) += 0.45f;
    }
  }
  return true;
}

bool colonicInterpositionDraw(Canvas& c, const Anatomy& a, const Finding&, const Q&, Rng& r) {
  const double x = a.cx - a.thoraxHalfWidth * 0.55, y = a.domeY[0] + 0.035;
  ellipse(c.lucent, x, y, 0.08, 0.022, 0.1, 0.4f, Profile::Solid);
  for (int k = -2; k <= 2; ++k)  // haustral folds
    segment(c.extra, x + k * 0.028, y - 0.02, x + k * 0.028 + r.normal(0, 0.003), y + 0.02, 0.002, 0.002, 0.1f, Profile::Solid);
  return true;
}

bool gallstonesDraw(Canvas& c, const Anatomy& a, const Finding&, const Q&, Rng& r) {
  const double x = a.cx - a.thoraxHalfWidth * 0.45, y = a.domeY[0] + 0.14;
  for (int k = 0; k < r.uniformInt(2, 5); ++k)
    disc(c.metal, x + r.normal(0, 0.012), y + r.normal(0, 0.01), r.uniform(0.005, 0.009), 0.35f, Profile::Shell);
  return true;
}

// ---- spine ------------------------------------------------------------------------------
bool scoliosisAdjust(Anatomy& a, const Finding& f, const Q& q, Rng&) {
  // Convexity to the named side (the patient's right is towards the image left).
  const double dir = q.side == Side::Left ? 1 : (q.side == Side::Right ? -1 : ((stableHash(f.str()) & 1) ? 1 : -1));
  a.scoliosisAmplitude = dir * (0.012 + 0.03 * severityOr(q, 0.5));
  a.scoliosisPhase = f.has("lumbar vertebrae") ? -0.9 : 0.0;
  return true;
}

bool kyphosisAdjust(Anatomy& a, const Finding&, const Q& q, Rng&) {
  a.kyphosis = 0.4 + 0.6 * severityOr(q, 0.5);
  a.apexY -= 0.01;
  return true;
}

int vertebraAt(const Anatomy& a, double y) {
  return static_cast<int>(std::lround((y - vertebraCentreY(a, 0)) / vertebraHeight(a)));
}

// Levels of the thoracic (default), cervical or lumbar spine.
std::vector<int> spineLevels(const Anatomy& a, const Finding& f, int count, Rng& r) {
  double from = a.apexY + 0.05, to = a.domeY[0];
  if (f.has("cervical vertebrae")) {
    from = 0.0;
    to = a.apexY + 0.02;
  } else if (f.has("lumbar vertebrae")) {
    from = a.domeY[1] + 0.12;
    to = 0.97;
  }
  std::vector<int> levels;
  const int lo = vertebraAt(a, from), hi = std::max(lo, vertebraAt(a, to));
  for (int k = 0; k < count; ++k) levels.push_back(r.uniformInt(lo, hi));
  return levels;
}

bool degenerativeSpineDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  const int levels = q.multiple ? 6 : 3 + static_cast<int>(4 * severityOr(q, 0.5));
  const double vh = vertebraHeight(a);
  const bool dish = f.name == "diffuse idiopathic skeletal hyperostosis";
  for (int k : spineLevels(a, f, levels, r)) {
    const double y = vertebraCentreY(a, k), x = a.spineX(y);
    for (int s = 0; s < 2; ++s) {
      const double sg = a.sideSign(s);
      // Marginal osteophytes at the endplate corners, endplate sclerosis.
      for (int e = -1; e <= 1; e += 2) {
        const double ey = y + e * vh * 0.4;
        if (r.chance(0.7))
          segment(c.bone, x + sg * a.spineHalfWidth * 0.9, ey, x + sg * (a.spineHalfWidth + r.uniform(0.005, 0.011)),
                  ey + e * r.uniform(0.002, 0.008), 0.003, 0.0012, 0.3f, Profile::Sphere);
        segment(c.bone, x - a.spineHalfWidth * 0.9, ey, x + a.spineHalfWidth * 0.9, ey, 0.0022, 0.0022, 0.12f, Profile::Sphere);
      }
    }
  }
  if (dish) {  // flowing ossification along the right side of the spine
    std::vector<double> path;
    for (int k = 0; k <= 12; ++k) {
      const double y = a.apexY + 0.1 + k * 0.035;
      path.push_back(a.spineX(y) - a.spineHalfWidth - 0.004 + r.normal(0, 0.0015));
      path.push_back(y);
    }
    polyline(c.bone, path, 0.0035, 0.3f, Profile::Sphere);
  }
  return true;
}

bool boneSclerosisDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q&, Rng& r) {
  const int k = spineLevels(a, f, 1, r)[0];
  const double y = vertebraCentreY(a, k);
  box(c.bone, a.spineX(y), y, a.spineHalfWidth * 0.95, vertebraHeight(a) * 0.38, 0, 0.28f, Profile::Solid);
  return true;
}

// Compression: a flattened, sclerotic body and narrowed space.
bool vertebralFractureDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  const int count = q.multiple ? 2 : 1;
  for (int k : spineLevels(a, f, count, r)) {
    const double y = vertebraCentreY(a, k), vh = vertebraHeight(a);
    box(c.bone, a.spineX(y), y + vh * 0.15, a.spineHalfWidth * 1.05, vh * 0.18, 0, 0.35f, Profile::Solid);
    box(c.bone, a.spineX(y), y - vh * 0.25, a.spineHalfWidth * 0.9, vh * 0.12, 0, -0.2f, Profile::Solid);
  }
  return true;
}

bool osteopeniaAdjust(Anatomy& a, const Finding&, const Q&, Rng&) {
  a.boneScale *= 0.55;
  return true;
}

// ---- ribs, clavicles, humeri --------------------------------------------------------------
void boneBreak(Canvas& c, double x, double y, double angle, double width, bool healed, Rng& r) {
  if (healed) {  // callus: a fusiform bony bulge
    ellipse(c.bone, x, y, width * 1.2, width * 0.8, angle, 0.22f, Profile::Sphere);
  } else {  // lucent fracture line with a small step
    const double ca = std::cos(angle + M_PI / 2), sa = std::sin(angle + M_PI / 2);
    segment(c.bone, x - ca * width, y - sa * width, x + ca * width, y + sa * width, 0.0022, 0.0022, -0.25f, Profile::Solid);
    segment(c.bone, x + 0.004, y + r.uniform(0.002, 0.004), x + 0.012, y + 0.004, 0.004, 0.004, 0.1f, Profile::Sphere);
  }
}

bool ribLesionDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, bool healed, Rng& r) {
  const int count = q.multiple ? r.uniformInt(2, 4) : 1;
  for (int s : sidesOf(q, r))
    for (int k = 0; k < count; ++k) {
      const RibPath rib = ribPath(a, s, r.uniformInt(3, 8));
      const double t = f.has("posterior") ? r.uniform(0.2, 0.45) : r.uniform(0.6, 0.9);
      const double x = rib.x(t), y = rib.y(t);
      const double slope = (rib.y(t + 0.02) - rib.y(t - 0.02)) / (rib.x(t + 0.02) - rib.x(t - 0.02));
      boneBreak(c, x, y, std::atan(slope), rib.halfThick * 1.3, healed, r);
    }
  return true;
}

bool ribFractureDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  return ribLesionDraw(c, a, f, q, q.healed, r);
}
bool ribDeformityDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng& r) {
  return ribLesionDraw(c, a, f, q, true, r);
}

bool clavicleLesionDraw(Canvas& c, const Anatomy& a, const Q& q, bool healed, Rng& r) {
  for (int s : sidesOf(q, r)) {
    const double t = r.uniform(0.45, 0.7);
    const double x = clavicleStart(a, s) + t * (clavicleEnd(a, s) - clavicleStart(a, s));
    boneBreak(c, x, clavicleY(a, t), -a.sideSign(s) * 0.15, 0.014, healed, r);
  }
  return true;
}
bool clavicleFractureDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  return clavicleLesionDraw(c, a, q, q.healed, r);
}
bool clavicleDeformityDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  return clavicleLesionDraw(c, a, q, true, r);
}

bool humerusFractureDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) boneBreak(c, humerusX(a, s) + a.sideSign(s) * 0.012, a.apexY + 0.1, M_PI / 2 - 0.2, 0.03, q.healed, r);
  return true;
}

bool degenerativeShoulderDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r)) {
    const double hx = humerusX(a, s), hy = a.apexY + 0.005;
    disc(c.bone, hx, hy, 0.05, 0.25f, Profile::Shell);  // sclerotic head
    segment(c.bone, hx - a.sideSign(s) * 0.03, hy + 0.04, hx - a.sideSign(s) * 0.045, hy + 0.055, 0.004, 0.0015, 0.3f,
            Profile::Sphere);  // inferior osteophyte
  }
  return true;
}

bool pectusAdjust(Anatomy& a, const Finding&, const Q&, Rng&) {
  a.heartCenterX += 0.02;
  a.heartHalfWidth *= 1.05;
  return true;
}
bool pectusDraw(Canvas& c, const Anatomy& a, const Finding&, const Q&, Rng&) {
  ellipse(c.extra, a.cx - a.mediastinumRight - 0.02, a.heartCenterY, 0.03, 0.07, 0, 0.12f, Profile::Gaussian);
  return true;
}

// ---- soft tissue and technique ---------------------------------------------------------
bool nippleDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r, true))
    disc(c.extra, a.cx + a.sideSign(s) * a.thoraxHalfWidth * 0.62 + r.normal(0, 0.01), a.domeY[s] - 0.04, 0.008, 0.1f,
         Profile::Sphere);
  return true;
}

bool breastImplantsDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r, true)) {
    const double x = a.cx + a.sideSign(s) * a.thoraxHalfWidth * 0.6, y = a.domeY[s] - 0.03;
    disc(c.extra, x, y, 0.09, 0.22f, Profile::Sphere);
    disc(c.extra, x, y, 0.09, 0.05f, Profile::Shell);
  }
  return true;
}

bool mastectomyDraw(Canvas& c, const Anatomy& a, const Finding& f, const Q& q, Rng&) {
  const int s = oneSide(f, q);
  // Missing breast soft tissue: the lower hemithorax on that side is more lucent.
  ellipse(c.extra, a.cx + a.sideSign(s) * a.thoraxHalfWidth * 0.62, a.domeY[s], 0.13, 0.09, 0, -0.1f, Profile::Sphere);
  return true;
}

bool subcutaneousEmphysemaDraw(Canvas& c, const Anatomy& a, const Finding&, const Q& q, Rng& r) {
  for (int s : sidesOf(q, r, true))
    for (int k = 0; k < 10; ++k) {
      const double y = a.apexY + r.uniform(0.0, 0.45);
      const double x = a.cx + a.sideSign(s) * (a.lateralHalfWidth(y) + r.uniform(0.015, 0.04));
      segment(c.lucent, x, y, x + r.normal(0, 0.006), y + r.uniform(0.015, 0.04), 0.0025, 0.0015, 0.5f, Profile::Solid);
    }
  return true;
}

bool limitedStudyAdjust(Anatomy& a, const Finding& f, const Q&, Rng&) {
  a.exposure *= 0.62;
  a.noise *= 2.2;
  a.rotationDeg += ((stableHash(f.str()) & 1) ? 1 : -1) * 3.0;
  a.blurPx *= 1.6;
  return true;
}

bool contrastDraw(Canvas& c, const Anatomy& a, const Finding&, const Q&, Rng& r) {
  for (int k = 0; k < 4; ++k)
    ellipse(c.metal, a.cx + a.thoraxHalfWidth * r.uniform(0.1, 0.7), a.domeY[1] + r.uniform(0.06, 0.2), 0.03, 0.014,
            r.uniform(0, M_PI), 0.6f, Profile::Sphere);
  return true;
}

}  // namespace

void registerBodySigns() {
  registerSign("elevated hemidiaphragm", {elevatedAdjust, nullptr, nullptr});
  registerSign("eventration", {eventrationAdjust, nullptr, nullptr});
  registerSign("flattened diaphragm", {flattenedAdjust, nullptr, nullptr});
  registerSign("hiatal hernia", {nullptr, hiatalHerniaDraw, nullptr});
  registerSign("diaphragmatic hernia", {nullptr, diaphragmaticHerniaDraw, nullptr});
  registerSign("pneumoperitoneum", {nullptr, pneumoperitoneumDraw, nullptr});
  registerSign("colonic interposition", {nullptr, colonicInterpositionDraw, nullptr});
  registerSign("gallstones", {nullptr, gallstonesDraw, nullptr});
  registerSign("scoliosis", {scoliosisAdjust, nullptr, nullptr});
  registerSign("kyphosis", {kyphosisAdjust, nullptr, nullptr});
  for (const char* name : {"degenerative spine", "osteophytes", "spondylosis", "arthritis",
                           "diffuse idiopathic skeletal hyperostosis"})
    registerSign(name, {nullptr, degenerativeSpineDraw, nullptr});
  registerSign("degenerative shoulder", {nullptr, degenerativeShoulderDraw, nullptr});
  registerSign("osteopenia", {osteopeniaAdjust, nullptr, nullptr});
  registerSign("bone sclerosis", {nullptr, boneSclerosisDraw, nullptr});
  registerSign("vertebral fracture", {nullptr, vertebralFractureDraw, nullptr});
  registerSign("vertebral deformity", {nullptr, vertebralFractureDraw, nullptr});
  registerSign("rib fracture", {nullptr, ribFractureDraw, nullptr});
  registerSign("rib deformity", {nullptr, ribDeformityDraw, nullptr});
  registerSign("clavicle fracture", {nullptr, clavicleFractureDraw, nullptr});
  registerSign("clavicle deformity", {nullptr, clavicleDeformityDraw, nullptr});
  registerSign("humerus fracture", {nullptr, humerusFractureDraw, nullptr});
  registerSign("pectus excavatum", {pectusAdjust, pectusDraw, nullptr});
  registerSign("nipple shadow", {nullptr, nippleDraw, nullptr});
  registerSign("breast implants", {nullptr, breastImplantsDraw, nullptr});
  registerSign("mastectomy", {nullptr, mastectomyDraw, nullptr});
  registerSign("subcutaneous emphysema", {nullptr, subcutaneousEmphysemaDraw, nullptr});
  registerSign("limited study", {limitedStudyAdjust, nullptr, nullptr});
  registerSign("contrast", {nullptr, contrastDraw, nullptr});
}

}  // namespace mcr::synth::detail
