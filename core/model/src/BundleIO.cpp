#include "mcr/model/torch/BundleIO.h"

#include <sstream>

namespace mcr::model {

std::string serializeWeights(MCRModel& model) {
  torch::NoGradGuard noGrad;
  torch::serialize::OutputArchive archive;
  for (const auto& p : model->named_parameters(true)) archive.write(p.key(), p.value().detach().to(torch::kCPU, torch::kFloat));
  for (const auto& b : model->named_buffers(true)) archive.write(b.key(), b.value().to(torch::kCPU), /*is_buffer=*/true);
  std::ostringstream out;
  archive.save_to(out);
  return out.str();
}

void loadWeights(MCRModel& model, const std::string& bytes) {
  torch::serialize::InputArchive archive;
  try {
    std::istringstream in(bytes);
    archive.load_from(in, torch::Device(torch::kCPU));
  } catch (const c10::Error& e) {
    throw BundleError("model weights are unreadable: " + std::string(e.what_without_backtrace()));
  }
  torch::NoGradGuard noGrad;
  auto assign = [&](const std::string& name, torch::Tensor& target, bool isBuffer) {
    torch::Tensor stored;
    bool present = false;
    try {
      present = archive.try_read(name, stored, isBuffer);
    } catch (const c10::Error& e) {
      throw BundleError("model weight '" + name + "' is unreadable: " + e.what_without_backtrace());
    }
    if (!present) throw BundleError("model weights lack '" + name + "'");
    if (stored.sizes() != target.sizes())
      throw BundleError("model weight '" + name + "' has shape " + c10::str(stored.sizes()) + ", the config needs " +
                        c10::str(target.sizes()));
    target.copy_(stored);
  };
  for (auto& p : model->named_parameters(true)) assign(p.key(), p.value(), false);
  for (auto& b : model->named_buffers(true)) assign(b.key(), b.value(), true);
}

std::string computeFingerprint(MCRModel& model) {
  torch::NoGradGuard noGrad;
  std::string data = toJson(model->config);
  auto add = [&](const std::string& name, const torch::Tensor& t) {
    auto cpu = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
    data += '\n' + name + c10::str(cpu.sizes()) + '\n';
    data.append(static_cast<const char*>(cpu.data_ptr()), cpu.numel() * sizeof(float));
  };
  for (const auto& p : model->named_parameters(true)) add(p.key(), p.value());
  for (const auto& b : model->named_buffers(true)) add(b.key(), b.value());
  return sha256Hex(data.data(), data.size());
}

LoadedModel loadModelBundle(const std::string& path) {
  LoadedModel loaded;
  loaded.file = readBundleFile(path);
  const auto& file = loaded.file;
  try {
    loaded.tokenizer = tokenizer::deserializeTokenizer(file.tokenizer);
  } catch (const std::exception& e) {
    throw BundleError("'" + path + "': tokenizer is unreadable: " + e.what());
  }
  if (static_cast<int>(loaded.tokenizer->vocabSize()) != file.config.vocabSize)
    throw BundleError("'" + path + "': tokenizer has " + std::to_string(loaded.tokenizer->vocabSize()) +
                      " tokens, the config says " + std::to_string(file.config.vocabSize));
  try {
    loaded.model = MCRModel(file.config);
  } catch (const std::invalid_argument& e) {
    throw BundleError("'" + path + "': " + e.what());
  }
  try {
    loadWeights(loaded.model, file.weights);
  } catch (const BundleError& e) {
    throw BundleError("'" + path + "': " + e.what());
  }
  const std::string actual = computeFingerprint(loaded.model);
  if (actual != file.fingerprint)
    throw BundleError("'" + path + "': fingerprint mismatch (header " + file.fingerprint + ", weights+config " + actual + ")");
  loaded.model->eval();
  return loaded;
}

std::string saveModelBundle(const std::string& path, const std::string& name, MCRModel& model,
                            const tokenizer::Tokenizer& tok, const std::string& provenanceJson) {
  BundleFile b;
  b.name = name;
  b.config = model->config;
  b.provenance = provenanceJson;
  b.tokenizer = tok.serialize();
  b.weights = serializeWeights(model);
  b.fingerprint = computeFingerprint(model);
  writeBundleFile(path, b);
  return b.fingerprint;
}

}  // namespace mcr::model
