// Embedder: the loaded bundle at inference. Whole inputs, no masking, L2-normalised output,
// under c10::InferenceMode, in the precision chosen at load.
#include "mcr/model/Embedder.h"

#include <cstdint>
#include <spdlog/spdlog.h>

#include <mutex>

#include "mcr/image/ImageOps.h"
#include "mcr/model/Runtime.h"
#include "mcr/model/torch/BundleIO.h"
#include "mcr/model/torch/Runtime.h"
#include "mcr/report/ReportText.h"

namespace mcr::model {
namespace {

constexpr std::size_t kMaxBatch = 32;  // bounds activation memory for large requests

Embeddings toEmbeddings(const torch::Tensor& t) {
  auto cpu = t.to(torch::kCPU, torch::kFloat).contiguous();
  Embeddings e;
  e.count = static_cast<std::size_t>(cpu.size(0));
  e.dim = static_cast<std::size_t>(cpu.size(1));
  e.values.assign(cpu.data_ptr<float>(), cpu.data_ptr<float>() + cpu.numel());
  return e;
}

void append(Embeddings& into, const Embeddings& part) {
  into.dim = part.dim;
  into.count += part.count;
  into.values.insert(into.values.end(), part.values.begin(), part.values.end());
}

class TorchEmbedder final : public Embedder {
 public:
  TorchEmbedder(LoadedModel loaded, torch::Device device, torch::ScalarType dtype)
      : loaded_(std::move(loaded)), model_(loaded_.model), device_(device), dtype_(dtype) {
    model_->to(device_, dtype_);
    model_->eval();
    const auto& c = loaded_.file.config;
    info_.fingerprint = loaded_.file.fingerprint;
    info_.name = loaded_.file.name;
    info_.embeddingDim = c.embeddingDim;
    info_.imageSize = c.imageSize;
    info_.maxTokens = c.maxTokens;
    info_.device = deviceName(device_);
    info_.precision = dtype_ == torch::kBFloat16 ? "bf16" : "fp32";
    info_.provenance = loaded_.file.provenance;
  }

  const BundleInfo& info() const override { return info_; }

  Embeddings embedImages(const std::vector<image::GrayImage>& images) const override {
    Embeddings out;
    out.dim = static_cast<std::size_t>(info_.embeddingDim);
    for (std::size_t start = 0; start < images.size(); start += kMaxBatch) {
      const std::size_t n = std::min(kMaxBatch, images.size() - start);
      auto batch = imageTensor(images, start, n);
      std::lock_guard<std::mutex> lock(mutex_);
      c10::InferenceMode guard;
      append(out, toEmbeddings(model_->embedImages(batch.to(device_, dtype_)).embedding));
    }
    return out;
  }

  Embeddings embedTexts(const std::vector<std::string>& texts) const override {
    Embeddings out;
    out.dim = static_cast<std::size_t>(info_.embeddingDim);
    for (std::size_t start = 0; start < texts.size(); start += kMaxBatch) {
      const std::size_t n = std::min(kMaxBatch, texts.size() - start);
      std::vector<std::vector<int64_t>> ids;
      std::size_t longest = 0;
      for (std::size_t i = 0; i < n; ++i) {
        // The model's input contract: queries arrive raw; stored report text is already
        // normalised and passes unchanged (idempotent, see mcr/report/ReportText.h).
        ids.push_back(loaded_.tokenizer->encode(report::normaliseReportText(texts[start + i]),
                                                static_cast<std::size_t>(info_.maxTokens)));
        longest = std::max(longest, ids.back().size());
      }
      auto batch = torch::full({static_cast<int64_t>(n), static_cast<int64_t>(longest)}, tokenizer::kPadId, torch::kLong);
      auto acc = batch.accessor<int64_t, 2>();
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < ids[i].size(); ++j) acc[i][j] = ids[i][j];
      std::lock_guard<std::mutex> lock(mutex_);
      c10::InferenceMode guard;
      append(out, toEmbeddings(model_->embedTexts(batch.to(device_)).embedding));
    }
    return out;
  }

  PatchFeatures embedImagePatches(const image::GrayImage& img) const override {
    auto batch = imageTensor({img}, 0, 1);
    std::lock_guard<std::mutex> lock(mutex_);
    c10::InferenceMode guard;
    auto tokens = model_->embedImages(batch.to(device_, dtype_)).tokens[0];
    PatchFeatures f;
    f.gridSize = loaded_.file.config.gridSize();
    f.patches = toEmbeddings(tokens);
    return f;
  }

 private:
  torch::Tensor imageTensor(const std::vector<image::GrayImage>& images, std::size_t start, std::size_t n) const {
    const int s = info_.imageSize;
    auto batch = torch::empty({static_cast<int64_t>(n), 1, s, s}, torch::kFloat);
    float* dst = batch.data_ptr<float>();
    for (std::size_t i = 0; i < n; ++i) {
      const auto& img = images[start + i];
      if (img.empty() || img.width <= 0 || img.height <= 0 ||
          img.pixels.size() != static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height))
        throw std::invalid_argument("image " + std::to_string(start + i) + " is empty or its pixel count does not match " +
                                    std::to_string(img.width) + "x" + std::to_string(img.height));
      const image::GrayImage boxed = (img.width == s && img.height == s) ? img : image::letterbox(img, s);
      std::copy(boxed.pixels.begin(), boxed.pixels.end(), dst + i * static_cast<std::size_t>(s) * s);
    }
    return batch;
  }

  LoadedModel loaded_;
  mutable MCRModel model_;  // forward() is not const in LibTorch; mutex_ serialises it
  torch::Device device_;
  torch::ScalarType dtype_;
  BundleInfo info_;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Embedder> Embedder::load(const std::string& bundlePath, const std::string& device,
                                         const std::string& precision) {
  torch::Device dev(torch::kCPU);
  torch::ScalarType dtype;
  std::string reason;
  try {
    dev = parseDevice(device);
    dtype = choosePrecision(dev, precision, reason);
  } catch (const std::invalid_argument& e) {
    throw BundleError(std::string("cannot load model: ") + e.what());
  }
  auto loaded = loadModelBundle(bundlePath);
  auto embedder = std::make_unique<TorchEmbedder>(std::move(loaded), dev, dtype);
  const auto& i = embedder->info();
  spdlog::info("mcr model '{}' ({}) loaded from {}: device {}, precision {} ({}), embedding dim {}, image {}px, "
               "BLAS {}, {} intra-op threads",
               i.name, i.fingerprint.substr(0, 12), bundlePath, i.device, i.precision, reason, i.embeddingDim,
               i.imageSize, loadedBlasLibraries(), torch::get_num_threads());
  return embedder;
}

}  // namespace mcr::model
