// Each finding changes the image where its sign belongs and not elsewhere: the same
// patient and study seeds with and without the finding share every pixel that the sign
// does not touch (noise included), so "elsewhere" is compared exactly.
#include <gtest/gtest.h>

#include "SynthTestSupport.h"
#include "mcr/synth/Phantom.h"

using namespace mcr::synth;
using namespace mcr::synth::test;

namespace {

constexpr int kSize = 256;
constexpr std::uint64_t kPatient = 21, kStudy = 22;

Phantom render(const std::string& findings, std::uint64_t patient = kPatient) {
  return renderPhantom(parseFindingList(findings), patient, kStudy, {kSize});
}

}  // namespace

TEST(Signs, RightEffusionRaisesRightCostophrenicDensityOnly) {
  for (std::uint64_t patient : {21u, 31u, 41u}) {
    const Phantom base = render("", patient), fx = render("pleural effusion/right/moderate", patient);
    const Anatomy& a = base.anatomy;
    EXPECT_GT(meanIn(fx, costophrenicBox(a, 0)), meanIn(base, costophrenicBox(a, 0)) + 200) << patient;
    EXPECT_EQ(meanAbsDiff(fx, base, costophrenicBox(a, 1)), 0.0) << patient;
    EXPECT_EQ(meanAbsDiff(fx, base, lungBox(a, 1)), 0.0) << patient;
  }
}

TEST(Signs, LeftEffusionIsTheMirrorImage) {
  const Phantom base = render(""), fx = render("pleural effusion/left/small");
  const Anatomy& a = base.anatomy;
  EXPECT_GT(meanIn(fx, costophrenicBox(a, 1)), meanIn(base, costophrenicBox(a, 1)) + 150);
  EXPECT_EQ(meanAbsDiff(fx, base, costophrenicBox(a, 0)), 0.0);
}

TEST(Signs, EffusionGrowsWithSeverity) {
  const Phantom base = render("");
  const Box box = costophrenicBox(base.anatomy, 0);
  const double small = meanIn(render("pleural effusion/right/small"), box);
  const double large = meanIn(render("pleural effusion/right/large"), box);
  EXPECT_GT(large, small);
  EXPECT_GT(small, meanIn(base, box));
}

TEST(Signs, CardiomegalyWidensTheMeasuredHeartShadow) {
  for (std::uint64_t patient : {21u, 31u, 41u}) {
    const Phantom base = render("", patient);
    const double normal = measuredHeartWidth(base);
    const double mild = measuredHeartWidth(render("cardiomegaly/mild", patient));
    const double severe = measuredHeartWidth(render("cardiomegaly/severe", patient));
    EXPECT_GT(mild, normal + 0.02) << patient;
    EXPECT_GT(severe, mild + 0.02) << patient;
    // Cardiothoracic ratio from the pixels: normal under 0.5, enlarged over it.
    const double thorax = 2 * base.anatomy.thoraxHalfWidth;
    EXPECT_LT(normal / thorax, 0.52) << patient;
    EXPECT_GT(severe / thorax, 0.55) << patient;
    // The lateral lungs are untouched.
    EXPECT_EQ(meanAbsDiff(base, render("cardiomegaly/severe", patient), upperLateralBox(base.anatomy, 0)), 0.0);
  }
}

TEST(Signs, PneumothoraxRemovesMarkingsOnItsSide) {
  const Phantom base = render(""), fx = render("pneumothorax/left/moderate");
  const Anatomy& a = base.anatomy;
  // The space between the collapsed lung and the lateral chest wall of the upper zone.
  const double y = a.apexY + 0.15, wall = a.lateralHalfWidth(y);
  const Box gap{a.cx + wall - 0.035, y - 0.04, a.cx + wall - 0.01, y + 0.04};
  // Lucent and without markings: darker, and nowhere brighter than before (markings gone,
  // air added).
  EXPECT_LT(meanIn(fx, gap), meanIn(base, gap) - 20);
  long brighter = 0, total = 0;
  for (int y = static_cast<int>(gap.y0 * kSize); y < static_cast<int>(gap.y1 * kSize); ++y)
    for (int x = static_cast<int>(gap.x0 * kSize); x < static_cast<int>(gap.x1 * kSize); ++x, ++total)
      brighter += fx.pixels[static_cast<std::size_t>(y) * kSize + x] > base.pixels[static_cast<std::size_t>(y) * kSize + x] + 20;
  EXPECT_LT(brighter, total / 20);
  EXPECT_EQ(meanAbsDiff(fx, base, lungBox(a, 0)), 0.0);
}

TEST(Signs, PacemakerAddsMetalInTheLeftUpperChest) {
  const Phantom base = render(""), fx = render("pacemaker/left");
  const Anatomy& a = base.anatomy;
  const Box pocket{a.cx + a.thoraxHalfWidth * 0.35, a.apexY + 0.03, a.cx + a.thoraxHalfWidth * 0.9, a.apexY + 0.22};
  auto saturated = [&](const Phantom& p) {
    long n = 0;
    for (auto v : p.pixels) n += v > 0.93 * kMaxPixelValue;
    return n;
  };
  EXPECT_GT(meanIn(fx, pocket), meanIn(base, pocket) + 100);
  EXPECT_GT(saturated(fx), saturated(base) + 50);
  EXPECT_EQ(meanAbsDiff(fx, base, costophrenicBox(a, 0)), 0.0);
}

TEST(Signs, OpacityInTheNamedZone) {
  const Phantom base = render(""), fx = render("consolidation/lung/upper lobe/right");
  const Anatomy& a = base.anatomy;
  const Box upperRight{a.cx - a.thoraxHalfWidth * 0.85, a.apexY + 0.05, a.cx - a.thoraxHalfWidth * 0.25, a.apexY + 0.25};
  EXPECT_GT(meanIn(fx, upperRight), meanIn(base, upperRight) + 150);
  EXPECT_EQ(meanAbsDiff(fx, base, lungBox(a, 1)), 0.0);
  EXPECT_EQ(meanAbsDiff(fx, base, costophrenicBox(a, 0)), 0.0);
}

TEST(Signs, EmphysemaEnlargesTheDarkLungs) {
  const Phantom base = render(""), fx = render("emphysema/severe");
  auto darkPixels = [](const Phantom& p) {
    long n = 0;
    for (int y = p.size / 8; y < p.size; ++y)
      for (int x = p.size / 8; x < p.size * 7 / 8; ++x) n += p.pixels[static_cast<std::size_t>(y) * p.size + x] < 1400;
    return n;
  };
  EXPECT_GT(darkPixels(fx), darkPixels(base) * 1.1);
  EXPECT_GT(fx.anatomy.domeY[0], base.anatomy.domeY[0] + 0.03);  // flat, low diaphragm
}

TEST(Signs, ElevatedRightHemidiaphragmBrightensTheRightBaseOnly) {
  const Phantom base = render(""), fx = render("elevated hemidiaphragm/right");
  const Anatomy& a = base.anatomy;
  EXPECT_GT(meanIn(fx, costophrenicBox(a, 0)), meanIn(base, costophrenicBox(a, 0)) + 150);
  EXPECT_EQ(meanAbsDiff(fx, base, costophrenicBox(a, 1)), 0.0);
}

// Every canonical finding changes the image; a sided one changes (almost) only its side.
TEST(Signs, EveryFindingLeavesASignOnItsSide) {
  const Phantom base = render("");
  const std::vector<std::string> sided = {
      "pleural effusion", "blunted costophrenic angle", "pleural thickening", "pneumothorax", "hydropneumothorax",
      "opacity", "airspace disease", "infiltrate", "consolidation", "pneumonia", "atelectasis", "scarring", "nodule", "mass",
      "calcified granuloma", "granuloma", "cavitary lesion", "hyperlucent lung", "bulla", "cyst", "lucency",
      "elevated hemidiaphragm", "rib fracture", "rib deformity", "clavicle fracture", "clavicle deformity", "humerus fracture",
      "degenerative shoulder", "shoulder prosthesis", "chest tube", "nipple shadow", "mastectomy", "surgical sutures",
      "hilar enlargement"};
  for (const auto& name : canonicalFindingNames()) {
    const bool isSided = std::find(sided.begin(), sided.end(), name) != sided.end();
    for (const char* side : {"right", "left"}) {
      if (!isSided && std::string(side) == "left") continue;
      const std::string finding = isSided ? name + "/" + side : name;
      const Phantom fx = render(finding);
      ASSERT_EQ(fx.rendered.size(), 1u) << finding;
      double rightShare = 0;
      const long changed = changedPixelsWithSide(fx, base, 40, rightShare);
      EXPECT_GT(changed, 8) << finding << ": no visible sign";
      if (isSided) {
        if (std::string(side) == "right") EXPECT_GT(rightShare, 0.85) << finding;
        else EXPECT_LT(rightShare, 0.15) << finding;
      }
    }
  }
}
