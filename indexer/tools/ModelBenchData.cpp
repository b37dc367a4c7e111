#include "ModelBenchData.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "StudySources.h"
#include "ToolSupport.h"
#include "mcr/model/Embedder.h"

namespace mcr::index::tools {
namespace {

constexpr std::size_t kEmbedBatch = 32;

void normaliseRow(float* row, int dim) {
  double s = 0;
  for (int i = 0; i < dim; ++i) s += double(row[i]) * row[i];
  const float inv = s > 0 ? static_cast<float>(1.0 / std::sqrt(s)) : 0.f;
  for (int i = 0; i < dim; ++i) row[i] *= inv;
}

float dot(const float* a, const float* b, int dim) {
  float s = 0;
  for (int i = 0; i < dim; ++i) s += a[i] * b[i];
  return s;
}

// Image embeddings of `studies` (one per decodable image) in batches; undecodable images
// are skipped with a message.
std::vector<float> embedImages(const model::Embedder& embedder, const std::vector<const PendingStudy*>& studies,
                               std::size_t& skipped) {
  std::vector<float> rows;
  std::vector<image::GrayImage> batch;
  auto flush = [&] {
    if (batch.empty()) return;
    const model::Embeddings e = embedder.embedImages(batch);
    rows.insert(rows.end(), e.values.begin(), e.values.end());
    batch.clear();
  };
  for (const PendingStudy* study : studies) {
    for (const PendingImage& image : study->images) {
      try {
        batch.push_back(image.load());
      } catch (const std::exception& e) {
        ++skipped;
        fmt::print(stderr, "skipping image of study {}: {}\n", study->study, e.what());
      }
      if (batch.size() == kEmbedBatch) flush();
    }
  }
  flush();
  return rows;
}

std::vector<float> embedReports(const model::Embedder& embedder, const std::vector<const PendingStudy*>& studies) {
  std::vector<float> rows;
  std::vector<std::string> batch;
  auto flush = [&] {
    if (batch.empty()) return;
    const model::Embeddings e = embedder.embedTexts(batch);
    rows.insert(rows.end(), e.values.begin(), e.values.end());
    batch.clear();
  };
  for (const PendingStudy* study : studies) {
    batch.push_back(study->report->text);
    if (batch.size() == kEmbedBatch) flush();
  }
  flush();
  return rows;
}

// Median over the real base rows of the cosine to their nearest other real row: the scale
// of the real embeddings' neighbourhoods, which the default noise follows.
double medianNearestCosine(const std::vector<float>& rows, int dim) {
  const std::size_t count = rows.size() / dim;
  if (count < 2) return 0;
  std::vector<double> nearest(count, -1.0);
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = i + 1; j < count; ++j) {
      const double c = dot(&rows[i * dim], &rows[j * dim], dim);
      nearest[i] = std::max(nearest[i], c);
      nearest[j] = std::max(nearest[j], c);
    }
  }
  std::nth_element(nearest.begin(), nearest.begin() + count / 2, nearest.end());
  return nearest[count / 2];
}

}  // namespace

ModelData generateModelData(const ModelDataParams& params, uint64_t seed, std::size_t n, std::size_t queries,
                            VectorSet& base, VectorSet& query) {
  if (params.bundle.empty()) throw std::runtime_error("--data model needs --model BUNDLE");
  if (params.manifest.empty()) {
    throw std::runtime_error("--data model needs --manifest M (an mcr-synth manifest.csv, e.g. from "
                             "mcr-synth --grammar 2000 --out DIR --format png)");
  }
  if (params.sigma < 0 || !std::isfinite(params.sigma)) throw std::runtime_error("--noise must be >= 0");
  if (params.noiseShape != "data" && params.noiseShape != "isotropic") {
    throw std::runtime_error("--noise-shape must be data or isotropic");
  }
  if (params.queryModality != "reports" && params.queryModality != "images") {
    throw std::runtime_error("--query-modality must be reports or images");
  }
  auto embedder = model::Embedder::load(params.bundle, params.device);
  const model::BundleInfo& info = embedder->info();
  const int dim = info.embeddingDim;
  if (dim < 2) throw std::runtime_error("model bundle '" + params.bundle + "' has embedding dimension " + std::to_string(dim));
  if (params.requiredDim != 0 && params.requiredDim != dim) {
    throw std::runtime_error(fmt::format("--dim {} conflicts with the model bundle '{}', whose embeddings have {} "
                                         "dimensions: with --data model the dimension comes from the bundle (leave "
                                         "--dim out)",
                                         params.requiredDim, params.bundle, dim));
  }

  std::vector<PendingStudy> studies = readManifest(params.manifest);
  std::mt19937_64 rng(seed);
  std::shuffle(studies.begin(), studies.end(), rng);
  std::size_t withReport = 0;
  auto canQuery = [](const PendingStudy& s) { return s.report.has_value() && !s.images.empty(); };
  for (const auto& s : studies) withReport += canQuery(s);
  const std::size_t heldOutTarget = std::min(queries, withReport / 2);
  std::vector<const PendingStudy*> heldOut, indexed;
  for (const auto& s : studies) {
    (canQuery(s) && heldOut.size() < heldOutTarget ? heldOut : indexed).push_back(&s);
  }
  if (heldOut.empty()) {
    throw std::runtime_error("manifest '" + params.manifest + "' has too few studies with a report for held-out queries (" +
                             std::to_string(withReport) + ")");
  }

  Stopwatch watch;
  std::size_t skipped = 0;
  const std::vector<float> real = embedImages(*embedder, indexed, skipped);
  const bool textQueries = params.queryModality == "reports";
  const std::vector<float> queryRows = textQueries ? embedReports(*embedder, heldOut) : embedImages(*embedder, heldOut, skipped);
  const std::size_t realCount = real.size() / dim;
  if (realCount == 0) throw std::runtime_error("manifest '" + params.manifest + "': no image could be embedded");
  if (queryRows.empty()) throw std::runtime_error("manifest '" + params.manifest + "': no held-out query could be embedded");
  fmt::print("embedded {} images and {} held-out {} with {} ({}, {}) in {:.1f} s ({} images skipped)\n", realCount,
             queryRows.size() / dim, params.queryModality, info.name, info.device, info.precision, watch.seconds(),
             skipped);
  const double nearestCosine = medianNearestCosine(real, dim);
  const double nearestDistance = std::sqrt(std::max(0.0, 2.0 - 2.0 * nearestCosine));

  ModelData data;
  data.dim = dim;
  data.fingerprint = info.fingerprint;
  data.baseCount = realCount;
  data.heldOut = queryRows.size() / dim;
  data.sigma = params.sigma > 0 ? params.sigma
                                : ModelDataParams::kDefaultNoiseFraction * nearestDistance / std::sqrt(double(dim));

  const bool isotropic = params.noiseShape == "isotropic";
  // Data-shaped noise: sum_k g_k (x_{r_k} - mean) over kShapeRows random real rows r_k,
  // g_k ~ N(0, 1): Gaussian given the rows, along the real embeddings' own directions
  // (covariance proportional to theirs), scaled to the same expected norm as the isotropic
  // N(0, sigma^2 I), sigma * sqrt(dim).
  constexpr int kShapeRows = 16;
  std::vector<float> deviations(real.size());
  double meanSquaredDeviation = 0;
  {
    std::vector<double> mean(dim, 0.0);
    for (std::size_t r = 0; r < realCount; ++r) {
      for (int d = 0; d < dim; ++d) mean[d] += real[r * dim + d] / double(realCount);
    }
    for (std::size_t r = 0; r < realCount; ++r) {
      for (int d = 0; d < dim; ++d) {
        deviations[r * dim + d] = static_cast<float>(real[r * dim + d] - mean[d]);
        meanSquaredDeviation += double(deviations[r * dim + d]) * deviations[r * dim + d] / double(realCount);
      }
    }
  }
  const double shapeScale =
      meanSquaredDeviation > 0 ? data.sigma * std::sqrt(double(dim) / (kShapeRows * meanSquaredDeviation)) : 0.0;
  base.n = n;
  base.dim = dim;
  base.values.assign(n * static_cast<std::size_t>(dim), 0.f);
  std::normal_distribution<float> gaussian;
  std::uniform_int_distribution<std::size_t> pickRow(0, realCount - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const float* source = &real[(i % realCount) * dim];
    float* row = base.values.data() + i * static_cast<std::size_t>(dim);
    std::copy(source, source + dim, row);
    if (i < realCount) continue;
    if (isotropic) {
      for (int d = 0; d < dim; ++d) row[d] += static_cast<float>(data.sigma) * gaussian(rng);
    } else {
      for (int k = 0; k < kShapeRows; ++k) {
        const float* deviation = &deviations[pickRow(rng) * dim];
        const float weight = static_cast<float>(shapeScale) * gaussian(rng);
        for (int d = 0; d < dim; ++d) row[d] += weight * deviation[d];
      }
    }
    normaliseRow(row, dim);
  }
  query.n = data.heldOut;
  query.dim = dim;
  query.values = queryRows;

  data.description = fmt::format(
      "model: {} real image embeddings of mcr-synth studies ({}) from bundle {} ({}, dim {}), replicated to {} with "
      "{} noise, sigma {:.4g} per dimension (noise norm ~{:.3g}{}), rows L2-normalised; real "
      "nearest-neighbour cosine median {:.4f} (distance {:.3g}); queries: {} embeddings of {} held-out studies ({}); "
      "seed {}",
      realCount, params.manifest, info.name, params.bundle, dim, n,
      isotropic ? "isotropic N(0, sigma^2 I)" : "data-shaped Gaussian (covariance of the real embeddings)", data.sigma, data.sigma * std::sqrt(double(dim)),
      params.sigma > 0 ? ", from --noise" : ", half the real nearest-neighbour distance", nearestCosine,
      nearestDistance, textQueries ? "report" : "image", data.heldOut,
      textQueries ? "text -> images" : "image -> images", seed);
  return data;
}

}  // namespace mcr::index::tools
