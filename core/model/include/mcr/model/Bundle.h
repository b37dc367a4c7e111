#pragma once
// The model bundle file: ONE file with the config, the weights, the tokenizer, a fingerprint
// and provenance. Torch-free: the weights are an opaque byte string here (a LibTorch archive
// written and read by torch/BundleIO.h).
//
// Layout (all integers little-endian):
//   "MCRBNDL\0"  magic, 8 bytes
//   u32          format version (kBundleVersion)
//   u64 + bytes  header JSON: name, fingerprint, config, provenance
//   u64 + bytes  tokenizer (Tokenizer::serialize())
//   u64 + bytes  weights (LibTorch archive)
//   64 bytes     SHA-256 (hex) of everything before it (detects truncation and corruption)
//   "MCREND\0\0" end magic, 8 bytes
#include <cstdint>
#include <string>

#include "mcr/model/Embedder.h"  // BundleError
#include "mcr/model/ModelConfig.h"

namespace mcr::model {

constexpr std::uint32_t kBundleVersion = 1;

struct BundleFile {
  std::uint32_t version = kBundleVersion;
  std::string name;         // e.g. "mcr-small-mba"
  std::string fingerprint;  // SHA-256 hex of canonical config JSON + weight bytes (see BundleIO)
  ModelConfig config;
  std::string provenance = "{}";  // JSON text: data description, steps, eval metrics
  std::string tokenizer;          // serialized tokenizer
  std::string weights;            // LibTorch archive bytes
};

// Written to a temporary file beside `path`, then renamed: a crash never leaves half a bundle.
void writeBundleFile(const std::string& path, const BundleFile& bundle);
// Throws BundleError with the reason: missing file, not a bundle, wrong version, truncated,
// checksum mismatch, bad header, missing tokenizer, missing weights.
BundleFile readBundleFile(const std::string& path);
// The same checks over bytes already in memory (tests, fuzzing, HTTP uploads).
BundleFile parseBundle(const std::string& bytes);

std::string sha256Hex(const void* data, std::size_t size);

}  // namespace mcr::model
