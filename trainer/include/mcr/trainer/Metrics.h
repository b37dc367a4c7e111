#pragma once
// Study-level retrieval metrics over embeddings (torch-free, so they are checked on
// hand-made embeddings with known answers).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mcr::trainer {

struct RecallAtK {
  double r1 = 0, r5 = 0, r10 = 0;
};

struct DirectionMetrics {
  RecallAtK exact;
  std::optional<RecallAtK> findings;  // absent when the manifest has no findings column
  // `findings` averaged over the queries that have at least one finding (the gallery stays
  // whole). Normal studies are a large share of any chest X-ray set; their queries have so
  // many relevant items that a random ranking already scores R@10 near 1, which hides how
  // the abnormal queries do. Absent without findings or without an abnormal study.
  std::optional<RecallAtK> findingsAbnormal;
};

struct ProbeQuery {
  std::string query;            // canonical text, e.g. "right pleural effusion"
  std::vector<float> embedding; // dim values, L2-normalised
  std::vector<bool> positive;   // per gallery image
  std::vector<bool> referencePositive;  // per reference image (EvalInputs::referenceImages)
};

struct ProbeResult {
  std::string query;
  std::size_t positives = 0;
  double precisionAt10 = 0;
  double random = 0;  // expected P@10 of a random ranking
  // P@10 of a linear classifier fitted on the reference images (LinearProbe.h): what the
  // image embeddings allow, whatever the text side does. Absent without references, and
  // when the references hold no positive or only positives of the class.
  std::optional<double> imageCeiling;
};

struct EvalInputs {
  std::size_t n = 0, dim = 0;
  std::vector<float> images, texts;     // n x dim each, row i of both = study i
  std::vector<std::string> exactKeys;   // normalised report text per study
  std::vector<std::string> findingKeys; // canonical sorted finding set per study; empty vector = unknown
  std::vector<ProbeQuery> probes;       // only classes with >= kMinProbePositives positives are scored
  // Optional: image embeddings of other studies (the train split), m x dim, to fit each
  // probe's image ceiling on; empty = no ceiling.
  std::vector<float> referenceImages;
};

constexpr std::size_t kMinProbePositives = 5;

struct RetrievalReport {
  std::size_t n = 0;
  DirectionMetrics i2t, t2i, randomI2t, randomT2i;
  std::vector<ProbeResult> probes;  // scored probes only
  std::optional<double> macroP10, randomMacroP10;
  std::optional<double> macroImageCeiling;  // only when every scored probe has its ceiling
  std::string toJson() const;   // the one-object shape
  std::string toTable() const;  // human-readable, with the random baseline beside each number
};

// Throws std::invalid_argument when sizes disagree.
RetrievalReport evaluateRetrieval(const EvalInputs& inputs);

// Share of positives among the k highest scores (ties: lower index first; k is capped at
// the number of items). Throws std::invalid_argument when sizes disagree.
double precisionAtK(const std::vector<double>& scores, const std::vector<bool>& positive, std::size_t k);

// Expected R@K of a random ranking for a query with `relevant` hits among n items.
double randomRecallAtK(std::size_t n, std::size_t relevant, std::size_t k);

}  // namespace mcr::trainer
