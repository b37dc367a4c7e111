#pragma once
// Synthetic vectors for `mcr-index bench` (documented in docs/indexer.md).
#include <cstdint>
#include <string>
#include <vector>

namespace mcr::index::tools {

// Row-major n x dim, every row L2-normalised.
struct VectorSet {
  std::size_t n = 0;
  int dim = 0;
  std::vector<float> values;
  const float* row(std::size_t i) const { return values.data() + i * static_cast<std::size_t>(dim); }
};

// clustered: `clusters` centres drawn N(0, I) in a random `subspaceDim`-dimensional subspace;
// a point is centre + N(0, spread^2 I) in the subspace, mapped to `dim` dimensions by a fixed
// random Gaussian basis, plus N(0, noise^2 I) in all `dim` dimensions, then L2-normalised.
// Like real embeddings: most variance in a few directions, points grouped by topic.
struct ClusteredParams {
  int clusters = 100;
  int subspaceDim = 32;
  float spread = 0.35f;
  float noise = 0.05f;
  std::string describe() const;
};

// Base set and query set share the centres and basis (queries are fresh points, not copies).
void generateClustered(const ClusteredParams& params, int dim, uint64_t seed, std::size_t n, std::size_t queries,
                       VectorSet& base, VectorSet& query);
// uniform: N(0, I) normalised = uniform on the sphere. No structure: the worst case.
void generateUniform(int dim, uint64_t seed, std::size_t n, std::size_t queries, VectorSet& base, VectorSet& query);

}  // namespace mcr::index::tools
