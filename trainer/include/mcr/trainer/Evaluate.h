#pragma once
// Retrieval evaluation of a model over a loaded split: the live model during fit, or a
// bundle through the public Embedder (exactly what the plugin runs) for `mcr-train eval`.
#include <functional>
#include <string>
#include <vector>

#include "mcr/model/Embedder.h"
#include "mcr/model/torch/MCRModel.h"
#include "mcr/trainer/Dataset.h"
#include "mcr/trainer/Metrics.h"

namespace mcr::trainer {

// rows [begin, end) of the data -> (end-begin) x dim embeddings
using EmbedImageRows = std::function<std::vector<float>(std::size_t begin, std::size_t end)>;
using EmbedTextList = std::function<std::vector<float>(const std::vector<std::string>& texts)>;

// Exact keys from the normalised report text, finding keys and probes from the manifest's
// findings column and the canonical finding classes (mcr/synth/Findings.h).
EvalInputs buildEvalInputs(const LoadedStudies& data, std::size_t dim, const EmbedImageRows& images,
                           const EmbedTextList& texts);

// Adds every probe's image-ceiling reference (`eval --probe-ceiling`): the image embeddings
// of `reference` (the train split) and which of them are positives of each probe's class.
// Call after buildEvalInputs; throws std::runtime_error when a reference study has no
// findings column.
void addProbeReference(EvalInputs& in, const LoadedStudies& reference, const EmbedImageRows& referenceImages);

RetrievalReport evaluateLiveModel(model::MCRModel& model, const tokenizer::Tokenizer& tok, const LoadedStudies& data,
                                  const torch::Device& device, bool bf16);
// With `probeReference`, also each probe's image ceiling, fitted on those studies.
RetrievalReport evaluateEmbedder(const model::Embedder& embedder, const LoadedStudies& data,
                                 const LoadedStudies* probeReference = nullptr);

// Mean top-10 overlap between two embedders' rankings, both directions (bf16 vs fp32 check).
struct RankingAgreement {
  double i2t = 0, t2i = 0;
};
RankingAgreement compareRankings(const model::Embedder& a, const model::Embedder& b, const LoadedStudies& data);

}  // namespace mcr::trainer
