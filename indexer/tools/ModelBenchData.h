#pragma once
// `mcr-index bench --data model`: real embeddings of mcr-synth studies from a model bundle
// (only with the model, MCR_INDEX_WITH_MODEL; docs/indexer.md, "bench").
#include <cstdint>
#include <string>

#include "VectorGenerators.h"

namespace mcr::index::tools {

struct ModelDataParams {
  std::string bundle;    // --model
  std::string manifest;  // --manifest: mcr-synth's manifest.csv
  std::string device = "auto";
  // Noise per dimension of the replicas; 0: the default, kDefaultNoiseFraction of the median
  // distance from a real embedding to its nearest real neighbour, spread over the dimensions
  // (sigma = fraction * d_nn / sqrt(dim)): a replica stays nearer its source than the
  // source's nearest real neighbour, whatever the scale of the bundle's embeddings.
  double sigma = 0;
  int requiredDim = 0;   // a --dim given on the command line: must be the bundle's (0: none given)
  // "reports": queries are report embeddings (text -> images, the product's search);
  // "images": image embeddings of the held-out studies (same modality as the index).
  std::string queryModality = "reports";
  // "data": Gaussian noise along the real embeddings' own directions (their covariance);
  // "isotropic": N(0, sigma^2 I) in every dimension.
  std::string noiseShape = "data";
  static constexpr double kDefaultNoiseFraction = 0.5;
};

struct ModelData {
  int dim = 0;                  // from the bundle
  std::string fingerprint;      // the bundle's
  std::size_t baseCount = 0;    // real image embeddings before replication
  std::size_t heldOut = 0;      // studies whose report embeddings are the queries
  double sigma = 0;             // noise used
  std::string description;      // printed on the "data" line
};

// Embeds the images and reports of the manifest's studies. The studies are shuffled with
// `seed`; the first `queries` that have a report and an image are held out (at most half
// of them): their REPORT embeddings are the queries (text -> images, the product's
// cross-modal search; or their image embeddings with queryModality "images"), and neither
// their image nor their report is indexed. The IMAGE embeddings of the other
// studies are the base, replicated up to n: row i is base[i % B], exact for i < B, else
// plus N(0, sigma^2 I) noise and L2-normalised again.
ModelData generateModelData(const ModelDataParams& params, uint64_t seed, std::size_t n, std::size_t queries,
                            VectorSet& base, VectorSet& query);

}  // namespace mcr::index::tools
