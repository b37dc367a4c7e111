#pragma once
// A procedural frontal (PA) chest radiograph: anatomy varied per patient from a seed, the
// findings of a FindingSet drawn as radiographic signs, nothing else in the pixels.
//
// Coordinates are normalised to the image: x in [0,1] to the right of the viewer (the
// patient's LEFT, as a PA radiograph is displayed), y in [0,1] downwards. Index 0 of the
// per-side arrays is the patient's right (image left), index 1 the patient's left.
#include <cstdint>
#include <vector>

#include "mcr/image/GrayImage.h"
#include "mcr/synth/Findings.h"

namespace mcr::synth {

constexpr int kBitsStored = 12;
constexpr int kMaxPixelValue = (1 << kBitsStored) - 1;
constexpr double kFieldOfViewMm = 400.0;  // the image width in patient millimetres

struct Anatomy {
  double cx = 0.5;             // midline
  double rotationDeg = 0;      // applied to the whole projection at the end
  double thoraxHalfWidth = 0.34;   // inner ribcage half width at the costophrenic angles
  double ribcageBaseY = 0.72;      // where the ribcage reaches thoraxHalfWidth (fixed per patient)
  double bodyHalfWidth = 0.41;
  double apexY = 0.115;        // lung apices
  double domeY[2] = {0.64, 0.66};   // top of each hemidiaphragm
  double domeX[2] = {0.36, 0.64};
  double domeCurvature[2] = {1.5, 1.5};
  double heartHalfWidth = 0.15;    // half the transverse cardiac diameter
  double heartCenterX = 0.55;
  double heartCenterY = 0.56;
  double heartHalfHeight = 0.11;
  double mediastinumRight = 0.048;  // half widths of the superior mediastinum from the midline
  double mediastinumLeft = 0.042;
  double knobX = 0.55, knobY = 0.275, knobRadius = 0.03;  // aortic knob
  double hilumX[2] = {0.395, 0.6};
  double hilumY[2] = {0.40, 0.385};
  double carinaY = 0.33;
  double spineHalfWidth = 0.035;
  double scoliosisAmplitude = 0;   // lateral deviation of the spine, image units
  double scoliosisPhase = 0;
  double kyphosis = 0;             // 0..1: steeper, crowded ribs
  double ribSpacing = 0.057;
  double ribStartY = 0.105;
  double airFraction = 0.85;       // lung aeration
  double vesselScale = 1.0;        // lung markings
  double boneScale = 1.0;          // bone mineral (osteopenia lowers it)
  double softTissue = 1.0;
  bool female = false;
  double breastSize = 0;
  double mediastinalShift = 0;     // + towards the patient's left
  // Acquisition.
  double exposure = 1.6;
  double gamma = 1.0;
  double noise = 0.01;
  double blurPx = 0.8;             // at 512 px; scaled with the image size
  double collimation[4] = {0, 0, 0, 0};  // unexposed margins: left, top, right, bottom

  double diaphragmY(int side, double x) const;  // top of the hemidiaphragm at x
  double lateralHalfWidth(double y) const;      // ribcage inner half width at y
  double costophrenicY(int side) const;
  double spineX(double y) const;
  double cardiothoracicRatio() const { return heartHalfWidth / thoraxHalfWidth; }
  double sideSign(int side) const { return side == 0 ? -1.0 : 1.0; }
};

// Anatomy of one synthetic patient (same seed -> same patient).
Anatomy sampleAnatomy(std::uint64_t patientSeed);

struct RenderOptions {
  int size = 512;  // square image, 64..4096
};

struct Phantom {
  int size = 0;
  std::vector<std::uint16_t> pixels;  // row-major, 12 bits stored, MONOCHROME2 (0 = black)
  Anatomy anatomy;                    // after the findings changed it
  FindingSet rendered;                // findings whose sign was drawn
  FindingSet unrendered;              // findings the phantom cannot draw (unknown or unsupported site)
};

// Same arguments -> same pixels. patientSeed fixes the anatomy, studySeed the acquisition
// (exposure, noise, positioning) and the random parts of the signs.
Phantom renderPhantom(const FindingSet& findings, std::uint64_t patientSeed, std::uint64_t studySeed,
                      const RenderOptions& options = {});

// Whether renderPhantom would draw this finding (its name has a sign and its site is supported).
bool canRender(const Finding& finding);

// [0,1] image (MONOCHROME2 sense) for PNG output and models.
mcr::image::GrayImage toGrayImage(const Phantom& phantom);

}  // namespace mcr::synth
