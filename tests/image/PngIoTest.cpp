// PNG I/O: our own writer round trip, and 16-bit gray and 8-bit RGB PNGs written by
// DCMTK's dcm2pnm compared with its PGM rendering of the same DICOM file.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "TestSupport.h"
#include "mcr/image/DicomImageDecoder.h"
#include "mcr/image/ImageOps.h"

namespace mcr::image {
namespace {

TEST(PngIo, EightBitRoundTrip) {
  GrayImage img;
  img.width = 5;
  img.height = 3;
  for (int i = 0; i < 15; ++i) img.pixels.push_back(i / 14.0f);
  img.pixels[3] = -0.5f;  // clamped to black
  img.pixels[4] = 7.0f;   // clamped to white
  const std::string path = test::scratchDir() + "/roundtrip.png";
  savePng(img, path);
  const GrayImage back = loadPng(path);
  ASSERT_EQ(back.width, 5);
  ASSERT_EQ(back.height, 3);
  for (int i = 0; i < 15; ++i) {
    const float expected = i == 3 ? 0.0f : i == 4 ? 1.0f : img.pixels[i];
    EXPECT_NEAR(back.pixels[i], expected, 0.5 / 255 + 1e-6) << i;
  }
}

TEST(PngIo, SixteenBitGrayMatchesDcmtk) {
  MCR_REQUIRE_TEST_DATA();
  const std::string dicom = test::dataFile("pydicom/CT_small.dcm");
  const std::string png = test::scratchDir() + "/ct16.png";
  ASSERT_EQ(test::runProgram({MCR_DCM2PNM, "-q", "+Wm", "+on2", dicom, png}), 0);
  const auto pgm = test::renderWithDcmtk(dicom, {"+Wm"});
  ASSERT_TRUE(pgm.has_value());
  const GrayImage decoded = loadPng(png);
  EXPECT_LE(test::maxAbsDifference(decoded, *pgm), 1e-6);
}

TEST(PngIo, RgbBecomesLuminance) {
  MCR_REQUIRE_TEST_DATA();
  const std::string dicom = test::dataFile("pydicom/SC_rgb_small_odd.dcm");
  const std::string png = test::scratchDir() + "/rgb.png";
  ASSERT_EQ(test::runProgram({MCR_DCM2PNM, "-q", "+on", dicom, png}), 0);  // 24-bit colour
  const auto gray = test::renderWithDcmtk(dicom, {});                     // DCMTK's own luminance
  ASSERT_TRUE(gray.has_value());
  // Both sides round: the PNG's 8-bit RGB, DCMTK's integer luminance.
  EXPECT_LE(test::maxAbsDifference(loadPng(png), *gray), 1.5 / 255);
}

TEST(PngIo, DamagedInputGivesTypedErrors) {
  const unsigned char notPng[] = {'G', 'I', 'F', '8', '9', 'a', 0, 0, 0, 0};
  try {
    decodePngBuffer(notPng, sizeof notPng);
    ADD_FAILURE();
  } catch (const DecodeError& e) {
    EXPECT_EQ(e.code(), DecodeErrorCode::Corrupt);
  }
  GrayImage img;
  img.width = img.height = 16;
  img.pixels.assign(256, 0.5f);
  const std::string path = test::scratchDir() + "/cut.png";
  savePng(img, path);
  std::vector<std::uint8_t> bytes = test::readBytes(path);
  for (std::size_t cut : {8u, 20u, 33u, static_cast<unsigned>(bytes.size() / 2), static_cast<unsigned>(bytes.size() - 13)}) {
    EXPECT_THROW(decodePngBuffer(bytes.data(), cut), DecodeError) << "cut at " << cut;
  }
  try {
    loadPng("/nonexistent/mcr.png");
    ADD_FAILURE();
  } catch (const DecodeError& e) {
    EXPECT_EQ(e.code(), DecodeErrorCode::FileNotReadable);
  }
}

TEST(PngIo, OversizedHeaderIsBadDimensions) {
  GrayImage img;
  img.width = img.height = 4;
  img.pixels.assign(16, 0.25f);
  const std::string path = test::scratchDir() + "/big.png";
  savePng(img, path);
  std::vector<std::uint8_t> bytes = test::readBytes(path);
  // IHDR width is the big-endian uint32 at offset 16; the CRC no longer matches, which
  // stb does not check, so only the size check stands between us and a 20000-wide image.
  bytes[16] = 0;
  bytes[17] = 0;
  bytes[18] = 0x4E;
  bytes[19] = 0x20;
  try {
    decodePngBuffer(bytes.data(), bytes.size());
    ADD_FAILURE();
  } catch (const DecodeError& e) {
    EXPECT_EQ(e.code(), DecodeErrorCode::BadDimensions) << e.what();
  }
}

}  // namespace
}  // namespace mcr::image
