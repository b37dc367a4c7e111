#include "mcr/trainer/Checkpoint.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "mcr/model/torch/BundleIO.h"

namespace mcr::trainer {
namespace fs = std::filesystem;

std::string resumeKeyJson(const FitOptions& o) {
  boost::json::object k{{"objective", o.objective}, {"steps", o.steps},         {"batch", o.batchSize},
                        {"lr", o.learningRate},     {"warmup", o.warmupSteps},  {"weight_decay", o.weightDecay},
                        {"clip", o.clipNorm},       {"seed", o.seed},           {"image_mask", o.imageMaskRatio},
                        {"text_mask", o.textMaskRatio}, {"recon_weight", o.reconstructionWeight}, {"mlm_weight", o.mlmWeight},
                        {"rewrite_rate", o.textAugment.rewriteRate}, {"positives", o.positives}, {"sentence_rate", o.textAugment.sentenceRate},
                        {"image_augment", o.imageAugment.strength}};
  // Only when set: checkpoints written before the option existed did not set it.
  if (o.localWeight >= 0) k["local_weight"] = o.localWeight;
  return boost::json::serialize(k);
}

void checkResumeCompatible(const CheckpointState& state, const FitOptions& options) {
  auto stored = boost::json::parse(state.optionsJson).as_object();
  auto now = boost::json::parse(resumeKeyJson(options)).as_object();
  for (const auto& [key, value] : now) {
    auto it = stored.find(key);
    // Settings added after a checkpoint was written were off (0) in that run.
    if (it == stored.end() && ((value.is_double() && value.as_double() == 0.0) || value == "report")) continue;
    if (it == stored.end() || boost::json::serialize(it->value()) != boost::json::serialize(value))
      throw std::runtime_error(fmt::format("cannot resume: '{}' was {} in the interrupted run, now {}", std::string(key),
                                           it == stored.end() ? "unset" : boost::json::serialize(it->value()),
                                           boost::json::serialize(value)));
  }
}

void writeCheckpoint(const std::string& outDir, CheckpointState st, model::MCRModel& net, const tokenizer::Tokenizer& tok,
                     torch::optim::Optimizer& optimizer, const std::string& name, const std::string& provenanceJson,
                     int keep) {
  const fs::path root = fs::path(outDir) / "checkpoints";
  const std::string dirName = fmt::format("step-{:07d}", st.step);
  const fs::path tmp = root / (dirName + ".tmp"), final = root / dirName;
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  model::saveModelBundle((tmp / "model.bundle").string(), name, net, tok, provenanceJson);
  torch::save(optimizer, (tmp / "optimizer.pt").string());
  {
    boost::json::object s{{"step", st.step}, {"init", st.initFingerprint}, {"options", boost::json::parse(st.optionsJson)}};
    std::ofstream f(tmp / "state.json");
    f << boost::json::serialize(s) << '\n';
  }
  fs::remove_all(final);
  fs::rename(tmp, final);
  {
    std::ofstream f(root / "LATEST.tmp", std::ios::trunc);
    f << dirName << '\n';
  }
  fs::rename(root / "LATEST.tmp", root / "LATEST");
  // Keep the newest `keep` checkpoints.
  std::vector<fs::path> all;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory() && e.path().filename().string().rfind("step-", 0) == 0 && e.path().extension() != ".tmp")
      all.push_back(e.path());
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i + static_cast<std::size_t>(std::max(1, keep)) < all.size(); ++i) fs::remove_all(all[i]);
}

CheckpointState readLatestCheckpoint(const std::string& outDir) {
  const fs::path root = fs::path(outDir) / "checkpoints";
  std::ifstream latest(root / "LATEST");
  std::string dirName;
  if (!latest || !(latest >> dirName)) throw std::runtime_error("no checkpoint to resume in '" + root.string() + "'");
  CheckpointState st;
  st.dir = (root / dirName).string();
  st.bundlePath = (root / dirName / "model.bundle").string();
  st.optimizerPath = (root / dirName / "optimizer.pt").string();
  std::ifstream f(root / dirName / "state.json");
  std::stringstream ss;
  ss << f.rdbuf();
  boost::json::error_code ec;
  auto v = boost::json::parse(ss.str(), ec);
  if (ec || !v.is_object() || !v.as_object().contains("step") || !v.as_object().contains("options"))
    throw std::runtime_error("checkpoint state '" + (root / dirName / "state.json").string() + "' is unreadable");
  const auto& o = v.as_object();
  st.step = static_cast<int>(o.at("step").as_int64());
  st.initFingerprint = o.contains("init") && o.at("init").is_string() ? std::string(o.at("init").as_string()) : "";
  st.optionsJson = boost::json::serialize(o.at("options"));
  if (!fs::exists(st.bundlePath) || !fs::exists(st.optimizerPath))
    throw std::runtime_error("checkpoint '" + st.dir + "' is incomplete");
  return st;
}

}  // namespace mcr::trainer
