#pragma once
// mcr-synth studies (CR image + SR report each) and an untrained tiny model bundle made by
// mcr-train init, generated once per test process.
#include <filesystem>
#include <string>
#include <vector>

namespace mcr::test {

namespace fs = std::filesystem;

struct SynthStudy {
  std::string studyInstanceUid;
  std::vector<fs::path> files;  // every DICOM file of the study
  std::vector<fs::path> imageFiles;
  std::vector<fs::path> reportFiles;
  int images = 0;               // CR/DX instances
  int reports = 0;              // SR instances
};

struct TestData {
  fs::path root;                // temporary folder of this process
  fs::path bundle;              // the tiny model
  std::vector<SynthStudy> studies;
  int totalImages() const;
  int totalReports() const;
  std::vector<fs::path> filesOf(std::size_t first, std::size_t count) const;
};

// Generates `studies` studies (first call only; later calls return the same data).
const TestData& testData(int studies);
// A fresh empty folder under the process's temporary root.
fs::path scratchDir(const std::string& name);

}  // namespace mcr::test
