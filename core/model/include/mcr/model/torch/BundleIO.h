#pragma once
// Model bundle <-> live model (LibTorch side of Bundle.h).
#include <memory>
#include <string>

#include "mcr/model/Bundle.h"
#include "mcr/model/torch/MCRModel.h"
#include "mcr/tokenizer/Tokenizer.h"

namespace mcr::model {

// Every parameter and buffer, by name, as CPU fp32, in a LibTorch archive.
std::string serializeWeights(MCRModel& model);
// Throws BundleError naming a missing or mis-shaped tensor, or an unreadable archive.
void loadWeights(MCRModel& model, const std::string& archiveBytes);
// SHA-256 over the canonical config JSON and every named tensor's shape and fp32 bytes:
// independent of the archive encoding, the device and the inference precision.
std::string computeFingerprint(MCRModel& model);

struct LoadedModel {
  BundleFile file;
  MCRModel model{nullptr};  // on the CPU, fp32, in eval mode
  std::shared_ptr<tokenizer::Tokenizer> tokenizer;
};
// Reads, validates (checksum, version, tokenizer, weights, fingerprint) and builds the model.
LoadedModel loadModelBundle(const std::string& path);
// Writes a bundle for the model; returns the fingerprint.
std::string saveModelBundle(const std::string& path, const std::string& name, MCRModel& model,
                            const tokenizer::Tokenizer& tokenizer, const std::string& provenanceJson);

}  // namespace mcr::model
