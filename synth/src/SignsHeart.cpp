// Signs of the heart, great vessels, hila and mediastinum.
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

}  // namespace

void registerHeartSigns() {
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
}

}  // namespace mcr::synth::detail
