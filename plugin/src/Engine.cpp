#include "Engine.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <boost/json.hpp>

#include "Configuration.h"
#include "OrthancApi.h"
#include "PluginState.h"

namespace mcr::plugin {

namespace fs = std::filesystem;
namespace json = boost::json;

std::optional<Generation> readGeneration(const std::string& indexDirectory) {
  std::ifstream in(fs::path(indexDirectory) / "CURRENT");
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value v = json::parse(text.str(), ec);
  if (ec || !v.is_object()) return std::nullopt;
  Generation g{orthanc::field(v, "generation"), orthanc::field(v, "model"), orthanc::field(v, "configuredModel")};
  if (g.generation.empty() || g.generation.find('/') != std::string::npos) return std::nullopt;
  return g;
}

void writeGeneration(const std::string& indexDirectory, const Generation& g) {
  fs::create_directories(indexDirectory);
  json::object o{{"generation", g.generation}, {"model", g.model}, {"configuredModel", g.configuredModel}};
  fs::path tmp = fs::path(indexDirectory) / "CURRENT.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json::serialize(o) << "\n";
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, fs::path(indexDirectory) / "CURRENT");
}

std::string newGenerationName() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  std::random_device rd;
  std::ostringstream s;
  s << "gen-" << std::chrono::duration_cast<std::chrono::seconds>(now).count() << "-" << std::hex << (rd() & 0xffff);
  return s.str();
}

std::optional<Cursor> readCursor() {
  auto text = orthanc::getGlobalProperty(kCursorGlobalProperty);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object() || !v.get_object().contains("seq") || !v.get_object().at("seq").is_int64())
    return std::nullopt;
  return Cursor{orthanc::field(v, "generation"), v.get_object().at("seq").get_int64()};
}

void writeCursor(const Cursor& cursor) {
  orthanc::setGlobalProperty(kCursorGlobalProperty,
                             json::serialize(json::object{{"generation", cursor.generation}, {"seq", cursor.seq}}));
}

std::shared_ptr<LoadedState> loadState(const std::string& modelPath, const std::string& indexDirectory,
                                       const std::string& generation) {
  const PluginConfig& config = pluginConfig();
  auto state = std::make_shared<LoadedState>();
  state->embedder = model::Embedder::load(modelPath, config.device, config.precision);
  state->modelPath = modelPath;
  state->generation = generation;
  state->generationDir = (fs::path(indexDirectory) / generation).string();
  index::Options options;
  options.dim = state->embedder->info().embeddingDim;
  options.modelFingerprint = state->embedder->info().fingerprint;
  options.ef = config.searchDefaults.ef;
  state->index = index::VectorIndex::open(state->generationDir, options);
  state->index->setEf(config.searchDefaults.ef);
  state->currentEf = config.searchDefaults.ef;
  return state;
}

}  // namespace mcr::plugin
