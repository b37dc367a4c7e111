#include "ServiceFixture.h"

#include <fstream>
#include <sstream>

#include "mcr/synth/Csv.h"
#include "mcr/synth/Synthesizer.h"

namespace mcr::plugin::testing {

namespace fs = std::filesystem;

namespace {
std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

const std::vector<SynthStudy>& synthStudies() {
  static const std::vector<SynthStudy> studies = [] {
    const fs::path dir = fs::temp_directory_path() / ("mcr-service-studies-" + std::to_string(::getpid()));
    synth::SynthOptions options;
    options.outDir = dir.string();
    options.size = 256;
    options.seed = 7;
    options.threads = 2;
    synth::synthesize(synth::studiesFromGrammar(12, 7), options);
    const synth::CsvTable table = synth::readCsvFile((dir / "manifest.csv").string());
    std::vector<SynthStudy> out;
    for (const auto& row : table.rows) {
      const auto& f = row.fields;
      out.push_back(SynthStudy{f[static_cast<std::size_t>(table.column("study_id"))],
                               f[static_cast<std::size_t>(table.column("patient_id"))],
                               f[static_cast<std::size_t>(table.column("findings"))],
                               readFile(dir / f[static_cast<std::size_t>(table.column("image_path"))]),
                               readFile(dir / f[static_cast<std::size_t>(table.column("report_path"))])});
    }
    fs::remove_all(dir);
    return out;
  }();
  return studies;
}

void ServiceFixture::SetUp() {
  indexDir_ = fs::temp_directory_path() /
              ("mcr-service-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(indexDir_);
  config_.modelPath = MCR_TINY_BUNDLE;
  config_.indexDirectory = indexDir_.string();
  config_.device = "cpu";
  config_.threads = 2;
  config_.batchSize = 8;
  config_.changesBatch = 10;
  restart();
}

void ServiceFixture::restart() {
  worker_.reset();
  context_ = std::make_unique<PluginContext>(config_, orthanc_, coreDicomDecoder());
  worker_ = std::make_unique<IngestWorker>(*context_);
  loadServingModel(*context_);
  ASSERT_TRUE(context_->serving.current()) << context_->serving.unavailableReason();
}

void ServiceFixture::TearDown() {
  worker_.reset();
  context_.reset();
  fs::remove_all(indexDir_);
}

void ServiceFixture::storeStudy(std::size_t i, const std::string& tag) {
  const SynthStudy& s = synthStudies().at(i);
  orthanc_.store(FakeInstance{imageId(i, tag), "series-img-" + tag + std::to_string(i), studyId(i, tag), patientId(i),
                              "DX", "20260101", "2.25." + std::to_string(1000 + i), s.imageDicom});
  orthanc_.store(FakeInstance{reportId(i, tag), "series-rep-" + tag + std::to_string(i), studyId(i, tag), patientId(i),
                              "SR", "20260101", "2.25." + std::to_string(2000 + i), s.reportDicom});
}

void ServiceFixture::drain(const std::deque<ChangeNotice>& notices) {
  bool more = worker_->processOnce(notices);
  for (int round = 0; more && round < 1000; ++round) more = worker_->processOnce({});
  ASSERT_FALSE(more) << "the worker did not drain /changes";
}

}  // namespace mcr::plugin::testing
