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
#include <random>

#include "FitSetup.h"
#include "SigintGuard.h"
#include "mcr/model/Runtime.h"
#include "mcr/model/torch/Autocast.h"
#include "mcr/model/torch/BundleIO.h"
#include "mcr/model/torch/Runtime.h"
#include "mcr/trainer/Checkpoint.h"
#include "mcr/trainer/Dataset.h"
#include "mcr/trainer/Evaluate.h"
#include "mcr/trainer/TextAugment.h"
#include "mcr/trainer/TrainLog.h"

namespace mcr::trainer {
namespace fs = std::filesystem;
using detail::splitmix;
using model::MCRModel;

namespace {

std::atomic<bool> gStop{false};
extern "C" void onSigint(int) { gStop.store(true); }

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

// Everything the training loop works with, set up once by fit().
struct FitRun {
  FitOptions options;
  torch::Device device{torch::kCPU};
  bool bf16 = false;
  model::Objective objective{};
  detail::FitModel model;
  std::unique_ptr<torch::optim::AdamW> optimizer;
  LoadedStudies train, val;
  std::string dataDescription, name;
  int batch = 0;
  std::size_t stepsPerEpoch = 1;
  std::optional<RetrievalReport> lastEval;
};

std::string provenanceJson(const FitRun& run, int step) {
  const FitOptions& o = run.options;
  const auto& cfg = run.model.net->config;
  boost::json::object p{{"trainer", "mcr-train fit"},
                        {"data", fmt::format("{}: {} train / {} val studies", run.dataDescription, run.train.size(), run.val.size())},
                        {"objective", o.objective},
                        {"aggregation", model::toString(cfg.aggregation)},
                        {"steps", step},
                        {"batch", run.batch},
                        {"lr", o.learningRate},
                        {"seed", o.seed},
                        {"rewrite_rate", o.textAugment.rewriteRate},
                        {"sentence_rate", o.textAugment.sentenceRate},
                        {"image_augment", o.imageAugment.strength},
                        {"positives", o.positives},
                        {"precision", run.bf16 ? "bf16-autocast" : "fp32"},
                        {"init", run.model.initFingerprint.empty() ? boost::json::value(nullptr)
                                                                   : boost::json::value(run.model.initFingerprint)}};
  p["eval"] = run.lastEval ? boost::json::parse(run.lastEval->toJson()) : boost::json::value(nullptr);
  return boost::json::serialize(p);
}

void evaluateAt(FitRun& run, int step, TrainLog& log, ProgressBar& progress) {
  if (run.val.size() == 0) return;
  run.lastEval = evaluateLiveModel(run.model.net, *run.model.tokenizer, run.val, run.device, run.bf16);
  log.eval(step, *run.lastEval);
  log.writePlot();
  const RetrievalReport& e = *run.lastEval;
  progress.message(fmt::format("step {} val: i2t R@10 exact {:.3f}{} t2i R@10 exact {:.3f}{}", step, e.i2t.exact.r10,
                               e.i2t.findings ? fmt::format(" findings {:.3f}", e.i2t.findings->r10) : "",
                               e.t2i.exact.r10, e.macroP10 ? fmt::format(" probe macro P@10 {:.3f}", *e.macroP10) : ""));
}

void checkpointAt(FitRun& run, int step) {
  CheckpointState st;
  st.step = step;
  st.initFingerprint = run.model.initFingerprint;
  st.optionsJson = resumeKeyJson(run.options);
  writeCheckpoint(run.options.out, st, run.model.net, *run.model.tokenizer, *run.optimizer, run.name,
                  provenanceJson(run, step), run.options.keepCheckpoints);
}

// The batch of `step`: rows of the epoch's order, augmented; every random draw a pure
// function of (seed, step), so that a resumed run continues exactly.
model::TrainBatch batchAt(FitRun& run, int step, std::vector<std::size_t>& order, int64_t& orderEpoch) {
  const FitOptions& o = run.options;
  const int64_t epoch = static_cast<int64_t>(step / run.stepsPerEpoch);
  if (epoch != orderEpoch) {
    order = epochOrder(run.train.size(), o.seed, epoch);
    orderEpoch = epoch;
  }
  const std::size_t offset = (step % run.stepsPerEpoch) * run.batch;
  std::vector<std::size_t> rows(order.begin() + offset, order.begin() + offset + run.batch);
  const int maxTokens = run.model.net->config.maxTokens;
  auto b = o.textAugment.active()
               ? makeBatch(run.train, rows, augmentedIds(run.train, rows, o, step, *run.model.tokenizer, maxTokens))
               : makeBatch(run.train, rows);
  b.images = augmentImages(b.images, o.imageAugment, splitmix(splitmix(o.seed + 0x1A6ull) ^ static_cast<uint64_t>(step)))
                 .to(run.device);
  b.ids = b.ids.to(run.device);
  b.groups = b.groups.to(run.device);
  return b;
}

// One optimiser step on the batch of `step`; returns its record (step numbered from 1).
StepRecord trainStep(FitRun& run, int step, std::vector<std::size_t>& order, int64_t& orderEpoch,
                     const std::vector<torch::Tensor>& params) {
  const FitOptions& o = run.options;
  MCRModel& net = run.model.net;
  const auto t0 = std::chrono::steady_clock::now();
  auto b = batchAt(run, step, order, orderEpoch);
  auto masks = model::sampleMasks(net->config, b.ids, run.batch,
                                  splitmix(o.seed * 0x100000001b3ull + static_cast<uint64_t>(step)));
  const double lr = learningRateAt(step, o);
  for (auto& group : run.optimizer->param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  run.optimizer->zero_grad();
  model::Losses losses;
  {
    model::AutocastScope autocast(run.device, run.bf16);
    losses = net->losses(b, masks, run.objective);
  }
  losses.total.backward();
  const double gradNorm = torch::nn::utils::clip_grad_norm_(params, o.clipNorm);
  run.optimizer->step();
  return StepRecord{step + 1, lr, losses.total.item<double>(), losses.contrastive.item<double>(),
                    losses.reconstruction.item<double>(), losses.mlm.item<double>(), net->temperature().item<double>(),
                    gradNorm, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                    losses.local.item<double>()};
}

// The loop: steps with evaluation and checkpoint cadence, until the last step, a stop
// request (SIGINT, requestStop) or --stop-after. Returns the step reached.
int trainLoop(FitRun& run, TrainLog& log, ProgressBar& progress, FitResult& result) {
  const FitOptions& o = run.options;
  gStop.store(false);
  const detail::SigintGuard sigint(onSigint);
  run.model.net->train();
  std::vector<std::size_t> order;
  int64_t orderEpoch = -1;
  int step = run.model.startStep;
  int ranThisCall = 0;
  const auto params = run.model.net->parameters();
  while (step < o.steps) {
    const StepRecord r = trainStep(run, step, order, orderEpoch, params);
    ++step;
    ++ranThisCall;
    if (!std::isfinite(r.total))
      throw std::runtime_error(fmt::format("loss became {} at step {}: lower --lr or check the data", r.total, step));
    log.step(r);
    progress.update(r);
    const bool stopping = gStop.load() || (o.stopAfter > 0 && ranThisCall >= o.stopAfter);
    if (step % o.evalEvery == 0 || step == o.steps) evaluateAt(run, step, log, progress);
    if (step % o.checkpointEvery == 0 || step == o.steps || stopping) checkpointAt(run, step);
    if (stopping && step < o.steps) {
      result.interrupted = true;
      progress.message(fmt::format("stopped at step {}: checkpoint saved, continue with --resume", step));
      break;
    }
  }
  return step;
}

FitOptions checkedOptions(const FitOptions& in) {
  FitOptions o = in;
  if (o.out.empty()) throw std::runtime_error("fit needs --out");
  if (o.steps <= 0 || o.batchSize < 2) throw std::runtime_error("fit needs --steps >= 1 and --batch >= 2");
  o.warmupSteps = std::max(1, std::min(o.warmupSteps, o.steps));
  validate(o.textAugment);
  validate(o.imageAugment);
  if (o.positives != "report" && o.positives != "findings")
    throw std::runtime_error("--positives must be 'report' or 'findings', not '" + o.positives + "'");
  return o;
}

// Loads the images and token ids of both splits and reports how the data fits the model.
void loadTrainingData(FitRun& run, const detail::FitData& data, ProgressBar& progress, TokenCoverage& coverage) {
  const FitOptions& o = run.options;
  const auto& cfg = run.model.net->config;
  const tokenizer::Tokenizer& tok = *run.model.tokenizer;
  progress.message(fmt::format("loading {} train + {} val studies ({}px)...", data.train.size(), data.val.size(), cfg.imageSize));
  run.train = loadStudies(data.train, cfg.imageSize, tok, cfg.maxTokens, std::max(1, torch::get_num_threads()));
  run.val = loadStudies(data.val, cfg.imageSize, tok, cfg.maxTokens, std::max(1, torch::get_num_threads()));
  for (const auto& s : run.train.skipped) progress.message("skipped (image unreadable): " + s);
  coverage = tokenCoverage(run.train.studies, tok, cfg.maxTokens);
  progress.message(fmt::format("train reports through the {} tokenizer: {:.1f} tokens on average, {:.1f} % [UNK], "
                               "{:.1f} % longer than {} tokens (cut)",
                               o.init.empty() ? "model's" : "--init bundle's", coverage.meanTokens,
                               100 * coverage.unknownShare, 100 * coverage.truncatedShare, cfg.maxTokens));
  if (o.positives == "findings") groupByFindings(run.train);
  const bool anyFindings =
      std::any_of(run.train.studies.begin(), run.train.studies.end(), [](const Study& s) { return s.hasFindings; });
  if (o.textAugment.rewriteRate > 0 && !anyFindings)
    progress.message("--rewrite-rate has no effect: the training data has no findings column");
  run.batch = static_cast<int>(std::min<std::size_t>(o.batchSize, run.train.size()));
  if (run.batch < 2) throw std::runtime_error("fewer than 2 readable training studies");
  run.stepsPerEpoch = std::max<std::size_t>(1, run.train.size() / run.batch);
}

}  // namespace

void requestStop() { gStop.store(true); }

std::string initBundle(const InitOptions& o) {
  if (o.out.empty()) throw std::runtime_error("init needs --out");
  auto config = model::presetConfig(o.config);
  config.aggregation = model::parseAggregation(o.aggregation);
  const auto studies = loadManifest(o.corpus);
  auto tok = tokenizer::trainWordPiece(detail::reportTexts(studies), o.vocabSize > 0 ? o.vocabSize : detail::defaultVocab(o.config));
  config.vocabSize = static_cast<int>(tok->vocabSize());
  auto m = model::makeModel(config, o.seed);
  boost::json::object prov{{"trainer", "mcr-train init"},
                           {"data", fmt::format("untrained; tokenizer learnt from {} report texts of {}", studies.size(), o.corpus)},
                           {"steps", 0},
                           {"seed", o.seed}};
  const std::string name = o.name.empty() ? fmt::format("mcr-{}-{}", o.config, o.aggregation) : o.name;
  return model::saveModelBundle(o.out, name, m, *tok, boost::json::serialize(prov));
}

FitResult fit(const FitOptions& options) {
  FitRun run;
  run.options = checkedOptions(options);
  const FitOptions& o = run.options;
  fs::create_directories(fs::path(o.out) / "checkpoints");
  if (o.threads > 0) torch::set_num_threads(o.threads);
  run.objective = model::parseObjective(o.objective);
  run.device = model::parseDevice(o.device);
  std::string precisionWhy;
  run.bf16 = model::choosePrecision(run.device, o.precision, precisionWhy) == torch::kBFloat16;

  const detail::FitData data = detail::loadFitData(o);
  run.dataDescription = data.description;
  run.model = detail::setupModel(o, data.train);
  MCRModel& net = run.model.net;
  net->to(run.device);
  run.optimizer = detail::makeOptimizer(net, o);
  if (run.model.resumed) torch::load(*run.optimizer, run.model.resumed->optimizerPath, run.device);

  ProgressBar progress(o.steps, run.model.startStep, o.progress);
  TokenCoverage coverage;
  loadTrainingData(run, data, progress, coverage);
  const auto& cfg = net->config;
  progress.message(fmt::format("device {}, precision {} ({}), BLAS {}, {} threads, objective {}, aggregation {}, batch {}",
                               model::deviceName(run.device), run.bf16 ? "bf16 autocast" : "fp32", precisionWhy,
                               model::loadedBlasLibraries(), torch::get_num_threads(), o.objective,
                               model::toString(cfg.aggregation), run.batch));
  TrainLog log(o.out, run.model.startStep);
  if (!run.model.resumed)
    log.note(detail::settingsJson(o, cfg, run.bf16 ? "bf16" : "fp32", model::deviceName(run.device), coverage));
  run.name = o.name.empty() ? fmt::format("mcr-{}-{}", cfg.preset, model::toString(cfg.aggregation)) : o.name;

  FitResult result;
  const int step = trainLoop(run, log, progress, result);
  progress.finish();
  log.writePlot();
  result.step = step;
  result.lastEval = run.lastEval;
  if (step >= o.steps) {
    result.completed = true;
    result.bundle = (fs::path(o.out) / "model.bundle").string();
    model::saveModelBundle(result.bundle, run.name, net, *run.model.tokenizer, provenanceJson(run, step));
  }
  return result;
}

}  // namespace mcr::trainer
