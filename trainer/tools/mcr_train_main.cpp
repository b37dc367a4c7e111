// mcr-train: init | fit | eval | export. See docs/model.md.
#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <optional>
#include <unistd.h>

#include "mcr/model/Embedder.h"
#include "mcr/model/torch/BundleIO.h"
#include "mcr/trainer/Checkpoint.h"
#include "mcr/trainer/Dataset.h"
#include "mcr/trainer/Evaluate.h"
#include "mcr/trainer/Fit.h"

namespace fs = std::filesystem;
using namespace mcr;

namespace {

trainer::LoadedStudies loadSplit(const std::string& manifest, const std::string& split, int imageSize,
                                 const tokenizer::Tokenizer& tok, int maxTokens) {
  auto studies = trainer::selectSplit(trainer::loadManifest(manifest), split);
  if (studies.empty()) throw std::runtime_error("the " + split + " split of '" + manifest + "' is empty");
  auto data = trainer::loadStudies(std::move(studies), imageSize, tok, maxTokens, std::max(1, torch::get_num_threads()));
  for (const auto& s : data.skipped) std::cerr << "skipped (image unreadable): " << s << "\n";
  if (data.size() == 0) throw std::runtime_error("no readable study in the " + split + " split");
  return data;
}

// A bundle path from a bundle, a fit output folder or a checkpoint folder.
std::string resolveBundle(const std::string& from) {
  const fs::path p(from);
  if (fs::is_regular_file(p)) return from;
  if (fs::exists(p / "model.bundle")) return (p / "model.bundle").string();
  if (fs::exists(p / "checkpoints" / "LATEST")) return trainer::readLatestCheckpoint(from).bundlePath;
  throw std::runtime_error("'" + from + "' is neither a bundle, a fit output folder nor a checkpoint folder");
}

int runEval(const std::string& modelPath, const std::string& manifest, const std::string& split, bool json,
            const std::string& device, const std::string& precision, bool comparePrecision, bool probeCeiling) {
  if (probeCeiling && split != "val" && split != "test")
    throw std::runtime_error("--probe-ceiling fits its classifiers on the train split: evaluate --split val or test");
  auto embedder = model::Embedder::load(modelPath, device, precision);
  auto loaded = model::loadModelBundle(modelPath);  // for the tokenizer
  const auto& info = embedder->info();
  auto data = loadSplit(manifest, split, info.imageSize, *loaded.tokenizer, info.maxTokens);
  std::optional<trainer::LoadedStudies> reference;
  if (probeCeiling) reference = loadSplit(manifest, "train", info.imageSize, *loaded.tokenizer, info.maxTokens);
  auto report = trainer::evaluateEmbedder(*embedder, data, reference ? &*reference : nullptr);
  if (probeCeiling && report.probes.empty())
    std::cerr << "--probe-ceiling: no probe was scored (no findings column, or no finding class has "
              << trainer::kMinProbePositives << " positives in the " << split << " split), so there is no ceiling\n";
  std::cout << fmt::format("model {} ({}), {} split of {}, precision {}\n", info.name, info.fingerprint.substr(0, 12), split,
                           manifest, info.precision)
            << report.toTable();
  if (comparePrecision) {
    auto fp32 = model::Embedder::load(modelPath, device, "fp32");
    auto bf16 = model::Embedder::load(modelPath, device, "bf16");
    auto agreement = trainer::compareRankings(*fp32, *bf16, data);
    std::cout << fmt::format("bf16 vs fp32 top-10 overlap: image->report {:.3f}, report->image {:.3f}\n", agreement.i2t,
                             agreement.t2i);
  }
  if (json) std::cout << report.toJson() << std::endl;
  return 0;
}

int runExport(const std::string& from, const std::string& out, const std::string& name, const std::string& manifest,
              const std::string& split) {
  const std::string source = resolveBundle(from);
  auto loaded = model::loadModelBundle(source);
  boost::json::error_code ec;
  auto prov = boost::json::parse(loaded.file.provenance, ec);
  boost::json::object p = (!ec && prov.is_object()) ? prov.as_object() : boost::json::object{};
  if (!manifest.empty()) {
    auto data = loadSplit(manifest, split, loaded.model->config.imageSize, *loaded.tokenizer, loaded.model->config.maxTokens);
    auto report = trainer::evaluateLiveModel(loaded.model, *loaded.tokenizer, data, torch::Device(torch::kCPU), false);
    p["eval"] = boost::json::parse(report.toJson());
    p["eval_split"] = split + " of " + fs::path(manifest).filename().string();
    std::cout << report.toTable();
  }
  const auto fingerprint = model::saveModelBundle(out, name.empty() ? loaded.file.name : name, loaded.model,
                                                  *loaded.tokenizer, boost::json::serialize(p));
  std::cout << fmt::format("exported {} -> {} ({} bytes), fingerprint {}\n", source, out, fs::file_size(out), fingerprint);
  return 0;
}

}  // namespace

// OpenMP threads that busy-wait slow a shared machine down by 5-20x (measured: 3.0 s vs
// 0.16 s per tiny step at load 10 on 2 cores). The policy is read when the OpenMP runtime
// loads, before main(), so set it and re-execute once. OpenBLAS's variables are left as the
// machine sets them (they work around CPU misdetection on some hosts).
void preferPassiveThreads(char** argv) {
  if (std::getenv("MCR_TRAIN_THREADS_SET")) return;
  ::setenv("MCR_TRAIN_THREADS_SET", "1", 1);
  bool changed = false;
  if (!std::getenv("OMP_WAIT_POLICY")) changed |= ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1) == 0;
  if (changed) ::execv("/proc/self/exe", argv);  // returns only on failure: then run as we are
}

int main(int argc, char** argv) {
  preferPassiveThreads(argv);
  CLI::App app{"mcr-train: train, evaluate and export MCR models for orthanc-mcr"};
  app.require_subcommand(1);

  trainer::InitOptions init;
  auto* initCmd = app.add_subcommand("init", "write an untrained bundle with a tokenizer learnt from a manifest");
  initCmd->add_option("--config", init.config, "model size: tiny or small")->capture_default_str();
  initCmd->add_option("--corpus", init.corpus, "manifest whose report texts teach the tokenizer")->required();
  initCmd->add_option("--out", init.out, "bundle to write")->required();
  initCmd->add_option("--vocab", init.vocabSize, "tokenizer vocabulary size (0 = preset default)");
  initCmd->add_option("--aggregation", init.aggregation, "mba or abm")->capture_default_str();
  initCmd->add_option("--seed", init.seed, "weight initialisation seed")->capture_default_str();
  initCmd->add_option("--name", init.name, "model name stored in the bundle");

  trainer::FitOptions fit;
  auto* fitCmd = app.add_subcommand("fit", "train or fine-tune a model");
  auto* src = fitCmd->add_option("--manifest", fit.manifest, "mcr-synth or generic manifest CSV");
  auto* orth = fitCmd->add_option("--orthanc", fit.orthancUrl, "train on the CR/DX + SR studies of an Orthanc (http://host:port)");
  src->excludes(orth);
  fitCmd->add_option("--orthanc-user", fit.orthancUser, "HTTP basic auth user");
  fitCmd->add_option("--orthanc-password", fit.orthancPassword, "HTTP basic auth password");
  fitCmd->add_option("--out", fit.out, "output folder (log, plot, checkpoints, model.bundle)")->required();
  fitCmd->add_option("--init", fit.init, "bundle to fine-tune (its tokenizer is kept)");
  fitCmd->add_flag("--resume", fit.resume, "continue from the latest checkpoint in --out");
  fitCmd->add_option("--config", fit.config, "model size when not --init: tiny or small")->capture_default_str();
  fitCmd->add_option("--objective", fit.objective, "mcr or dual-stream")->capture_default_str();
  fitCmd->add_option("--aggregation", fit.aggregation, "mba or abm (default: mba, or the --init bundle's)");
  fitCmd->add_option("--vocab", fit.vocabSize, "tokenizer vocabulary size when not --init (0 = preset default)");
  fitCmd->add_option("--image-size", fit.imageSize, "input side in pixels of a new model (default: the config's)")
      ->check(CLI::NonNegativeNumber);
  fitCmd->add_option("--patch-size", fit.patchSize, "ViT patch side of a new model (default: the config's)")
      ->check(CLI::NonNegativeNumber);
  fitCmd->add_option("--patch-embedding", fit.patchEmbedding,
                     "linear, or conv (adds a per-patch stride-2 convolution branch; needs a power-of-two patch "
                     "size) for a new model (default: the config's)")
      ->check(CLI::IsMember({"linear", "conv"}));
  fitCmd->add_option("--steps", fit.steps, "optimizer steps in total")->capture_default_str();
  fitCmd->add_option("--batch", fit.batchSize, "studies per step")->capture_default_str();
  fitCmd->add_option("--lr", fit.learningRate, "peak learning rate (AdamW)")->capture_default_str();
  fitCmd->add_option("--warmup", fit.warmupSteps, "linear warm-up steps, then cosine decay")->capture_default_str();
  fitCmd->add_option("--weight-decay", fit.weightDecay, "AdamW weight decay")->capture_default_str();
  fitCmd->add_option("--clip", fit.clipNorm, "gradient norm clip")->capture_default_str();
  fitCmd->add_option("--image-mask", fit.imageMaskRatio, "image patch masking ratio (default: the config's)");
  fitCmd->add_option("--text-mask", fit.textMaskRatio, "report token masking ratio (default: the config's)");
  fitCmd->add_option("--recon-weight", fit.reconstructionWeight, "reconstruction loss weight (default: the config's)");
  fitCmd->add_option("--mlm-weight", fit.mlmWeight, "masked-token loss weight (default: the config's)");
  fitCmd->add_option("--local-weight", fit.localWeight,
                     "token-to-patch alignment loss weight (default: the config's; 0 = off)");
  fitCmd->add_option("--rewrite-rate", fit.textAugment.rewriteRate,
                     "share of train reports replaced by grammar prose of their findings (needs a findings column)")
      ->capture_default_str();
  fitCmd->add_option("--positives", fit.positives,
                     "contrastive positives: report (identical report text) or findings (equal finding sets)")
      ->check(CLI::IsMember({"report", "findings"}))
      ->capture_default_str();
  fitCmd->add_option("--sentence-rate", fit.textAugment.sentenceRate,
                     "share of train reports cut to a random subset of their sentences")
      ->capture_default_str();
  fitCmd->add_option("--image-augment", fit.imageAugment.strength,
                     "strength of the random shift/scale/rotation and exposure changes of train images (0 = off, 1 = documented ranges)")
      ->capture_default_str();
  fitCmd->add_option("--seed", fit.seed, "seed of init, batch order and masks")->capture_default_str();
  fitCmd->add_option("--eval-every", fit.evalEvery, "evaluate on the val split every N steps")->capture_default_str();
  fitCmd->add_option("--checkpoint-every", fit.checkpointEvery, "checkpoint every N steps")->capture_default_str();
  fitCmd->add_option("--keep-checkpoints", fit.keepCheckpoints, "checkpoints kept")->capture_default_str();
  fitCmd->add_option("--stop-after", fit.stopAfter, "stop with a checkpoint after N steps of this run (time-boxing)");
  fitCmd->add_option("--device", fit.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  fitCmd->add_option("--precision", fit.precision, "auto (bf16 autocast where fast), fp32 or bf16")->capture_default_str();
  fitCmd->add_option("--threads", fit.threads, "LibTorch intra-op threads (0 = default)");
  fitCmd->add_option("--name", fit.name, "model name stored in the bundle");
  bool quiet = false;
  fitCmd->add_flag("--quiet", quiet, "no progress bar");

  std::string evalModel, evalManifest, evalSplit = "test", evalDevice = "auto", evalPrecision = "auto";
  bool evalJson = false, comparePrecision = false;
  auto* evalCmd = app.add_subcommand("eval", "study-level retrieval metrics of a bundle on a manifest split");
  evalCmd->add_option("--model", evalModel, "model bundle")->required();
  evalCmd->add_option("--manifest", evalManifest, "manifest CSV")->required();
  evalCmd->add_option("--split", evalSplit, "test, val or all")->capture_default_str();
  evalCmd->add_flag("--json", evalJson, "print the metrics as one JSON object on the last line");
  evalCmd->add_option("--device", evalDevice, "auto, cpu, cuda or cuda:N")->capture_default_str();
  evalCmd->add_option("--precision", evalPrecision, "auto, fp32 or bf16")->capture_default_str();
  evalCmd->add_flag("--compare-precision", comparePrecision, "also report bf16 vs fp32 top-10 ranking overlap");
  bool probeCeiling = false;
  evalCmd->add_flag("--probe-ceiling", probeCeiling,
                    "also each probe's image ceiling: P@10 of a linear classifier fitted on the train split's images");

  std::string exportFrom, exportOut, exportName, exportManifest, exportSplit = "val";
  auto* exportCmd = app.add_subcommand("export", "write a bundle (with eval metrics in its provenance) from a fit");
  exportCmd->add_option("--from", exportFrom, "bundle, fit output folder or checkpoint folder")->required();
  exportCmd->add_option("--out", exportOut, "bundle to write")->required();
  exportCmd->add_option("--name", exportName, "model name (default: kept)");
  exportCmd->add_option("--eval-manifest", exportManifest, "evaluate on this manifest and store the metrics");
  exportCmd->add_option("--split", exportSplit, "split of --eval-manifest")->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  try {
    if (*initCmd) {
      const auto fingerprint = trainer::initBundle(init);
      std::cout << fmt::format("wrote {} ({} bytes), fingerprint {}\n", init.out, fs::file_size(init.out), fingerprint);
      return 0;
    }
    if (*fitCmd) {
      if (fit.manifest.empty() && fit.orthancUrl.empty()) throw std::runtime_error("fit needs --manifest or --orthanc");
      fit.progress = !quiet;
      auto result = trainer::fit(fit);
      if (result.completed) std::cout << "wrote " << result.bundle << "\n";
      if (result.lastEval) std::cout << result.lastEval->toTable();
      return result.interrupted ? 130 : 0;
    }
    if (*evalCmd) return runEval(evalModel, evalManifest, evalSplit, evalJson, evalDevice, evalPrecision, comparePrecision,
                                  probeCeiling);
    if (*exportCmd) return runExport(exportFrom, exportOut, exportName, exportManifest, exportSplit);
  } catch (const std::exception& e) {
    std::cerr << "mcr-train: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
