#include "ModelIndex.h"

namespace mcr::plugin {

std::shared_ptr<ModelIndex> openModelIndex(const PluginConfig& config, const std::string& modelPath,
                                           const std::string& generation, const std::string& generationDir) {
  auto modelIndex = std::make_shared<ModelIndex>();
  modelIndex->embedder = model::Embedder::load(modelPath, config.device, config.precision);
  modelIndex->modelPath = modelPath;
  modelIndex->generation = generation;
  modelIndex->generationDir = generationDir;
  index::Options options;
  options.dim = modelIndex->embedder->info().embeddingDim;
  options.modelFingerprint = modelIndex->embedder->info().fingerprint;
  options.ef = config.searchDefaults.ef;
  modelIndex->index = index::VectorIndex::open(generationDir, options);
  return modelIndex;
}

}  // namespace mcr::plugin
