#include <gtest/gtest.h>

#include <algorithm>

#include "SynthTestSupport.h"
#include "mcr/synth/Phantom.h"

using namespace mcr::synth;
using namespace mcr::synth::test;

TEST(Phantom, SameSeedsGiveTheSamePixels) {
  const FindingSet f = parseFindingList("cardiomegaly/mild;opacity/lung/base/left");
  const Phantom a = renderPhantom(f, 11, 12, {256});
  const Phantom b = renderPhantom(f, 11, 12, {256});
  EXPECT_EQ(a.pixels, b.pixels);
  const Phantom otherStudy = renderPhantom(f, 11, 13, {256});
  const Phantom otherPatient = renderPhantom(f, 14, 12, {256});
  EXPECT_NE(a.pixels, otherStudy.pixels);
  EXPECT_NE(a.pixels, otherPatient.pixels);
}

TEST(Phantom, TwelveBitsAndTheRequestedSize) {
  const Phantom p = renderPhantom({}, 3, 3, {200});
  ASSERT_EQ(p.size, 200);
  ASSERT_EQ(p.pixels.size(), 200u * 200u);
  EXPECT_LE(*std::max_element(p.pixels.begin(), p.pixels.end()), kMaxPixelValue);
  EXPECT_THROW(renderPhantom({}, 1, 1, {16}), std::invalid_argument);
  const auto img = toGrayImage(p);
  EXPECT_EQ(img.width, 200);
  EXPECT_LE(*std::max_element(img.pixels.begin(), img.pixels.end()), 1.0f);
}

// Lungs dark, mediastinum and abdomen bright, air outside the body darkest: a radiograph.
TEST(Phantom, LooksLikeAChestRadiograph) {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    const Phantom p = renderPhantom({}, seed, seed, {256});
    const Anatomy& a = p.anatomy;
    const double lungs = 0.5 * (meanIn(p, lungBox(a, 0)) + meanIn(p, lungBox(a, 1)));
    const double mediastinum = meanIn(p, {a.cx - 0.02, a.apexY + 0.1, a.cx + 0.02, a.carinaY});
    const double heart = meanIn(p, {a.heartCenterX - 0.03, a.heartCenterY - 0.02, a.heartCenterX + 0.03, a.heartCenterY + 0.02});
    const double abdomen = meanIn(p, {a.cx - 0.1, 0.85, a.cx + 0.1, 0.95});
    EXPECT_LT(lungs + 400, mediastinum) << seed;
    EXPECT_LT(lungs + 400, heart) << seed;
    EXPECT_LT(lungs + 400, abdomen) << seed;
    EXPECT_GT(a.cardiothoracicRatio(), 0.35);
    EXPECT_LT(a.cardiothoracicRatio(), 0.5);
  }
}

TEST(Phantom, AnatomyVariesBetweenPatients) {
  const Anatomy a = sampleAnatomy(1), b = sampleAnatomy(2);
  EXPECT_NE(a.heartHalfWidth, b.heartHalfWidth);
  EXPECT_NE(a.domeY[0], b.domeY[0]);
  EXPECT_EQ(sampleAnatomy(1).heartHalfWidth, a.heartHalfWidth);
}

TEST(Phantom, UnknownFindingsAreListedNotDrawn) {
  const Phantom plain = renderPhantom({}, 5, 5, {128});
  const Phantom p = renderPhantom(parseFindingList("pectus carinatum;cardiomegaly"), 5, 5, {128});
  ASSERT_EQ(p.unrendered.size(), 1u);
  EXPECT_EQ(p.unrendered[0].name, "pectus carinatum");
  ASSERT_EQ(p.rendered.size(), 1u);
  const Phantom onlyKnown = renderPhantom(parseFindingList("cardiomegaly"), 5, 5, {128});
  EXPECT_EQ(p.pixels, onlyKnown.pixels);  // the unknown term left no trace
  EXPECT_NE(p.pixels, plain.pixels);
}
