#include "VectorGenerators.h"

#include <fmt/core.h>

#include <cmath>
#include <random>

namespace mcr::index::tools {
namespace {

void normaliseRow(float* row, int dim) {
  double s = 0;
  for (int i = 0; i < dim; ++i) s += double(row[i]) * row[i];
  const float inv = s > 0 ? static_cast<float>(1.0 / std::sqrt(s)) : 0.f;
  for (int i = 0; i < dim; ++i) row[i] *= inv;
}

void allocate(VectorSet& set, std::size_t n, int dim) {
  set.n = n;
  set.dim = dim;
  set.values.assign(n * static_cast<std::size_t>(dim), 0.f);
}

}  // namespace

std::string ClusteredParams::describe() const {
  return fmt::format("clustered: {} clusters in a random {}-dimensional subspace, within-cluster spread {}, "
                     "isotropic noise {} per dimension, rows L2-normalised",
                     clusters, subspaceDim, spread, noise);
}

void generateClustered(const ClusteredParams& p, int dim, uint64_t seed, std::size_t n, std::size_t queries,
                       VectorSet& base, VectorSet& query) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  const int s = p.subspaceDim;
  std::vector<float> basis(static_cast<std::size_t>(dim) * s);
  for (float& x : basis) x = normal(rng) / std::sqrt(float(s));
  std::vector<float> centres(static_cast<std::size_t>(p.clusters) * s);
  for (float& x : centres) x = normal(rng);
  std::uniform_int_distribution<int> pick(0, p.clusters - 1);
  std::vector<float> z(s);
  auto fill = [&](VectorSet& set, std::size_t count) {
    allocate(set, count, dim);
    for (std::size_t i = 0; i < count; ++i) {
      const float* centre = &centres[static_cast<std::size_t>(pick(rng)) * s];
      for (int j = 0; j < s; ++j) z[j] = centre[j] + p.spread * normal(rng);
      float* row = set.values.data() + i * static_cast<std::size_t>(dim);
      for (int d = 0; d < dim; ++d) {
        const float* b = &basis[static_cast<std::size_t>(d) * s];
        float v = 0;
        for (int j = 0; j < s; ++j) v += b[j] * z[j];
        row[d] = v + p.noise * normal(rng);
      }
      normaliseRow(row, dim);
    }
  };
  fill(base, n);
  fill(query, queries);
}

void generateUniform(int dim, uint64_t seed, std::size_t n, std::size_t queries, VectorSet& base, VectorSet& query) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  auto fill = [&](VectorSet& set, std::size_t count) {
    allocate(set, count, dim);
    for (float& x : set.values) x = normal(rng);
    for (std::size_t i = 0; i < count; ++i) normaliseRow(set.values.data() + i * static_cast<std::size_t>(dim), dim);
  };
  fill(base, n);
  fill(query, queries);
}

}  // namespace mcr::index::tools
