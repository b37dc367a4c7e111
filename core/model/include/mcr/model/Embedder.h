#pragma once
// The loaded model bundle, as the plugin, indexer tools and trainer see it at inference.
// Torch-free header (pimpl): including torch/torch.h costs ~25 s per file.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcr/image/GrayImage.h"

namespace mcr::model {

class BundleError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Facts of a bundle. The embedding dimension and input sizes come from here and nowhere else.
struct BundleInfo {
  std::string fingerprint;   // hash of weights + config
  std::string name;          // e.g. "mcr-small-mba"
  int embeddingDim = 0;
  int imageSize = 0;         // model input is imageSize x imageSize (letterboxed)
  int maxTokens = 0;
  std::string device;        // "cpu", "cuda:0"
  std::string precision;     // "bf16" or "fp32", chosen at load
  std::string provenance;    // JSON text: data description, steps, eval metrics
};

// Row-major count x dim, every row L2-normalised.
struct Embeddings {
  std::size_t count = 0;
  std::size_t dim = 0;
  std::vector<float> values;
  const float* row(std::size_t i) const { return values.data() + i * dim; }
};

// Per-patch shared-space features of one image: gridSize x gridSize rows (row-major over
// the letterboxed input), each L2-normalised. cosine(text embedding, row) gives a region
// heat-map of a text query (meaningful for MbA models, where these are what is pooled).
struct PatchFeatures {
  int gridSize = 0;
  Embeddings patches;
};

class Embedder {
 public:
  // device: "auto", "cpu", "cuda" or "cuda:N". precision: "auto", "fp32" or "bf16".
  // Throws BundleError with the reason (missing file, truncated, wrong version, ...).
  static std::unique_ptr<Embedder> load(const std::string& bundlePath,
                                        const std::string& device = "auto",
                                        const std::string& precision = "auto");
  virtual ~Embedder() = default;
  virtual const BundleInfo& info() const = 0;
  // Images at any size: letterboxed to imageSize here. Thread-safe.
  virtual Embeddings embedImages(const std::vector<image::GrayImage>& images) const = 0;
  // Raw or normalised text: each goes through report::normaliseReportText first (a no-op
  // on normalised text), so a typed query and a stored report meet the same tokens.
  virtual Embeddings embedTexts(const std::vector<std::string>& texts) const = 0;
  virtual PatchFeatures embedImagePatches(const image::GrayImage& image) const = 0;
};

}  // namespace mcr::model
