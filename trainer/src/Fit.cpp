// fit() in steps: checked options, runtime, studies, model setup, loaded data, the loop
// (FitLoop.cpp) and the finish; each step's result is the next one's input.
#include "mcr/trainer/Fit.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <filesystem>
#include <fmt/format.h>

#include "FitSteps.h"
#include "mcr/model/Runtime.h"
#include "mcr/model/torch/BundleIO.h"
#include "mcr/model/torch/Runtime.h"
#include "mcr/trainer/Checkpoint.h"
#include "mcr/trainer/Dataset.h"
#include "mcr/trainer/OrthancSource.h"
#include "mcr/trainer/TrainLog.h"

namespace mcr::trainer {
namespace fs = std::filesystem;
using model::MCRModel;

namespace {
using detail::FitData;
using detail::FitModel;
using detail::FitRun;
using detail::FitRuntime;
using detail::FitStudies;
using detail::splitmix;

std::vector<std::string> reportTexts(const std::vector<Study>& studies) {
  std::vector<std::string> texts;
  for (const auto& s : studies) texts.push_back(s.reportText);
  return texts;
}

// The tokenizer's corpus: the train reports, plus one grammar rewrite of each study when
// rewriting is on (else the rewrites' words would reach the model as [UNK] pieces).
std::vector<std::string> tokenizerCorpus(const std::vector<Study>& studies, const FitOptions& o) {
  auto texts = reportTexts(studies);
  if (o.textAugment.rewriteRate > 0)
    for (std::size_t i = 0; i < studies.size(); ++i)
      if (studies[i].hasFindings) texts.push_back(grammarRewrite(studies[i], splitmix(o.seed ^ (0x7E47ull + i))));
  return texts;
}

int defaultVocab(const std::string& preset) { return preset == "tiny" ? 1000 : 4000; }

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

std::string settingsJson(const FitOptions& o, const model::ModelConfig& c, const FitRuntime& rt,
                         const TokenCoverage& reportTokens) {
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
                        {"precision", rt.bf16 ? "bf16" : "fp32"},
                        {"device", model::deviceName(rt.device)},
                        {"report_tokens", {{"mean", reportTokens.meanTokens},
                                           {"unknown_share", reportTokens.unknownShare},
                                           {"truncated_share", reportTokens.truncatedShare}}},
                        {"config", boost::json::parse(model::toJson(c))}};
  return boost::json::serialize(s);
}

// The options as the run uses them (warm-up clamped to the run), refused before any work.
FitOptions checkedOptions(const FitOptions& optionsIn) {
  FitOptions o = optionsIn;
  if (o.out.empty()) throw std::runtime_error("fit needs --out");
  if (o.steps <= 0 || o.batchSize < 2) throw std::runtime_error("fit needs --steps >= 1 and --batch >= 2");
  o.warmupSteps = std::max(1, std::min(o.warmupSteps, o.steps));
  validate(o.textAugment);
  validate(o.imageAugment);
  if (o.positives != "report" && o.positives != "findings")
    throw std::runtime_error("--positives must be 'report' or 'findings', not '" + o.positives + "'");
  return o;
}

FitRuntime prepareRuntime(const FitOptions& o) {
  fs::create_directories(fs::path(o.out) / "checkpoints");
  if (o.threads > 0) torch::set_num_threads(o.threads);
  FitRuntime rt;
  rt.objective = model::parseObjective(o.objective);
  rt.device = model::parseDevice(o.device);
  rt.bf16 = model::choosePrecision(rt.device, o.precision, rt.precisionWhy) == torch::kBFloat16;
  return rt;
}

FitStudies selectStudies(const FitOptions& o) {
  FitStudies s;
  std::vector<Study> studies;
  if (!o.orthancUrl.empty()) {
    studies = fetchOrthancStudies({o.orthancUrl, o.orthancUser, o.orthancPassword, (fs::path(o.out) / "orthanc-cache").string()});
    s.description = "Orthanc " + o.orthancUrl;
  } else {
    studies = loadManifest(o.manifest);
    s.description = "manifest " + fs::path(o.manifest).filename().string();
  }
  s.train = selectSplit(studies, "train");
  s.val = selectSplit(studies, "val");
  if (s.train.size() < 2) throw std::runtime_error("the train split has fewer than 2 studies");
  if (o.positives == "findings") requireFindings(s.train);  // before minutes of image loading
  return s;
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

// A new model of the preset, its tokenizer learnt from the train split.
void freshModel(const FitOptions& o, const std::vector<Study>& trainStudies, FitModel& m) {
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
  m.tok = tokenizer::trainWordPiece(tokenizerCorpus(trainStudies, o), o.vocabSize > 0 ? o.vocabSize : defaultVocab(o.config));
  config.vocabSize = static_cast<int>(m.tok->vocabSize());
  m.net = model::makeModel(config, o.seed);
}

// Model, tokenizer, optimizer: from a checkpoint, a bundle to fine-tune, or fresh.
FitModel setupModel(const FitOptions& o, const std::vector<Study>& trainStudies, const FitRuntime& rt) {
  if (o.imageSize < 0 || o.patchSize < 0)
    throw std::runtime_error("--image-size and --patch-size must be positive (0: the config's)");
  FitModel m;
  std::optional<CheckpointState> resumed;
  if (o.resume) {
    resumed = readLatestCheckpoint(o.out);
    auto loaded = model::loadModelBundle(resumed->bundlePath);
    m.net = loaded.model;
    m.tok = loaded.tokenizer;
    m.startStep = resumed->step;
    m.initFingerprint = resumed->initFingerprint;
    checkResumeCompatible(*resumed, o);
    checkKeptGeometry(o, m.net->config);
  } else if (fs::exists(fs::path(o.out) / "checkpoints" / "LATEST")) {
    throw std::runtime_error("'" + o.out + "' already holds checkpoints: pass --resume to continue, or choose another --out");
  } else if (!o.init.empty()) {
    auto loaded = model::loadModelBundle(o.init);
    m.net = loaded.model;
    m.tok = loaded.tokenizer;
    m.initFingerprint = loaded.file.fingerprint;
    checkKeptGeometry(o, m.net->config);
    if (!o.aggregation.empty() && o.aggregation != model::toString(m.net->config.aggregation))
      throw std::runtime_error("--aggregation " + o.aggregation + " differs from the --init bundle's (" +
                               model::toString(m.net->config.aggregation) + ")");
  } else {
    freshModel(o, trainStudies, m);
  }
  m.resumed = resumed.has_value();
  auto& cfg = m.net->config;
  if (o.imageMaskRatio >= 0) cfg.imageMaskRatio = o.imageMaskRatio;
  if (o.textMaskRatio >= 0) cfg.textMaskRatio = o.textMaskRatio;
  if (o.reconstructionWeight >= 0) cfg.reconstructionWeight = o.reconstructionWeight;
  if (o.mlmWeight >= 0) cfg.mlmWeight = o.mlmWeight;
  if (o.localWeight >= 0) cfg.localWeight = o.localWeight;
  cfg.validate();
  m.net->to(rt.device);
  m.optimizer = makeOptimizer(m.net, o);
  if (resumed) torch::load(*m.optimizer, resumed->optimizerPath, rt.device);
  return m;
}

// Images and token ids of both splits, the batch they allow, and what the log says about them.
FitData loadFitData(const FitOptions& o, FitStudies& studies, const FitModel& m, const FitRuntime& rt,
                    ProgressBar& progress) {
  const auto& cfg = m.net->config;
  const auto& tok = *m.tok;
  FitData d;
  d.description = std::move(studies.description);
  progress.message(fmt::format("loading {} train + {} val studies ({}px)...", studies.train.size(), studies.val.size(), cfg.imageSize));
  d.train = loadStudies(studies.train, cfg.imageSize, tok, cfg.maxTokens, std::max(1, torch::get_num_threads()));
  d.val = loadStudies(studies.val, cfg.imageSize, tok, cfg.maxTokens, std::max(1, torch::get_num_threads()));
  for (const auto& s : d.train.skipped) progress.message("skipped (image unreadable): " + s);
  d.coverage = tokenCoverage(d.train.studies, tok, cfg.maxTokens);
  progress.message(fmt::format("train reports through the {} tokenizer: {:.1f} tokens on average, {:.1f} % [UNK], "
                               "{:.1f} % longer than {} tokens (cut)",
                               o.init.empty() ? "model's" : "--init bundle's", d.coverage.meanTokens,
                               100 * d.coverage.unknownShare, 100 * d.coverage.truncatedShare, cfg.maxTokens));
  if (o.positives == "findings") groupByFindings(d.train);
  const bool anyFindings =
      std::any_of(d.train.studies.begin(), d.train.studies.end(), [](const Study& s) { return s.hasFindings; });
  if (o.textAugment.rewriteRate > 0 && !anyFindings)
    progress.message("--rewrite-rate has no effect: the training data has no findings column");
  d.batch = static_cast<int>(std::min<std::size_t>(o.batchSize, d.train.size()));
  if (d.batch < 2) throw std::runtime_error("fewer than 2 readable training studies");
  d.stepsPerEpoch = std::max<std::size_t>(1, d.train.size() / d.batch);
  progress.message(fmt::format("device {}, precision {} ({}), BLAS {}, {} threads, objective {}, aggregation {}, batch {}",
                               model::deviceName(rt.device), rt.bf16 ? "bf16 autocast" : "fp32", rt.precisionWhy,
                               model::loadedBlasLibraries(), torch::get_num_threads(), o.objective,
                               model::toString(cfg.aggregation), d.batch));
  return d;
}

// The curves, the last evaluation and, when the run reached its steps, out/model.bundle.
void finishFit(FitRun& run, FitResult& result) {
  run.progress.finish();
  run.log.writePlot();
  result.lastEval = run.lastEval;
  if (result.step >= run.o.steps) {
    result.completed = true;
    result.bundle = (fs::path(run.o.out) / "model.bundle").string();
    model::saveModelBundle(result.bundle, run.name, run.m.net, *run.m.tok, detail::provenanceJson(run, result.step));
  }
}

}  // namespace

std::string initBundle(const InitOptions& o) {
  if (o.out.empty()) throw std::runtime_error("init needs --out");
  auto config = model::presetConfig(o.config);
  config.aggregation = model::parseAggregation(o.aggregation);
  const auto studies = loadManifest(o.corpus);
  auto tok = tokenizer::trainWordPiece(reportTexts(studies), o.vocabSize > 0 ? o.vocabSize : defaultVocab(o.config));
  config.vocabSize = static_cast<int>(tok->vocabSize());
  auto m = model::makeModel(config, o.seed);
  boost::json::object prov{{"trainer", "mcr-train init"},
                           {"data", fmt::format("untrained; tokenizer learnt from {} report texts of {}", studies.size(), o.corpus)},
                           {"steps", 0},
                           {"seed", o.seed}};
  const std::string name = o.name.empty() ? fmt::format("mcr-{}-{}", o.config, o.aggregation) : o.name;
  return model::saveModelBundle(o.out, name, m, *tok, boost::json::serialize(prov));
}

FitResult fit(const FitOptions& optionsIn) {
  const FitOptions o = checkedOptions(optionsIn);
  const FitRuntime rt = prepareRuntime(o);
  FitStudies studies = selectStudies(o);
  FitModel m = setupModel(o, studies.train, rt);
  ProgressBar progress(o.steps, m.startStep, o.progress);
  const FitData data = loadFitData(o, studies, m, rt, progress);
  TrainLog log(o.out, m.startStep);
  if (!m.resumed) log.note(settingsJson(o, m.net->config, rt, data.coverage));
  const auto& cfg = m.net->config;
  FitRun run{o, rt, m, data, log, progress,
             o.name.empty() ? fmt::format("mcr-{}-{}", cfg.preset, model::toString(cfg.aggregation)) : o.name, {}};
  FitResult result = detail::trainLoop(run);
  finishFit(run, result);
  return result;
}

}  // namespace mcr::trainer
