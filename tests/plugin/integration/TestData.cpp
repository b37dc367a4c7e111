#include "TestData.h"

#include <unistd.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <map>
#include <memory>
#include <stdexcept>

#include "IntegrationPaths.h"
#include "OrthancServer.h"

namespace mcr::test {

namespace {

// Removes the temporary root when the process ends (kept with MCR_KEEP_TEST_DIR=1).
struct Cleanup {
  fs::path root;
  ~Cleanup() {
    if (!std::getenv("MCR_KEEP_TEST_DIR")) {
      std::error_code ec;
      fs::remove_all(root, ec);
    }
  }
};

fs::path processRoot() {
  static const fs::path root = [] {
    fs::path base = fs::temp_directory_path() / ("mcr-plugin-it-" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base);
    return base;
  }();
  static const Cleanup cleanup{root};  // a copy: destroyed independently of `root`
  return root;
}

std::unique_ptr<TestData> g_data;

}  // namespace

fs::path scratchDir(const std::string& name) {
  fs::path dir = processRoot() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

int TestData::totalImages() const {
  int n = 0;
  for (const auto& s : studies) n += s.images;
  return n;
}
int TestData::totalReports() const {
  int n = 0;
  for (const auto& s : studies) n += s.reports;
  return n;
}
std::vector<fs::path> TestData::filesOf(std::size_t first, std::size_t count) const {
  std::vector<fs::path> out;
  for (std::size_t i = first; i < std::min(studies.size(), first + count); ++i)
    out.insert(out.end(), studies[i].files.begin(), studies[i].files.end());
  return out;
}

const TestData& testData(int studies) {
  if (g_data) return *g_data;
  auto data = std::make_unique<TestData>();
  data->root = processRoot() / "data";
  fs::create_directories(data->root);
  const fs::path log = data->root / "tools.log";
  const fs::path synthOut = data->root / "synth";
  if (run({MCR_SYNTH_BIN, "--grammar", std::to_string(studies), "--out", synthOut.string(), "--format", "dicom",
           "--seed", "7", "--size", "128"},
          log) != 0)
    throw std::runtime_error("mcr-synth failed:\n" + readFile(log));
  data->bundle = data->root / "tiny.bundle";
  if (run({MCR_TRAIN_BIN, "init", "--config", "tiny", "--corpus", (synthOut / "manifest.csv").string(), "--out",
           data->bundle.string()},
          log) != 0)
    throw std::runtime_error("mcr-train init failed:\n" + readFile(log));

  std::map<std::string, SynthStudy> byUid;
  for (const auto& entry : fs::recursive_directory_iterator(synthOut)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".dcm") continue;
    DcmFileFormat file;
    if (file.loadFile(entry.path().c_str()).bad()) continue;
    OFString uid, modality;
    file.getDataset()->findAndGetOFString(DCM_StudyInstanceUID, uid);
    file.getDataset()->findAndGetOFString(DCM_Modality, modality);
    SynthStudy& study = byUid[uid.c_str()];
    study.studyInstanceUid = uid.c_str();
    study.files.push_back(entry.path());
    if (modality == "SR") {
      ++study.reports;
      study.reportFiles.push_back(entry.path());
    } else {
      ++study.images;
      study.imageFiles.push_back(entry.path());
    }
  }
  for (auto& [uid, study] : byUid) data->studies.push_back(std::move(study));
  if (data->studies.empty()) throw std::runtime_error("mcr-synth produced no DICOM files in " + synthOut.string());
  g_data = std::move(data);
  return *g_data;
}

}  // namespace mcr::test
