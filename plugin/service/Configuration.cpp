#include "Configuration.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <boost/json.hpp>

namespace mcr::plugin {

namespace json = boost::json;

namespace {

const char* const kTopKeys[] = {"Enable", "Root", "ModelPath", "IndexDirectory", "Device",
                                "Precision", "Threads", "BatchSize", "IndexedModalities",
                                "ReportModalities", "MaxQueue", "SearchDefaults",
                                "PollIntervalMs", "ChangesBatch"};
const char* const kSearchKeys[] = {"K", "Ef"};

[[noreturn]] void fail(const std::string& key, const std::string& problem) {
  throw ConfigError("configuration \"MCR." + key + "\": " + problem);
}

json::value parseEnvValue(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (!ec) return v;
  if (text.find(',') != std::string::npos || text.empty()) {
    // "CR,DX" for the modality lists
    json::array list;
    std::size_t start = 0;
    while (start <= text.size() && !text.empty()) {
      auto end = text.find(',', start);
      if (end == std::string::npos) end = text.size();
      list.emplace_back(text.substr(start, end - start));
      start = end + 1;
    }
    return list;
  }
  return json::string(text);
}

void applyEnvironment(json::object& section, const EnvironmentLookup& environment) {
  for (const char* key : kTopKeys) {
    if (std::string(key) == "SearchDefaults") continue;
    if (auto value = environment("ORTHANC__MCR__" + environmentName(key))) {
      json::value v = parseEnvValue(*value);
      // A modality list given as one code: "CR" -> ["CR"]
      if ((std::string(key) == "IndexedModalities" || std::string(key) == "ReportModalities") && v.is_string())
        v = json::array{v};
      section[key] = v;
    }
  }
  for (const char* key : kSearchKeys) {
    if (auto value = environment("ORTHANC__MCR__SEARCH_DEFAULTS__" + environmentName(key))) {
      if (!section.contains("SearchDefaults") || !section["SearchDefaults"].is_object())
        section["SearchDefaults"] = json::object();
      section["SearchDefaults"].as_object()[key] = parseEnvValue(*value);
    }
  }
}

bool getBool(const json::object& o, const char* key, bool fallback) {
  auto it = o.find(key);
  if (it == o.end()) return fallback;
  if (!it->value().is_bool()) fail(key, "must be true or false");
  return it->value().get_bool();
}

std::string getString(const json::object& o, const char* key, const std::string& fallback) {
  auto it = o.find(key);
  if (it == o.end()) return fallback;
  if (!it->value().is_string()) fail(key, "must be a string");
  return std::string(it->value().get_string());
}

long long getInt(const json::object& o, const char* key, long long fallback, long long min,
                 long long max, const std::string& path) {
  auto it = o.find(key);
  if (it == o.end()) return fallback;
  const json::value& v = it->value();
  long long n = 0;
  if (v.is_int64()) n = v.get_int64();
  else if (v.is_uint64()) n = v.get_uint64() > static_cast<std::uint64_t>(max) ? max + 1 : static_cast<long long>(v.get_uint64());
  else fail(path, "must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  if (n < min || n > max)
    fail(path, "must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " + std::to_string(n));
  return n;
}

std::vector<std::string> getModalities(const json::object& o, const char* key,
                                       const std::vector<std::string>& fallback) {
  auto it = o.find(key);
  if (it == o.end()) return fallback;
  if (!it->value().is_array()) fail(key, "must be an array of modality codes, e.g. [\"CR\", \"DX\"]");
  std::vector<std::string> out;
  for (const auto& item : it->value().get_array()) {
    if (!item.is_string() || item.get_string().empty() || item.get_string().size() > 16)
      fail(key, "must be an array of modality codes, e.g. [\"CR\", \"DX\"]");
    std::string code(item.get_string());
    for (char c : code)
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
        fail(key, "modality code '" + code + "' is not upper-case A-Z/0-9");
    out.push_back(code);
  }
  return out;
}

void checkUnknown(const json::object& o, const char* const* begin, const char* const* end,
                  const std::string& prefix) {
  for (const auto& kv : o) {
    std::string key(kv.key());
    if (std::none_of(begin, end, [&](const char* k) { return key == k; }))
      fail(prefix + key, "unknown key (see config/README.md for the valid keys)");
  }
}

}  // namespace

std::string environmentName(const std::string& camelCaseKey) {
  std::string out;
  for (std::size_t i = 0; i < camelCaseKey.size(); ++i) {
    char c = camelCaseKey[i];
    if (i > 0 && std::isupper(static_cast<unsigned char>(c)) &&
        std::islower(static_cast<unsigned char>(camelCaseKey[i - 1])))
      out += '_';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

EnvironmentLookup processEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

PluginConfig parseConfiguration(const std::string& orthancConfigurationJson,
                                const std::string& defaultModelPath,
                                const EnvironmentLookup& environment) {
  boost::system::error_code ec;
  json::value all = json::parse(orthancConfigurationJson, ec);
  if (ec || !all.is_object()) throw ConfigError("Orthanc's configuration is not a JSON object");
  json::object section;
  if (auto it = all.as_object().find("MCR"); it != all.as_object().end()) {
    if (!it->value().is_object()) throw ConfigError("configuration \"MCR\" must be a JSON object");
    section = it->value().get_object();
  }
  applyEnvironment(section, environment);
  checkUnknown(section, std::begin(kTopKeys), std::end(kTopKeys), "");

  PluginConfig c;
  c.enable = getBool(section, "Enable", c.enable);
  c.root = getString(section, "Root", c.root);
  if (c.root.size() < 2 || c.root.front() != '/' || c.root.back() != '/' ||
      c.root.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/") != std::string::npos ||
      c.root.find("//") != std::string::npos)
    fail("Root", "must look like \"/mcr/\" (starts and ends with '/', letters, digits, '-', '_')");
  if (c.root == "/plugins/" || c.root == "/app/" || c.root == "/instances/" || c.root == "/studies/" ||
      c.root == "/series/" || c.root == "/patients/" || c.root == "/tools/")
    fail("Root", "'" + c.root + "' collides with an Orthanc route");

  c.modelPath = getString(section, "ModelPath", defaultModelPath);
  if (c.modelPath.empty()) fail("ModelPath", "must not be empty");

  std::string storage = "OrthancStorage";
  if (auto it = all.as_object().find("StorageDirectory"); it != all.as_object().end() && it->value().is_string())
    storage = std::string(it->value().get_string());
  c.indexDirectory = getString(section, "IndexDirectory", storage + "/mcr-index");
  if (c.indexDirectory.empty()) fail("IndexDirectory", "must not be empty");

  c.device = getString(section, "Device", c.device);
  bool deviceOk = c.device == "auto" || c.device == "cpu" || c.device == "cuda";
  if (!deviceOk && c.device.rfind("cuda:", 0) == 0 && c.device.size() > 5 && c.device.size() <= 7)
    deviceOk = c.device.find_first_not_of("0123456789", 5) == std::string::npos;
  if (!deviceOk) fail("Device", "must be \"auto\", \"cpu\", \"cuda\" or \"cuda:N\", got \"" + c.device + "\"");
  c.precision = getString(section, "Precision", c.precision);
  if (c.precision != "auto" && c.precision != "fp32" && c.precision != "bf16")
    fail("Precision", "must be \"auto\", \"fp32\" or \"bf16\", got \"" + c.precision + "\"");

  c.threads = static_cast<int>(getInt(section, "Threads", c.threads, 1, 64, "Threads"));
  c.batchSize = static_cast<int>(getInt(section, "BatchSize", c.batchSize, 1, 1024, "BatchSize"));
  c.indexedModalities = getModalities(section, "IndexedModalities", c.indexedModalities);
  c.reportModalities = getModalities(section, "ReportModalities", c.reportModalities);
  for (const auto& m : c.reportModalities)
    if (std::find(c.indexedModalities.begin(), c.indexedModalities.end(), m) != c.indexedModalities.end())
      fail("ReportModalities", "modality '" + m + "' is also in IndexedModalities");
  c.maxQueue = static_cast<std::size_t>(getInt(section, "MaxQueue", static_cast<long long>(c.maxQueue), 1, 10000000, "MaxQueue"));
  c.pollIntervalMs = static_cast<int>(getInt(section, "PollIntervalMs", c.pollIntervalMs, 10, 60000, "PollIntervalMs"));
  c.changesBatch = static_cast<int>(getInt(section, "ChangesBatch", c.changesBatch, 1, 1000, "ChangesBatch"));

  if (auto it = section.find("SearchDefaults"); it != section.end()) {
    if (!it->value().is_object()) fail("SearchDefaults", "must be an object like {\"K\": 10, \"Ef\": 256}");
    const json::object& sd = it->value().get_object();
    checkUnknown(sd, std::begin(kSearchKeys), std::end(kSearchKeys), "SearchDefaults.");
    c.searchDefaults.k = static_cast<std::size_t>(getInt(sd, "K", 10, 1, kMaxK, "SearchDefaults.K"));
    c.searchDefaults.ef = static_cast<std::size_t>(getInt(sd, "Ef", static_cast<int>(kDefaultEf), 1, kMaxEf, "SearchDefaults.Ef"));
  }
  return c;
}

}  // namespace mcr::plugin
