#include "FitSetup.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fmt/format.h>

#include "mcr/model/torch/BundleIO.h"
#include "mcr/trainer/OrthancSource.h"
#include "mcr/trainer/TextAugment.h"

namespace mcr::trainer::detail {
namespace fs = std::filesystem;
using model::MCRModel;

uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::vector<std::string> reportTexts(const std::vector<Study>& studies) {
  std::vector<std::string> texts;
  for (const auto& s : studies) texts.push_back(s.reportText);
  return texts;
}

namespace {

// The tokenizer's corpus: the train reports, plus one grammar rewrite of each study when
// rewriting is on (else the rewrites' words would reach the model as [UNK] pieces).
std::vector<std::string> tokenizerCorpus(const std::vector<Study>& studies, const FitOptions& o) {
  auto texts = reportTexts(studies);
  if (o.textAugment.rewriteRate > 0)
    for (std::size_t i = 0; i < studies.size(); ++i)
      if (studies[i].hasFindings) texts.push_back(grammarRewrite(studies[i], splitmix(o.seed ^ (0x7E47ull + i))));
  return texts;
}

// A checkpoint or --init bundle fixes the geometry: the options may repeat it (a resumed run
// is started with its own command line), never change it.
void checkKeptGeometry(const FitOptions& o, const model::ModelConfig& kept) {
  if ((o.imageSize > 0 && o.imageSize != kept.imageSize) || (o.patchSize > 0 && o.patchSize != kept.patchSize) ||
      (!o.patchEmbedding.empty() && o.patchEmbedding != kept.patchEmbedding))
    throw std::runtime_error(fmt::format(
        "--image-size, --patch-size and --patch-embedding shape a new model; {} ({} px, {} px patches, {} patch "
        "embedding)",
        o.resume ? "a resumed run keeps its checkpoint's" : "--init keeps the bundle's", kept.imageSize,
        kept.patchSize, kept.patchEmbedding));
}

FitModel resumeModel(const FitOptions& o) {
  FitModel m;
  m.resumed = readLatestCheckpoint(o.out);
  auto loaded = model::loadModelBundle(m.resumed->bundlePath);
  m.net = loaded.model;
  m.tokenizer = loaded.tokenizer;
  m.startStep = m.resumed->step;
  m.initFingerprint = m.resumed->initFingerprint;
  checkResumeCompatible(*m.resumed, o);
  checkKeptGeometry(o, m.net->config);
  return m;
}

FitModel initModel(const FitOptions& o) {
  FitModel m;
  auto loaded = model::loadModelBundle(o.init);
  m.net = loaded.model;
  m.tokenizer = loaded.tokenizer;
  m.initFingerprint = loaded.file.fingerprint;
  checkKeptGeometry(o, m.net->config);
  if (!o.aggregation.empty() && o.aggregation != model::toString(m.net->config.aggregation))
    throw std::runtime_error("--aggregation " + o.aggregation + " differs from the --init bundle's (" +
                             model::toString(m.net->config.aggregation) + ")");
  return m;
}

FitModel freshModel(const FitOptions& o, const std::vector<Study>& trainStudies) {
  auto config = model::presetConfig(o.config);
  config.aggregation = model::parseAggregation(o.aggregation.empty() ? "mba" : o.aggregation);
  if (o.imageSize > 0) config.imageSize = o.imageSize;
  if (o.patchSize > 0) config.patchSize = o.patchSize;
  if (!o.patchEmbedding.empty()) config.patchEmbedding = o.patchEmbedding;
  try {  // before minutes of tokenizer training and image loading
    config.validateImageGeometry();
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("--image-size / --patch-size / --patch-embedding: ") + e.what());
  }
  FitModel m;
  m.tokenizer = tokenizer::trainWordPiece(tokenizerCorpus(trainStudies, o), o.vocabSize > 0 ? o.vocabSize : defaultVocab(o.config));
  config.vocabSize = static_cast<int>(m.tokenizer->vocabSize());
  m.net = model::makeModel(config, o.seed);
  return m;
}

}  // namespace

int defaultVocab(const std::string& preset) { return preset == "tiny" ? 1000 : 4000; }

FitData loadFitData(const FitOptions& o) {
  std::vector<Study> studies;
  FitData data;
  if (!o.orthancUrl.empty()) {
    studies = fetchOrthancStudies({o.orthancUrl, o.orthancUser, o.orthancPassword, (fs::path(o.out) / "orthanc-cache").string()});
    data.description = "Orthanc " + o.orthancUrl;
  } else {
    studies = loadManifest(o.manifest);
    data.description = "manifest " + fs::path(o.manifest).filename().string();
  }
  data.train = selectSplit(studies, "train");
  data.val = selectSplit(studies, "val");
  if (data.train.size() < 2) throw std::runtime_error("the train split has fewer than 2 studies");
  if (o.positives == "findings") requireFindings(data.train);  // before minutes of image loading
  return data;
}

FitModel setupModel(const FitOptions& o, const std::vector<Study>& trainStudies) {
  if (o.imageSize < 0 || o.patchSize < 0)
    throw std::runtime_error("--image-size and --patch-size must be positive (0: the config's)");
  FitModel m;
  if (o.resume) {
    m = resumeModel(o);
  } else {
    if (fs::exists(fs::path(o.out) / "checkpoints" / "LATEST"))
      throw std::runtime_error("'" + o.out + "' already holds checkpoints: pass --resume to continue, or choose another --out");
    m = o.init.empty() ? freshModel(o, trainStudies) : initModel(o);
  }
  auto& config = m.net->config;
  if (o.imageMaskRatio >= 0) config.imageMaskRatio = o.imageMaskRatio;
  if (o.textMaskRatio >= 0) config.textMaskRatio = o.textMaskRatio;
  if (o.reconstructionWeight >= 0) config.reconstructionWeight = o.reconstructionWeight;
  if (o.mlmWeight >= 0) config.mlmWeight = o.mlmWeight;
  if (o.localWeight >= 0) config.localWeight = o.localWeight;
  config.validate();
  return m;
}

std::unique_ptr<torch::optim::AdamW> makeOptimizer(MCRModel& model, const FitOptions& o) {
  // No weight decay on biases, norms, positions, the mask token and the temperature.
  std::vector<torch::Tensor> decay, noDecay;
  for (const auto& p : model->named_parameters()) {
    const bool exempt = p.value().dim() < 2 || p.key().find("position") != std::string::npos ||
                        p.key().find("maskToken") != std::string::npos;
    (exempt ? noDecay : decay).push_back(p.value());
  }
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                 torch::optim::AdamWOptions(o.learningRate).weight_decay(o.weightDecay).betas({0.9, 0.98})));
  groups.emplace_back(noDecay, std::make_unique<torch::optim::AdamWOptions>(
                                   torch::optim::AdamWOptions(o.learningRate).weight_decay(0.0).betas({0.9, 0.98})));
  return std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(o.learningRate));
}

std::string settingsJson(const FitOptions& o, const model::ModelConfig& c, const std::string& precision,
                         const std::string& device, const TokenCoverage& reportTokens) {
  boost::json::object s{{"type", "settings"},
                        {"step", 0},
                        {"objective", o.objective},
                        {"aggregation", model::toString(c.aggregation)},
                        {"steps", o.steps},
                        {"batch", o.batchSize},
                        {"lr", o.learningRate},
                        {"warmup", o.warmupSteps},
                        {"weight_decay", o.weightDecay},
                        {"clip", o.clipNorm},
                        {"seed", o.seed},
                        {"rewrite_rate", o.textAugment.rewriteRate},
                        {"sentence_rate", o.textAugment.sentenceRate},
                        {"image_augment", o.imageAugment.strength},
                        {"positives", o.positives},
                        {"precision", precision},
                        {"device", device},
                        {"report_tokens", {{"mean", reportTokens.meanTokens},
                                           {"unknown_share", reportTokens.unknownShare},
                                           {"truncated_share", reportTokens.truncatedShare}}},
                        {"config", boost::json::parse(model::toJson(c))}};
  return boost::json::serialize(s);
}

}  // namespace mcr::trainer::detail
