#include "mcr/trainer/Fit.h"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <random>

#include "mcr/model/Runtime.h"
#include "mcr/model/torch/BundleIO.h"
#include "mcr/model/torch/Runtime.h"
#include "mcr/model/torch/Autocast.h"
#include "mcr/trainer/Checkpoint.h"
#include "mcr/trainer/Dataset.h"
#include "mcr/trainer/Evaluate.h"
#include "mcr/trainer/OrthancSource.h"
#include "mcr/trainer/TrainLog.h"

namespace mcr::trainer {
namespace fs = std::filesystem;
using model::MCRModel;

namespace {

std::atomic<bool> gStop{false};
extern "C" void onSigint(int) { gStop.store(true); }

uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The order of epoch `epoch`: a Fisher-Yates shuffle driven by a seeded mt19937_64
// (its output is fixed by the standard, unlike std::shuffle's use of it).
std::vector<std::size_t> epochOrder(std::size_t n, uint64_t seed, int64_t epoch) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937_64 rng(splitmix(seed ^ splitmix(static_cast<uint64_t>(epoch) + 0x5EED)));
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  return order;
}

double learningRateAt(int step, const FitOptions& o) {
  if (step < o.warmupSteps) return o.learningRate * (step + 1) / o.warmupSteps;
  const double progress = double(step - o.warmupSteps) / std::max(1, o.steps - o.warmupSteps);
  return o.learningRate * 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
}

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

// Token ids of the batch rows under text augmentation: a pure function of (seed, step, row).
std::vector<std::vector<int64_t>> augmentedIds(const LoadedStudies& data, const std::vector<std::size_t>& rows,
                                               const FitOptions& o, int step, const tokenizer::Tokenizer& tok,
                                               int maxTokens) {
  std::vector<std::vector<int64_t>> ids;
  ids.reserve(rows.size());
  for (auto r : rows) {
    const uint64_t seed = splitmix(splitmix(o.seed + 0xA06ull) ^ (static_cast<uint64_t>(step) << 24) ^ r);
    ids.push_back(tok.encode(augmentReport(data.studies[r], o.textAugment, seed), static_cast<std::size_t>(maxTokens)));
  }
  return ids;
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

}  // namespace

void requestStop() { gStop.store(true); }

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
  FitOptions o = optionsIn;
  if (o.out.empty()) throw std::runtime_error("fit needs --out");
  if (o.steps <= 0 || o.batchSize < 2) throw std::runtime_error("fit needs --steps >= 1 and --batch >= 2");
  o.warmupSteps = std::max(1, std::min(o.warmupSteps, o.steps));
  validate(o.textAugment);
  validate(o.imageAugment);
  if (o.positives != "report" && o.positives != "findings")
    throw std::runtime_error("--positives must be 'report' or 'findings', not '" + o.positives + "'");
  fs::create_directories(fs::path(o.out) / "checkpoints");
  if (o.threads > 0) torch::set_num_threads(o.threads);
  const auto objective = model::parseObjective(o.objective);
  const torch::Device device = model::parseDevice(o.device);
  std::string precisionWhy;
  const bool bf16 = model::choosePrecision(device, o.precision, precisionWhy) == torch::kBFloat16;

  // Data.
  std::vector<Study> studies;
  std::string dataDescription;
  if (!o.orthancUrl.empty()) {
    studies = fetchOrthancStudies({o.orthancUrl, o.orthancUser, o.orthancPassword, (fs::path(o.out) / "orthanc-cache").string()});
    dataDescription = "Orthanc " + o.orthancUrl;
  } else {
    studies = loadManifest(o.manifest);
    dataDescription = "manifest " + fs::path(o.manifest).filename().string();
  }
  auto trainStudies = selectSplit(studies, "train"), valStudies = selectSplit(studies, "val");
  if (trainStudies.size() < 2) throw std::runtime_error("the train split has fewer than 2 studies");
  if (o.positives == "findings") requireFindings(trainStudies);  // before minutes of image loading

  // Model, tokenizer, optimizer: from a checkpoint, a bundle to fine-tune, or fresh.
  MCRModel net{nullptr};
  std::shared_ptr<tokenizer::Tokenizer> tok;
  std::string initFingerprint;
  int startStep = 0;
  std::optional<CheckpointState> resumed;
  if (o.imageSize < 0 || o.patchSize < 0)
    throw std::runtime_error("--image-size and --patch-size must be positive (0: the config's)");
  // A checkpoint or --init bundle fixes the geometry: the options may repeat it (a resumed run
  // is started with its own command line), never change it.
  auto checkKeptGeometry = [&o](const model::ModelConfig& kept) {
    if ((o.imageSize > 0 && o.imageSize != kept.imageSize) || (o.patchSize > 0 && o.patchSize != kept.patchSize) ||
        (!o.patchEmbedding.empty() && o.patchEmbedding != kept.patchEmbedding))
      throw std::runtime_error(fmt::format(
          "--image-size, --patch-size and --patch-embedding shape a new model; {} ({} px, {} px patches, {} patch "
          "embedding)",
          o.resume ? "a resumed run keeps its checkpoint's" : "--init keeps the bundle's", kept.imageSize,
          kept.patchSize, kept.patchEmbedding));
  };
  if (o.resume) {
    resumed = readLatestCheckpoint(o.out);
    auto loaded = model::loadModelBundle(resumed->bundlePath);
    net = loaded.model;
    tok = loaded.tokenizer;
    startStep = resumed->step;
    initFingerprint = resumed->initFingerprint;
    checkResumeCompatible(*resumed, o);
    checkKeptGeometry(net->config);
  } else {
    if (fs::exists(fs::path(o.out) / "checkpoints" / "LATEST"))
      throw std::runtime_error("'" + o.out + "' already holds checkpoints: pass --resume to continue, or choose another --out");
    if (!o.init.empty()) {
      auto loaded = model::loadModelBundle(o.init);
      net = loaded.model;
      tok = loaded.tokenizer;
      initFingerprint = loaded.file.fingerprint;
      checkKeptGeometry(net->config);
      if (!o.aggregation.empty() && o.aggregation != model::toString(net->config.aggregation))
        throw std::runtime_error("--aggregation " + o.aggregation + " differs from the --init bundle's (" +
                                 model::toString(net->config.aggregation) + ")");
    } else {
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
      tok = tokenizer::trainWordPiece(tokenizerCorpus(trainStudies, o), o.vocabSize > 0 ? o.vocabSize : defaultVocab(o.config));
      config.vocabSize = static_cast<int>(tok->vocabSize());
      net = model::makeModel(config, o.seed);
    }
  }
  if (o.imageMaskRatio >= 0) net->config.imageMaskRatio = o.imageMaskRatio;
  if (o.textMaskRatio >= 0) net->config.textMaskRatio = o.textMaskRatio;
  if (o.reconstructionWeight >= 0) net->config.reconstructionWeight = o.reconstructionWeight;
  if (o.mlmWeight >= 0) net->config.mlmWeight = o.mlmWeight;
  if (o.localWeight >= 0) net->config.localWeight = o.localWeight;
  net->config.validate();
  const auto& cfg = net->config;
  net->to(device);
  auto optimizer = makeOptimizer(net, o);
  if (resumed) torch::load(*optimizer, resumed->optimizerPath, device);

  ProgressBar progress(o.steps, startStep, o.progress);
  progress.message(fmt::format("loading {} train + {} val studies ({}px)...", trainStudies.size(), valStudies.size(), cfg.imageSize));
  auto train = loadStudies(trainStudies, cfg.imageSize, *tok, cfg.maxTokens, std::max(1, torch::get_num_threads()));
  auto val = loadStudies(valStudies, cfg.imageSize, *tok, cfg.maxTokens, std::max(1, torch::get_num_threads()));
  for (const auto& s : train.skipped) progress.message("skipped (image unreadable): " + s);
  const auto coverage = tokenCoverage(train.studies, *tok, cfg.maxTokens);
  progress.message(fmt::format("train reports through the {} tokenizer: {:.1f} tokens on average, {:.1f} % [UNK], "
                               "{:.1f} % longer than {} tokens (cut)",
                               o.init.empty() ? "model's" : "--init bundle's", coverage.meanTokens,
                               100 * coverage.unknownShare, 100 * coverage.truncatedShare, cfg.maxTokens));
  if (o.positives == "findings") groupByFindings(train);
  const bool anyFindings =
      std::any_of(train.studies.begin(), train.studies.end(), [](const Study& s) { return s.hasFindings; });
  if (o.textAugment.rewriteRate > 0 && !anyFindings)
    progress.message("--rewrite-rate has no effect: the training data has no findings column");
  const int batch = static_cast<int>(std::min<std::size_t>(o.batchSize, train.size()));
  if (batch < 2) throw std::runtime_error("fewer than 2 readable training studies");
  const std::size_t stepsPerEpoch = std::max<std::size_t>(1, train.size() / batch);
  progress.message(fmt::format("device {}, precision {} ({}), BLAS {}, {} threads, objective {}, aggregation {}, batch {}",
                               model::deviceName(device), bf16 ? "bf16 autocast" : "fp32", precisionWhy,
                               model::loadedBlasLibraries(), torch::get_num_threads(), o.objective,
                               model::toString(cfg.aggregation), batch));

  TrainLog log(o.out, startStep);
  if (!resumed) log.note(settingsJson(o, cfg, bf16 ? "bf16" : "fp32", model::deviceName(device), coverage));

  auto provenance = [&](int step, const std::optional<RetrievalReport>& eval) {
    boost::json::object p{{"trainer", "mcr-train fit"},
                          {"data", fmt::format("{}: {} train / {} val studies", dataDescription, train.size(), val.size())},
                          {"objective", o.objective},
                          {"aggregation", model::toString(cfg.aggregation)},
                          {"steps", step},
                          {"batch", batch},
                          {"lr", o.learningRate},
                          {"seed", o.seed},
                          {"rewrite_rate", o.textAugment.rewriteRate},
                          {"sentence_rate", o.textAugment.sentenceRate},
                          {"image_augment", o.imageAugment.strength},
                          {"positives", o.positives},
                          {"precision", bf16 ? "bf16-autocast" : "fp32"},
                          {"init", initFingerprint.empty() ? boost::json::value(nullptr) : boost::json::value(initFingerprint)}};
    p["eval"] = eval ? boost::json::parse(eval->toJson()) : boost::json::value(nullptr);
    return boost::json::serialize(p);
  };
  const std::string name = o.name.empty() ? fmt::format("mcr-{}-{}", cfg.preset, model::toString(cfg.aggregation)) : o.name;

  FitResult result;
  std::optional<RetrievalReport> lastEval;
  auto evaluate = [&](int step) {
    if (val.size() == 0) return;
    lastEval = evaluateLiveModel(net, *tok, val, device, bf16);
    log.eval(step, *lastEval);
    log.writePlot();
    auto f = lastEval->i2t.findings;
    progress.message(fmt::format("step {} val: i2t R@10 exact {:.3f}{} t2i R@10 exact {:.3f}{}", step, lastEval->i2t.exact.r10,
                                 f ? fmt::format(" findings {:.3f}", f->r10) : "", lastEval->t2i.exact.r10,
                                 lastEval->macroP10 ? fmt::format(" probe macro P@10 {:.3f}", *lastEval->macroP10) : ""));
  };
  auto checkpoint = [&](int step) {
    CheckpointState st;
    st.step = step;
    st.initFingerprint = initFingerprint;
    st.optionsJson = resumeKeyJson(o);
    writeCheckpoint(o.out, st, net, *tok, *optimizer, name, provenance(step, lastEval), o.keepCheckpoints);
  };

  gStop.store(false);
  auto previousHandler = std::signal(SIGINT, onSigint);
  net->train();
  std::vector<std::size_t> order;
  int64_t orderEpoch = -1;
  int step = startStep;
  int ranThisCall = 0;
  const auto params = net->parameters();
  while (step < o.steps) {
    const auto t0 = std::chrono::steady_clock::now();
    const int64_t epoch = static_cast<int64_t>(step / stepsPerEpoch);
    if (epoch != orderEpoch) {
      order = epochOrder(train.size(), o.seed, epoch);
      orderEpoch = epoch;
    }
    const std::size_t offset = (step % stepsPerEpoch) * batch;
    std::vector<std::size_t> rows(order.begin() + offset, order.begin() + offset + batch);
    auto b = o.textAugment.active() ? makeBatch(train, rows, augmentedIds(train, rows, o, step, *tok, cfg.maxTokens))
                                    : makeBatch(train, rows);
    b.images = augmentImages(b.images, o.imageAugment, splitmix(splitmix(o.seed + 0x1A6ull) ^ static_cast<uint64_t>(step)))
                   .to(device);
    b.ids = b.ids.to(device);
    b.groups = b.groups.to(device);
    auto masks = model::sampleMasks(cfg, b.ids, batch, splitmix(o.seed * 0x100000001b3ull + static_cast<uint64_t>(step)));
    const double lr = learningRateAt(step, o);
    for (auto& group : optimizer->param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    optimizer->zero_grad();
    model::Losses losses;
    {
      model::AutocastScope autocast(device, bf16);
      losses = net->losses(b, masks, objective);
    }
    losses.total.backward();
    const double gradNorm = torch::nn::utils::clip_grad_norm_(params, o.clipNorm);
    optimizer->step();
    ++step;
    ++ranThisCall;

    StepRecord r{step, lr, losses.total.item<double>(), losses.contrastive.item<double>(),
                 losses.reconstruction.item<double>(), losses.mlm.item<double>(), net->temperature().item<double>(),
                 gradNorm, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                 losses.local.item<double>()};
    if (!std::isfinite(r.total)) {
      std::signal(SIGINT, previousHandler);
      throw std::runtime_error(fmt::format("loss became {} at step {}: lower --lr or check the data", r.total, step));
    }
    log.step(r);
    progress.update(r);
    const bool stopping = gStop.load() || (o.stopAfter > 0 && ranThisCall >= o.stopAfter);
    if (step % o.evalEvery == 0 || step == o.steps) evaluate(step);
    if (step % o.checkpointEvery == 0 || step == o.steps || stopping) checkpoint(step);
    if (stopping && step < o.steps) {
      result.interrupted = true;
      progress.message(fmt::format("stopped at step {}: checkpoint saved, continue with --resume", step));
      break;
    }
  }
  std::signal(SIGINT, previousHandler);
  progress.finish();
  log.writePlot();
  result.step = step;
  result.lastEval = lastEval;
  if (step >= o.steps) {
    result.completed = true;
    result.bundle = (fs::path(o.out) / "model.bundle").string();
    model::saveModelBundle(result.bundle, name, net, *tok, provenance(step, lastEval));
  }
  return result;
}

}  // namespace mcr::trainer
