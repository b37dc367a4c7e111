// mcr-model-bench step | embed. Prints Markdown tables for docs/benchmarks.md.
//   step:  MCR vs dual-stream, same model, batch and machine, in one run: time per step and
//          peak memory (RSS of a fresh child process per variant on the CPU; peak allocated
//          on CUDA).
//   embed: images/s and reports/s at batch 1 and 16 in fp32 and bf16, beside the measured
//          GEMM rate (fp32, bf16) of the same machine.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <sys/resource.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>

#ifdef MCR_HAVE_C10_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include "mcr/model/Embedder.h"
#include "mcr/model/Runtime.h"
#include "mcr/model/torch/Autocast.h"
#include "mcr/model/torch/BundleIO.h"
#include "mcr/model/torch/Runtime.h"

using namespace mcr;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::string> sampleReports(int n) {
  const std::vector<std::string> parts = {
      "FINDINGS: The heart is enlarged.", "There is a small right pleural effusion.", "No pneumothorax.",
      "A left chest wall pacemaker is present with leads in the right atrium and ventricle.",
      "Calcified granuloma in the right upper lobe.", "Degenerative changes of the thoracic spine.",
      "IMPRESSION: Cardiomegaly without acute disease.", "Lungs are clear bilaterally."};
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string r;
    for (int j = 0; j < 4 + i % 4; ++j) r += parts[static_cast<std::size_t>((i * 3 + j * 5) % parts.size())] + " ";
    out.push_back(r);
  }
  return out;
}

model::ModelConfig configFor(const std::string& preset, const tokenizer::Tokenizer& tok) {
  auto c = model::presetConfig(preset);
  c.vocabSize = static_cast<int>(tok.vocabSize());
  return c;
}

struct StepResult {
  double secondsPerStep = 0;
  double peakMiB = 0;
};

StepResult runSteps(const std::string& preset, model::Objective objective, int batch, int steps, const std::string& deviceName,
                    bool bf16) {
  auto tok = tokenizer::trainWordPiece(sampleReports(200), 4000);
  auto cfg = configFor(preset, *tok);
  const auto device = model::parseDevice(deviceName);
  auto net = model::makeModel(cfg, 1);
  net->to(device);
  torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(1e-4));
  model::TrainBatch b;
  b.images = torch::rand({batch, 1, cfg.imageSize, cfg.imageSize}).to(device);
  auto reports = sampleReports(batch);
  std::size_t longest = 0;
  std::vector<std::vector<int64_t>> ids;
  for (const auto& r : reports) {
    ids.push_back(tok->encode(r, static_cast<std::size_t>(cfg.maxTokens)));
    longest = std::max(longest, ids.back().size());
  }
  b.ids = torch::zeros({batch, static_cast<int64_t>(longest)}, torch::kLong);
  for (int i = 0; i < batch; ++i)
    for (std::size_t j = 0; j < ids[static_cast<std::size_t>(i)].size(); ++j) b.ids[i][static_cast<int64_t>(j)] = ids[static_cast<std::size_t>(i)][j];
  b.ids = b.ids.to(device);
  auto step = [&](int s) {
    auto masks = model::sampleMasks(cfg, b.ids, batch, static_cast<uint64_t>(s));
    opt.zero_grad();
    model::Losses l;
    {
      model::AutocastScope autocast(device, bf16);  // the trainer's own autocast scope
      l = net->losses(b, masks, objective);
    }
    l.total.backward();
    opt.step();
    (void)l.total.item<double>();  // synchronises a GPU
  };
  step(0);  // warm-up: allocator, oneDNN kernels
  const auto t0 = Clock::now();
  for (int s = 1; s <= steps; ++s) step(s);
  StepResult r;
  r.secondsPerStep = std::chrono::duration<double>(Clock::now() - t0).count() / steps;
#ifdef MCR_HAVE_C10_CUDA
  if (device.is_cuda()) {
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index());
    r.peakMiB = static_cast<double>(stats.allocated_bytes[0].peak) / (1024.0 * 1024.0);
    return r;
  }
#endif
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  r.peakMiB = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return r;
}

// Each variant in a fresh child process, so that peak RSS is its own.
StepResult inChild(const std::function<StepResult()>& work) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    StepResult r = work();
    if (write(fds[1], &r, sizeof r) != sizeof r) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  StepResult r;
  const auto got = read(fds[0], &r, sizeof r);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != sizeof r || !WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("benchmark child failed");
  return r;
}

double gemmGflops(torch::ScalarType dtype, const torch::Device& device, double seconds) {
  const int64_t n = device.is_cuda() ? 8192 : 1024;  // a GPU needs large products to reach its rate
  auto a = torch::randn({n, n}).to(device, dtype), b = torch::randn({n, n}).to(device, dtype);
  auto c = torch::mm(a, b);
  int reps = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    c = torch::mm(a, b);
    (void)c.sum().item<float>();
    ++reps;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  return 2.0 * n * n * n * reps / elapsed / 1e9;
}

template <typename F>
double perSecond(F&& call, int itemsPerCall, double seconds) {
  call();  // warm-up
  int calls = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds || calls < 3) {
    call();
    ++calls;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  return calls * itemsPerCall / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"MCR model benchmarks"};
  app.require_subcommand(1);
  std::string preset = "small", device = "cpu", precision = "auto", bundle;
  int batch = 32, steps = 10, threads = 0;
  double seconds = 5;
  auto* stepCmd = app.add_subcommand("step", "MCR vs dual-stream: time per step and peak memory");
  stepCmd->add_option("--config", preset)->capture_default_str();
  stepCmd->add_option("--batch", batch)->capture_default_str();
  stepCmd->add_option("--steps", steps)->capture_default_str();
  stepCmd->add_option("--device", device)->capture_default_str();
  stepCmd->add_option("--precision", precision, "auto, fp32 or bf16 (autocast)")->capture_default_str();
  stepCmd->add_option("--threads", threads);
  auto* embedCmd = app.add_subcommand("embed", "embedding throughput beside the GEMM rate");
  embedCmd->add_option("--config", preset, "untrained model of this size when no --model")->capture_default_str();
  embedCmd->add_option("--model", bundle, "bundle to measure (default: an untrained --config model)");
  embedCmd->add_option("--device", device)->capture_default_str();
  embedCmd->add_option("--seconds", seconds, "time per measurement")->capture_default_str();
  embedCmd->add_option("--threads", threads);
  CLI11_PARSE(app, argc, argv);

  const std::string cpuFacts = fmt::format("{} threads, CPU bf16: {}", threads > 0 ? std::to_string(threads) : "default",
                                           model::detectCpuBf16().describe());
  if (*stepCmd) {
    std::string why;
    auto work = [&](model::Objective o) {
      return [&, o] {
        if (threads > 0) torch::set_num_threads(threads);
        const auto dev = model::parseDevice(device);
        const bool bf16 = model::choosePrecision(dev, precision, why) == torch::kBFloat16;
        return runSteps(preset, o, batch, steps, device, bf16);
      };
    };
    // CUDA cannot survive fork(): measure in-process there (peak allocated resets per variant).
    const bool cuda = device != "cpu";
    auto mcr = cuda ? work(model::Objective::MCR)() : inChild(work(model::Objective::MCR));
#ifdef MCR_HAVE_C10_CUDA
    if (cuda) c10::cuda::CUDACachingAllocator::resetPeakStats(model::parseDevice(device).index());
#endif
    auto dual = cuda ? work(model::Objective::DualStream)() : inChild(work(model::Objective::DualStream));
    const char* mem = cuda ? "peak allocated MiB" : "peak RSS MiB";
    std::printf("config %s, batch %d, %d timed steps, device %s, precision %s (%s)\n\n", preset.c_str(), batch, steps,
                device.c_str(), precision.c_str(), cpuFacts.c_str());
    std::printf("| objective | s/step | %s |\n|---|---|---|\n", mem);
    std::printf("| MCR (masked only) | %.3f | %.0f |\n", mcr.secondsPerStep, mcr.peakMiB);
    std::printf("| dual-stream | %.3f | %.0f |\n", dual.secondsPerStep, dual.peakMiB);
    std::printf("| ratio MCR / dual-stream | %.2f | %.2f |\n", mcr.secondsPerStep / dual.secondsPerStep, mcr.peakMiB / dual.peakMiB);
    return 0;
  }

  if (threads > 0) torch::set_num_threads(threads);
  const auto dev = model::parseDevice(device);
  std::string path = bundle;
  if (path.empty()) {
    auto tok = tokenizer::trainWordPiece(sampleReports(200), 4000);
    auto net = model::makeModel(configFor(preset, *tok), 1);
    path = (std::filesystem::temp_directory_path() / fmt::format("mcr-bench-{}-{}.bundle", preset, ::getpid())).string();
    model::saveModelBundle(path, "bench-" + preset, net, *tok, "{}");
  }
  const double gemm32 = gemmGflops(torch::kFloat, dev, seconds), gemm16 = gemmGflops(torch::kBFloat16, dev, seconds);
  std::printf("device %s (%s), BLAS %s\n\nGEMM 1024x1024x1024: fp32 %.1f GFLOP/s, bf16 %.1f GFLOP/s\n\n", device.c_str(),
              cpuFacts.c_str(), model::loadedBlasLibraries().c_str(), gemm32, gemm16);
  std::printf("| precision | batch | images/s | reports/s |\n|---|---|---|---|\n");
  for (const char* prec : {"fp32", "bf16"}) {
    auto e = model::Embedder::load(path, device, prec);
    const int size = e->info().imageSize;
    for (int b : {1, 16}) {
      std::vector<image::GrayImage> imgs(static_cast<std::size_t>(b));
      for (auto& im : imgs) {
        im.width = im.height = size;
        im.pixels.resize(static_cast<std::size_t>(size) * size);
        for (std::size_t p = 0; p < im.pixels.size(); ++p) im.pixels[p] = static_cast<float>((p * 2654435761u) % 1000) / 1000.0f;
      }
      auto reports = sampleReports(b);
      const double ips = perSecond([&] { e->embedImages(imgs); }, b, seconds);
      const double rps = perSecond([&] { e->embedTexts(reports); }, b, seconds);
      std::printf("| %s | %d | %.1f | %.1f |\n", prec, b, ips, rps);
    }
  }
  if (bundle.empty()) std::filesystem::remove(path);
  return 0;
}
