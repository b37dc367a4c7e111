#pragma once
// `mcr-train init` and `mcr-train fit`: the training loop with AdamW, warm-up + cosine,
// gradient clipping, seeded masks and batches, checkpoints, exact resume, JSON-lines log
// and an SVG of the curves.
#include <cstdint>
#include <optional>
#include <string>

#include "mcr/trainer/ImageAugment.h"
#include "mcr/trainer/Metrics.h"
#include "mcr/trainer/TextAugment.h"

namespace mcr::trainer {

struct InitOptions {
  std::string config = "tiny";  // preset
  std::string corpus;           // manifest whose report texts teach the tokenizer
  std::string out;              // bundle path
  int vocabSize = 0;            // 0 = the preset's default (tiny 1000, small 4000)
  std::string aggregation = "mba";
  uint64_t seed = 1;
  std::string name;             // default "mcr-<config>-<aggregation>"
};
// Writes an untrained bundle; returns its fingerprint. Throws on bad input.
std::string initBundle(const InitOptions& options);

struct FitOptions {
  std::string manifest;          // mcr-synth or generic manifest
  std::string orthancUrl;        // alternative data source (REST API)
  std::string orthancUser, orthancPassword;
  std::string out;               // output folder: log, plot, checkpoints, model.bundle
  std::string init;              // bundle to fine-tune (its tokenizer is kept)
  bool resume = false;           // continue from out/checkpoints/LATEST
  std::string config = "small";  // preset when not --init
  std::string objective = "mcr";
  std::string aggregation;  // "mba" or "abm"; empty: mba, or the --init bundle's
  int vocabSize = 0;
  int imageSize = 0;  // input side in pixels of a new model; 0: the preset's
  int patchSize = 0;  // ViT patch side of a new model; 0: the preset's
  std::string patchEmbedding;  // "linear" or "conv" for a new model; empty: the preset's
  int steps = 1000;
  int batchSize = 64;
  int warmupSteps = 50;
  double learningRate = 1e-3;
  double weightDecay = 0.05;
  double clipNorm = 1.0;
  double imageMaskRatio = -1;  // < 0: keep the config's
  double textMaskRatio = -1;
  double reconstructionWeight = -1;  // < 0: keep the config's
  double mlmWeight = -1;
  double localWeight = -1;  // token-to-patch alignment weight; < 0: keep the config's (0 = off)
  TextAugmentOptions textAugment;
  ImageAugmentOptions imageAugment;  // off by default
  std::string positives = "report";  // "report" (identical report text) or "findings" (equal finding sets)
  uint64_t seed = 1;
  int evalEvery = 200;
  int checkpointEvery = 200;
  int keepCheckpoints = 2;
  int stopAfter = 0;  // > 0: stop (with a checkpoint) after this many steps in this run
  std::string device = "auto";
  std::string precision = "auto";
  int threads = 0;  // 0: LibTorch's default
  std::string name;
  bool progress = true;
};

struct FitResult {
  int step = 0;              // steps done in total (including before a resume)
  bool completed = false;    // reached `steps`
  bool interrupted = false;  // SIGINT or stopAfter
  std::string bundle;        // out/model.bundle when completed
  std::optional<RetrievalReport> lastEval;
};

// Throws std::runtime_error (or ManifestError / BundleError) for bad input.
FitResult fit(const FitOptions& options);

// Asks a running fit() to checkpoint and return after the current step (signal-safe).
void requestStop();

}  // namespace mcr::trainer
