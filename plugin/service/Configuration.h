#pragma once
// The "MCR" section of Orthanc's configuration, read once at start and validated.
// SDK-free so that unit tests can feed it any JSON. Keys: config/README.md.
#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "SearchRequest.h"

namespace mcr::plugin {

class ConfigError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct PluginConfig {
  bool enable = true;
  std::string root = "/mcr/";              // REST root, starts and ends with '/'
  std::string modelPath;                   // default: the bundled default model
  std::string indexDirectory;              // default: <StorageDirectory>/mcr-index
  std::string device = "auto";             // auto | cpu | cuda | cuda:N
  std::string precision = "auto";          // auto | fp32 | bf16
  int threads = 2;                         // decoding threads of the ingest worker
  int batchSize = 16;                      // instances embedded per model call
  std::vector<std::string> indexedModalities{"CR", "DX"};
  std::vector<std::string> reportModalities{"SR"};
  std::size_t maxQueue = 10000;            // change notifications kept in memory
  SearchDefaults searchDefaults;
  int pollIntervalMs = 1000;               // idle poll of /changes (a change wakes it at once)
  int changesBatch = 100;                  // /changes?limit= per worker step
};

// Reads environment overrides ORTHANC__MCR__<KEY> (CamelCase key -> UPPER_SNAKE, e.g.
// ORTHANC__MCR__MODEL_PATH, ORTHANC__MCR__SEARCH_DEFAULTS__K). Values are JSON when they
// parse as JSON, else strings. Injected so tests need not touch the real environment.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup processEnvironment();

// orthancConfigurationJson: the full configuration as OrthancPluginGetConfiguration returns it.
// Throws ConfigError naming the key and the problem.
PluginConfig parseConfiguration(const std::string& orthancConfigurationJson,
                                const std::string& defaultModelPath,
                                const EnvironmentLookup& environment);

// "ModelPath" -> "MODEL_PATH"
std::string environmentName(const std::string& camelCaseKey);

}  // namespace mcr::plugin
