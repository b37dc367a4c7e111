#include "Generations.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <boost/json.hpp>

namespace mcr::plugin {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr const char* kCurrent = "CURRENT";

bool isGenerationName(const std::string& name) {
  if (name.rfind("gen-", 0) != 0 || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  return true;
}

std::string stringField(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
}

void fsyncPath(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw GenerationError("cannot open " + path.string() + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw GenerationError("cannot fsync " + path.string() + ": " + std::strerror(err));
}

}  // namespace

std::optional<GenerationRecord> Generations::readCurrent() const {
  const fs::path path = fs::path(directory_) / kCurrent;
  std::error_code ec;
  if (!fs::exists(path, ec) && !ec) return std::nullopt;
  std::ifstream in(path);
  if (!in) throw GenerationError("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code parseError;
  json::value v = json::parse(text.str(), parseError);
  if (parseError || !v.is_object()) throw GenerationError(path.string() + " is not a JSON object (torn or edited?)");
  const json::object& o = v.get_object();
  GenerationRecord record{stringField(o, "generation"), stringField(o, "model"), stringField(o, "configuredModel")};
  if (!isGenerationName(record.generation))
    throw GenerationError(path.string() + " names no valid generation ('" + record.generation.substr(0, 64) + "')");
  return record;
}

void Generations::writeCurrent(const GenerationRecord& record) const {
  if (!isGenerationName(record.generation)) throw GenerationError("invalid generation name '" + record.generation + "'");
  fs::create_directories(directory_);
  const json::object o{{"generation", record.generation}, {"model", record.model},
                       {"configuredModel", record.configuredModel}};
  const fs::path tmp = fs::path(directory_) / "CURRENT.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json::serialize(o) << "\n";
    out.flush();
    if (!out) throw GenerationError("cannot write " + tmp.string());
  }
  fsyncPath(tmp, O_RDONLY);
  fs::rename(tmp, fs::path(directory_) / kCurrent);
  fsyncPath(directory_, O_RDONLY | O_DIRECTORY);  // the rename itself survives power loss
}

std::string Generations::newName() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  std::random_device random;
  std::ostringstream s;
  s << "gen-" << std::chrono::duration_cast<std::chrono::seconds>(now).count() << "-" << std::hex
    << (random() & 0xffffff);
  return s.str();
}

std::string Generations::folderOf(const std::string& generation) const {
  return (fs::path(directory_) / generation).string();
}

std::vector<std::string> Generations::pruneAllBut(const std::string& active) const {
  std::vector<std::string> removed;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory_, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && isGenerationName(name) && name != active) {
      fs::remove_all(entry.path(), ec);
      removed.push_back(entry.path().string());
    }
  }
  return removed;
}

}  // namespace mcr::plugin
