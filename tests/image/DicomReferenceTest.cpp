// Every file of the real test collections, decoded by mcr_image and by DCMTK's command
// line renderers (separate processes, run now): where DCMTK can render a file, our pixels
// must match its rendering under the same VOI choice; where it cannot, we must throw a
// typed DecodeError.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "TestSupport.h"
#include "mcr/image/DicomImageDecoder.h"

namespace mcr::image {
namespace {

using test::Rendering;

// 16-bit output of the same DCMTK pipeline: only the printed precision of +Ww differs.
constexpr double kPixelTolerance = 2.0 / 65535.0;

std::string formatDouble(double v) {
  std::ostringstream s;
  s << std::setprecision(17) << v;
  return s.str();
}

// The VOI choice the file calls for, read with dcmdump rather than our decoder: its first
// VOI LUT if it has one, else its first window if that window is valid (width >= 1,
// PS3.3 C.11.2.1.2), else none (percentiles).
std::string expectedWindowSource(const std::map<std::string, std::string>& dump) {
  if (dump.count("0028,3010")) return "voi-lut";
  if (auto width = dump.find("0028,1051"); width != dump.end() && !width->second.empty()) {
    if (std::stod(width->second.substr(0, width->second.find('\\'))) >= 1.0) return "window";
  }
  return "percentile";
}

// Independent check of the percentile window on DCMTK's min-max rendering, which is a
// monotone function R of the modality values: the nearest-rank 1st and 99th percentiles
// of R bound the window, so pixels strictly darker than R(p1) must be black in our output,
// strictly brighter than R(p99) white, and pixels strictly between must be neither (up to
// 16-bit rounding at the window edges).
void expectPercentileWindow(const GrayImage& ours, const Rendering& minMax) {
  std::vector<std::uint16_t> sorted = minMax.values;
  std::sort(sorted.begin(), sorted.end());
  const double last = static_cast<double>(sorted.size() - 1);
  const std::uint16_t low = sorted[static_cast<std::size_t>(std::floor(0.01 * last))];
  const std::uint16_t high = sorted[static_cast<std::size_t>(std::ceil(0.99 * last))];
  std::size_t belowNotBlack = 0, aboveNotWhite = 0, insideClipped = 0, inside = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const std::uint16_t r = minMax.values[i];
    const float v = ours.pixels[i];
    if (r < low && v > 0.0f) ++belowNotBlack;
    if (r > high && v < 1.0f) ++aboveNotWhite;
    if (r > low && r < high) {
      ++inside;
      if (v <= 0.0f || v >= 1.0f) ++insideClipped;
    }
  }
  EXPECT_EQ(belowNotBlack, 0u) << "pixels below the 1st percentile not black";
  EXPECT_EQ(aboveNotWhite, 0u) << "pixels above the 99th percentile not white";
  EXPECT_LE(insideClipped, inside / 200) << "pixels between the percentiles clipped: " << insideClipped << " of " << inside;
}

class RealDicomFile : public ::testing::TestWithParam<std::string> {};

TEST_P(RealDicomFile, MatchesDcmtkRenderingOrFailsTyped) {
  MCR_REQUIRE_TEST_DATA();
  const std::string file = test::dataFile(GetParam());
  const std::optional<Rendering> minMax = test::renderWithDcmtk(file, {"+Wm"});
  if (!minMax) {
    try {
      decodeDicomFile(file);
      FAIL() << "no DCMTK tool renders " << GetParam() << ", yet it decoded";
    } catch (const DecodeError& e) {
      SUCCEED() << e.what();
    }
    return;
  }
  DecodedImage decoded;
  try {
    decoded = decodeDicomFile(file);
  } catch (const DecodeError& e) {
    FAIL() << minMax->tool << " renders " << GetParam() << " but we threw " << e.what();
  }
  const DecodeFacts& facts = decoded.facts;
  ASSERT_EQ(decoded.image.width, minMax->width);
  ASSERT_EQ(decoded.image.height, minMax->height);
  EXPECT_EQ(facts.columns, minMax->width);
  EXPECT_EQ(facts.rows, minMax->height);
  const auto dump = test::dumpValues(file, {"0002,0010", "0028,0004", "0028,0008", "0028,1051", "0028,3010"});
  EXPECT_EQ(facts.photometric, dump.count("0028,0004") ? dump.at("0028,0004") : "");
  if (dump.count("0002,0010")) {
    EXPECT_EQ(facts.transferSyntaxUid, dump.at("0002,0010"));
  }
  EXPECT_EQ(facts.inverted, facts.photometric == "MONOCHROME1");
  // Multi-frame files: frame 1 is what both sides rendered.
  EXPECT_EQ(facts.frames, dump.count("0028,0008") ? std::stoi(dump.at("0028,0008")) : 1);

  const bool colour = facts.photometric != "MONOCHROME1" && facts.photometric != "MONOCHROME2";
  EXPECT_EQ(facts.windowSource, colour ? "percentile" : expectedWindowSource(dump));

  std::vector<std::string> voi;
  if (facts.windowSource == "voi-lut") voi = {"+Wl", "1"};
  else if (facts.windowSource == "window") voi = {"+Wi", "1"};
  else voi = {"+Ww", formatDouble(facts.windowCenter), formatDouble(facts.windowWidth)};
  const std::optional<Rendering> reference = test::renderWithDcmtk(file, voi);
  ASSERT_TRUE(reference.has_value()) << "DCMTK rejected the VOI we report";
  EXPECT_LE(test::maxAbsDifference(decoded.image, *reference), kPixelTolerance) << "reference: " << reference->tool;
  if (facts.windowSource == "percentile") expectPercentileWindow(decoded.image, *minMax);
}

std::string testName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Collections, RealDicomFile, ::testing::ValuesIn(test::candidateFiles()), testName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RealDicomFile);  // no test data: nothing to instantiate

// The coverage the issue asks for: at least 15 decoded files over at least 6 transfer
// syntaxes, JPEG-LS and RLE among them (MONOCHROME1: DicomDerivedFilesTest).
TEST(RealDicomCoverage, DecodesEnoughFilesAndSyntaxes) {
  MCR_REQUIRE_TEST_DATA();
  std::map<std::string, int> perSyntax;
  int decoded = 0;
  for (const std::string& relative : test::candidateFiles()) {
    try {
      const DecodedImage d = decodeDicomFile(test::dataFile(relative));
      ++decoded;
      ++perSyntax[d.facts.transferSyntaxName];
    } catch (const DecodeError&) {
    }
  }
  std::ostringstream summary;
  for (const auto& [name, count] : perSyntax) summary << "\n  " << count << " x " << name;
  EXPECT_GE(decoded, 15) << summary.str();
  EXPECT_GE(perSyntax.size(), 6u) << summary.str();
  const auto has = [&](const std::string& part) {
    return std::any_of(perSyntax.begin(), perSyntax.end(), [&](const auto& kv) { return kv.first.find(part) != std::string::npos; });
  };
  EXPECT_TRUE(has("JPEG-LS")) << summary.str();
  EXPECT_TRUE(has("RLE")) << summary.str();
  EXPECT_TRUE(has("Deflated")) << summary.str();
  EXPECT_TRUE(has("Big Endian")) << summary.str();
  EXPECT_TRUE(has("JPEG Baseline")) << summary.str();
  EXPECT_TRUE(has("JPEG Lossless")) << summary.str();
  std::cout << decoded << " files decoded:" << summary.str() << "\n";
}

}  // namespace
}  // namespace mcr::image
