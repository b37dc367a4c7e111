// The training loop of fit(): one seeded step, and the cadence of evaluations, checkpoints and
// stops around it.
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <random>

#include "FitSteps.h"
#include "mcr/model/torch/Autocast.h"
#include "mcr/trainer/Checkpoint.h"
#include "mcr/trainer/Evaluate.h"
#include "mcr/trainer/StopSignal.h"

namespace mcr::trainer::detail {
namespace {
using Clock = std::chrono::steady_clock;

// The order of epoch `epoch`: a Fisher-Yates shuffle driven by a seeded mt19937_64
// (its output is fixed by the standard, unlike std::shuffle's use of it).
std::vector<std::size_t> epochOrder(std::size_t n, uint64_t seed, int64_t epoch) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937_64 rng(splitmix(seed ^ splitmix(static_cast<uint64_t>(epoch) + 0x5EED)));
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  return order;
}

// The rows of each step: each epoch is one permutation cut into stepsPerEpoch batches (the
// remainder sits out that epoch). Kept across steps so the shuffle runs once per epoch.
class BatchRows {
 public:
  std::vector<std::size_t> at(int step, const FitData& data, uint64_t seed) {
    const int64_t epoch = static_cast<int64_t>(step / data.stepsPerEpoch);
    if (epoch != epoch_) {
      order_ = epochOrder(data.train.size(), seed, epoch);
      epoch_ = epoch;
    }
    const std::size_t offset = (step % data.stepsPerEpoch) * data.batch;
    return {order_.begin() + offset, order_.begin() + offset + data.batch};
  }

 private:
  std::vector<std::size_t> order_;
  int64_t epoch_ = -1;
};

double learningRateAt(int step, const FitOptions& o) {
  if (step < o.warmupSteps) return o.learningRate * (step + 1) / o.warmupSteps;
  const double progress = double(step - o.warmupSteps) / std::max(1, o.steps - o.warmupSteps);
  return o.learningRate * 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
}

// Token ids of the batch rows under text augmentation: a pure function of (seed, step, row).
std::vector<std::vector<int64_t>> augmentedIds(const FitRun& run, const std::vector<std::size_t>& rows, int step) {
  std::vector<std::vector<int64_t>> ids;
  ids.reserve(rows.size());
  for (auto r : rows) {
    const uint64_t seed = splitmix(splitmix(run.o.seed + 0xA06ull) ^ (static_cast<uint64_t>(step) << 24) ^ r);
    ids.push_back(run.m.tok->encode(augmentReport(run.data.train.studies[r], run.o.textAugment, seed),
                                    static_cast<std::size_t>(run.m.net->config.maxTokens)));
  }
  return ids;
}

// One optimizer step on `rows`; `step` counts the steps done before it. Its seconds run from
// `t0`, so that choosing the rows counts too.
StepRecord trainStep(FitRun& run, const std::vector<std::size_t>& rows, int step, Clock::time_point t0) {
  const auto& o = run.o;
  const auto& cfg = run.m.net->config;
  const auto& device = run.rt.device;
  const auto& train = run.data.train;
  auto& optimizer = *run.m.optimizer;
  auto b = o.textAugment.active() ? makeBatch(train, rows, augmentedIds(run, rows, step)) : makeBatch(train, rows);
  b.images = augmentImages(b.images, o.imageAugment, splitmix(splitmix(o.seed + 0x1A6ull) ^ static_cast<uint64_t>(step)))
                 .to(device);
  b.ids = b.ids.to(device);
  b.groups = b.groups.to(device);
  auto masks =
      model::sampleMasks(cfg, b.ids, run.data.batch, splitmix(o.seed * 0x100000001b3ull + static_cast<uint64_t>(step)));
  const double lr = learningRateAt(step, o);
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  optimizer.zero_grad();
  model::Losses losses;
  {
    model::AutocastScope autocast(device, run.rt.bf16);
    losses = run.m.net->losses(b, masks, run.rt.objective);
  }
  losses.total.backward();
  const double gradNorm = torch::nn::utils::clip_grad_norm_(run.m.net->parameters(), o.clipNorm);
  optimizer.step();
  return {step + 1, lr, losses.total.item<double>(), losses.contrastive.item<double>(),
          losses.reconstruction.item<double>(), losses.mlm.item<double>(), run.m.net->temperature().item<double>(),
          gradNorm, std::chrono::duration<double>(Clock::now() - t0).count(), losses.local.item<double>()};
}

void evaluate(FitRun& run, int step) {
  if (run.data.val.size() == 0) return;
  run.lastEval = evaluateLiveModel(run.m.net, *run.m.tok, run.data.val, run.rt.device, run.rt.bf16);
  const auto& e = *run.lastEval;
  run.log.eval(step, e);
  run.log.writePlot();
  auto f = e.i2t.findings;
  run.progress.message(fmt::format("step {} val: i2t R@10 exact {:.3f}{} t2i R@10 exact {:.3f}{}", step, e.i2t.exact.r10,
                                   f ? fmt::format(" findings {:.3f}", f->r10) : "", e.t2i.exact.r10,
                                   e.macroP10 ? fmt::format(" probe macro P@10 {:.3f}", *e.macroP10) : ""));
}

void checkpoint(const FitRun& run, int step) {
  CheckpointState st;
  st.step = step;
  st.initFingerprint = run.m.initFingerprint;
  st.optionsJson = resumeKeyJson(run.o);
  writeCheckpoint(run.o.out, st, run.m.net, *run.m.tok, *run.m.optimizer, run.name, provenanceJson(run, step),
                  run.o.keepCheckpoints);
}

}  // namespace

std::string provenanceJson(const FitRun& run, int step) {
  const auto& o = run.o;
  boost::json::object p{
      {"trainer", "mcr-train fit"},
      {"data", fmt::format("{}: {} train / {} val studies", run.data.description, run.data.train.size(), run.data.val.size())},
      {"objective", o.objective},
      {"aggregation", model::toString(run.m.net->config.aggregation)},
      {"steps", step},
      {"batch", run.data.batch},
      {"lr", o.learningRate},
      {"seed", o.seed},
      {"rewrite_rate", o.textAugment.rewriteRate},
      {"sentence_rate", o.textAugment.sentenceRate},
      {"image_augment", o.imageAugment.strength},
      {"positives", o.positives},
      {"precision", run.rt.bf16 ? "bf16-autocast" : "fp32"},
      {"init", run.m.initFingerprint.empty() ? boost::json::value(nullptr) : boost::json::value(run.m.initFingerprint)}};
  p["eval"] = run.lastEval ? boost::json::parse(run.lastEval->toJson()) : boost::json::value(nullptr);
  return boost::json::serialize(p);
}

FitResult trainLoop(FitRun& run) {
  const auto& o = run.o;
  clearStopRequest();
  SigintStopGuard sigint;
  run.m.net->train();
  BatchRows rows;
  FitResult result;
  int step = run.m.startStep;
  int ranThisCall = 0;
  while (step < o.steps) {
    const auto t0 = Clock::now();
    const StepRecord r = trainStep(run, rows.at(step, run.data, o.seed), step, t0);
    ++step;
    ++ranThisCall;
    if (!std::isfinite(r.total))
      throw std::runtime_error(fmt::format("loss became {} at step {}: lower --lr or check the data", r.total, step));
    run.log.step(r);
    run.progress.update(r);
    const bool stopping = stopRequested() || (o.stopAfter > 0 && ranThisCall >= o.stopAfter);
    if (step % o.evalEvery == 0 || step == o.steps) evaluate(run, step);
    if (step % o.checkpointEvery == 0 || step == o.steps || stopping) checkpoint(run, step);
    if (stopping && step < o.steps) {
      result.interrupted = true;
      run.progress.message(fmt::format("stopped at step {}: checkpoint saved, continue with --resume", step));
      break;
    }
  }
  result.step = step;
  return result;
}

}  // namespace mcr::trainer::detail
