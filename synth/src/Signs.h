#pragma once
// Internal: anatomy drawing and the radiographic sign of each finding.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "Canvas.h"
#include "mcr/synth/Findings.h"
#include "mcr/synth/Phantom.h"
#include "mcr/synth/Random.h"

namespace mcr::synth::detail {

void drawAnatomy(Canvas& c, const Anatomy& a, std::uint64_t patientSeed);
void drawLungMarkings(Canvas& c, const Anatomy& a, std::uint64_t patientSeed);

// A sign: optionally changes the anatomy before it is drawn (cardiomegaly, a raised
// hemidiaphragm, scoliosis...), optionally draws into the layers afterwards. Either returns
// false when it cannot draw this finding's site (then the finding counts as unrendered).
struct Sign {
  bool (*adjust)(Anatomy&, const Finding&, const Qualifiers&, Rng&) = nullptr;
  bool (*draw)(Canvas&, const Anatomy&, const Finding&, const Qualifiers&, Rng&) = nullptr;
  bool (*supports)(const Finding&, const Qualifiers&) = nullptr;  // site check; null = any site
};
const Sign* findSign(const std::string& name);

// Registration helpers implemented per file.
void registerHeartSigns();
void registerPleuraSigns();
void registerLungSigns();
void registerAirSigns();
void registerBodySigns();
void registerDeviceSigns();
void registerSign(const std::string& name, Sign sign);

// Signs shared between files: perihilar haze and septal lines (oedema, heart failure),
// right paratracheal widening (adenopathy, paratracheal opacity).
void perihilarHaze(Canvas& c, const Anatomy& a, double strength, Rng& r);
void kerleyLines(Canvas& c, const Anatomy& a, int count, Rng& r);
bool paratrachealWidening(Canvas& c, const Anatomy& a, Rng& r);

// Shared geometry helpers.
struct Region {
  double x, y, rx, ry;
};
// The sides a finding applies to: {0}, {1} or {0, 1}. Unspecified picks one from rng.
std::vector<int> sidesOf(const Qualifiers& q, Rng& rng, bool unspecifiedMeansBoth = false);
// Centre and extent of a lung zone on one side.
Region zoneRegion(const Anatomy& a, int side, Zone zone);
double severityOr(const Qualifiers& q, double fallback);
// Lung membership 0..1 at a point (soft edge), the shape drawAnatomy used.
double lungMembership(const Anatomy& a, int side, double x, double y);
// The same with the ribcage half width at y already known (per-row loops).
double lungMembershipRow(const Anatomy& a, int side, double x, double y, double lateralHalf);

// Bone geometry shared by the anatomy and the bone signs.
constexpr int kRibCount = 10;
struct RibPath {
  double y0, start, end, arch, drop, halfThick;
  double y(double t) const { return y0 - arch * std::sin(3.14159265358979 * t * 0.85) + drop * t * t; }
  double x(double t) const { return start + (end - start) * t; }
};
RibPath ribPath(const Anatomy& a, int side, int k);
double clavicleStart(const Anatomy& a, int side);
double clavicleEnd(const Anatomy& a, int side);
double clavicleY(const Anatomy& a, double t);
double humerusX(const Anatomy& a, int side);
// Vertebra k (0 = first drawn, above the first rib): centre y and half height.
inline double vertebraHeight(const Anatomy& a) { return a.ribSpacing * 0.82; }
inline double vertebraCentreY(const Anatomy& a, int k) {
  return a.ribStartY - vertebraHeight(a) * 3 + k * vertebraHeight(a) + vertebraHeight(a) * 0.47;
}

}  // namespace mcr::synth::detail
