// Variants of real files made here with DCMTK's dcmodify: MONOCHROME1 (none of the
// collections has a MONOCHROME1 image with pixel data), absurd dimensions, bit depths and
// missing pixel data. Plus buffer/file equivalence and concurrent decoding.
#include <cmath>
#include <future>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "TestSupport.h"
#include "mcr/image/DicomImageDecoder.h"

namespace mcr::image {
namespace {

// A copy of `relative` modified by `dcmodify -nb <arguments>`.
std::string modifiedCopy(const std::string& relative, const std::string& name, const std::vector<std::string>& arguments) {
  const std::string copy = test::copyToScratch(test::dataFile(relative), name);
  std::vector<std::string> argv{MCR_DCMODIFY, "-nb", "-q"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  argv.push_back(copy);
  EXPECT_EQ(test::runProgram(argv), 0) << "dcmodify failed on " << relative;
  return copy;
}

// MONOCHROME1 says "high values are dark": the same pixels with the photometric
// interpretation flipped must decode to the complement, and match DCMTK's rendering.
TEST(DerivedFiles, Monochrome1IsInvertedToMonochrome2) {
  MCR_REQUIRE_TEST_DATA();
  for (const char* relative : {"pydicom/CT_small.dcm", "pydicom/MR_small.dcm", "dicom3tools/0051.dcm"}) {
    SCOPED_TRACE(relative);
    const std::string mono1 = modifiedCopy(relative, "mono1.dcm", {"-m", "(0028,0004)=MONOCHROME1"});
    const DecodedImage original = decodeDicomFile(test::dataFile(relative));
    const DecodedImage inverted = decodeDicomFile(mono1);
    EXPECT_EQ(original.facts.photometric, "MONOCHROME2");
    EXPECT_EQ(inverted.facts.photometric, "MONOCHROME1");
    EXPECT_TRUE(inverted.facts.inverted);
    EXPECT_EQ(inverted.facts.windowSource, original.facts.windowSource);
    EXPECT_DOUBLE_EQ(inverted.facts.windowCenter, original.facts.windowCenter);
    ASSERT_EQ(inverted.image.pixels.size(), original.image.pixels.size());
    double worst = 0;
    for (std::size_t i = 0; i < original.image.pixels.size(); ++i) {
      worst = std::max(worst, std::abs(1.0 - original.image.pixels[i] - inverted.image.pixels[i]));
    }
    EXPECT_LE(worst, 1.0 / 65535.0 + 1e-6);

    std::vector<std::string> voi{"+Wi", "1"};
    if (inverted.facts.windowSource == "percentile") {
      voi = {"+Ww", std::to_string(inverted.facts.windowCenter), std::to_string(inverted.facts.windowWidth)};
    }
    const auto reference = test::renderWithDcmtk(mono1, voi);
    ASSERT_TRUE(reference.has_value());
    EXPECT_LE(test::maxAbsDifference(inverted.image, *reference), 2.0 / 65535.0);
  }
}

void expectDerivedError(const std::string& relative, const std::vector<std::string>& change, DecodeErrorCode code) {
  SCOPED_TRACE(relative + " with " + change.back());
  const std::string copy = modifiedCopy(relative, "derived.dcm", change);
  try {
    decodeDicomFile(copy);
    ADD_FAILURE() << "decoded, expected " << toString(code);
  } catch (const DecodeError& e) {
    EXPECT_EQ(e.code(), code) << e.what();
  }
}

TEST(DerivedFiles, AbsurdDimensions) {
  MCR_REQUIRE_TEST_DATA();
  expectDerivedError("pydicom/CT_small.dcm", {"-m", "(0028,0010)=0"}, DecodeErrorCode::BadDimensions);
  expectDerivedError("pydicom/CT_small.dcm", {"-m", "(0028,0011)=0"}, DecodeErrorCode::BadDimensions);
  expectDerivedError("pydicom/CT_small.dcm", {"-m", "(0028,0010)=16385"}, DecodeErrorCode::BadDimensions);
  expectDerivedError("pydicom/MR_small_RLE.dcm", {"-m", "(0028,0011)=65535"}, DecodeErrorCode::BadDimensions);
  expectDerivedError("pydicom/CT_small.dcm", {"-e", "(0028,0010)"}, DecodeErrorCode::BadDimensions);
}

TEST(DerivedFiles, UnsupportedBitDepths) {
  MCR_REQUIRE_TEST_DATA();
  expectDerivedError("pydicom/CT_small.dcm", {"-m", "(0028,0100)=12"}, DecodeErrorCode::UnsupportedBitDepth);
  expectDerivedError("pydicom/CT_small.dcm", {"-m", "(0028,0101)=0"}, DecodeErrorCode::UnsupportedBitDepth);
  expectDerivedError("pydicom/CT_small.dcm", {"-m", "(0028,0101)=17"}, DecodeErrorCode::UnsupportedBitDepth);
  expectDerivedError("pydicom/CT_small.dcm", {"-m", "(0028,0100)=64"}, DecodeErrorCode::UnsupportedBitDepth);
  expectDerivedError("pydicom/MR_small.dcm", {"-m", "(0028,0002)=2"}, DecodeErrorCode::UnsupportedBitDepth);
}

TEST(DerivedFiles, MissingOrShortPixelData) {
  MCR_REQUIRE_TEST_DATA();
  expectDerivedError("pydicom/CT_small.dcm", {"-e", "(7fe0,0010)"}, DecodeErrorCode::NotAnImage);
  // Twice the rows for the same bytes: the first frame would need data that is not there.
  expectDerivedError("pydicom/CT_small.dcm", {"-m", "(0028,0010)=256"}, DecodeErrorCode::MissingPixelData);
}

// BitsStored is honoured: bits above it are not part of the pixel value. Declaring 12 of
// CT_small's 16 bits must change what we decode exactly as it changes DCMTK's rendering.
TEST(DerivedFiles, BitsStoredIsHonoured) {
  MCR_REQUIRE_TEST_DATA();
  const std::string copy = modifiedCopy("pydicom/CT_small.dcm", "bits12.dcm", {"-m", "(0028,0101)=12", "-m", "(0028,0102)=11"});
  const DecodedImage d = decodeDicomFile(copy);
  EXPECT_EQ(d.facts.bitsStored, 12);
  const auto reference = test::renderWithDcmtk(copy, {"+Ww", std::to_string(d.facts.windowCenter), std::to_string(d.facts.windowWidth)});
  ASSERT_TRUE(reference.has_value());
  EXPECT_LE(test::maxAbsDifference(d.image, *reference), 2.0 / 65535.0);
  EXPECT_NE(d.facts.windowWidth, decodeDicomFile(test::dataFile("pydicom/CT_small.dcm")).facts.windowWidth);
}

// None of the collections carries a VOI LUT: add a square-root LUT to MR_small (which
// also has a window) and check that the LUT is preferred and applied as DCMTK applies it.
TEST(DerivedFiles, VoiLutIsPreferredToTheWindow) {
  MCR_REQUIRE_TEST_DATA();
  std::vector<std::uint8_t> lut;
  for (int i = 0; i < 4096; ++i) {
    const auto v = static_cast<std::uint16_t>(std::lround(65535.0 * std::sqrt(i / 4095.0)));
    lut.push_back(static_cast<std::uint8_t>(v & 0xFF));
    lut.push_back(static_cast<std::uint8_t>(v >> 8));
  }
  const std::string lutFile = test::scratchDir() + "/sqrt.lut";
  test::writeBytes(lutFile, lut);
  const std::string copy = modifiedCopy("pydicom/MR_small.dcm", "voilut.dcm",
                                        {"-i", "(0028,3010)[0].(0028,3002)=4096\\0\\16", "-i",
                                         "(0028,3010)[0].(0028,3003)=SQRT", "-if", "(0028,3010)[0].(0028,3006)=" + lutFile});
  const DecodedImage withLut = decodeDicomFile(copy);
  EXPECT_EQ(withLut.facts.windowSource, "voi-lut");
  const auto reference = test::renderWithDcmtk(copy, {"+Wl", "1"});
  ASSERT_TRUE(reference.has_value());
  EXPECT_LE(test::maxAbsDifference(withLut.image, *reference), 2.0 / 65535.0);
  const DecodedImage withWindow = decodeDicomFile(test::dataFile("pydicom/MR_small.dcm"));
  EXPECT_EQ(withWindow.facts.windowSource, "window");
  EXPECT_NE(withLut.image.pixels, withWindow.image.pixels);
}

TEST(Decoding, BufferAndFileAgree) {
  MCR_REQUIRE_TEST_DATA();
  const std::string file = test::dataFile("pydicom/MR_small_jpeg_ls_lossless.dcm");
  const std::vector<std::uint8_t> bytes = test::readBytes(file);
  const DecodedImage a = decodeDicomFile(file);
  const DecodedImage b = decodeDicomBuffer(bytes.data(), bytes.size());
  EXPECT_EQ(a.image.pixels, b.image.pixels);
  EXPECT_EQ(a.facts.transferSyntaxUid, b.facts.transferSyntaxUid);
}

// Codec registration and decoding from several threads at once (the first decodes of
// this process, so the threads also race to register DCMTK's codecs) give the same
// pixels as decoding one after the other. Also run under TSan (label tsan).
TEST(Decoding, ConcurrentDecodesAgreeWithSequential) {
  MCR_REQUIRE_TEST_DATA();
  const std::vector<std::string> files = {"pydicom/MR_small_jpeg_ls_lossless.dcm", "pydicom/JPGExtended.dcm",
                                          "pydicom/MR_small_RLE.dcm", "pydicom/SC_rgb_jpeg_dcmtk.dcm",
                                          "pydicom/image_dfl.dcm", "gdcm/00191113.dcm"};
  std::vector<std::future<std::vector<float>>> running;
  for (int round = 0; round < 3; ++round) {
    for (const auto& f : files) {
      running.push_back(std::async(std::launch::async, [f] { return decodeDicomFile(test::dataFile(f)).image.pixels; }));
    }
  }
  std::vector<std::vector<float>> concurrent;
  for (auto& r : running) concurrent.push_back(r.get());
  for (std::size_t i = 0; i < concurrent.size(); ++i) {
    const std::string& f = files[i % files.size()];
    EXPECT_EQ(concurrent[i], decodeDicomFile(test::dataFile(f)).image.pixels) << f;
  }
}

}  // namespace
}  // namespace mcr::image
