#include "OrthancServer.h"

#include <cstdlib>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "IntegrationPaths.h"

namespace mcr::test {

namespace json = boost::json;

int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind failed");
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

namespace {

pid_t spawn(const std::vector<std::string>& argv, const fs::path& log) {
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // A crashed or killed test must not leave Orthanc (or storescu) running.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

int run(const std::vector<std::string>& argv, const fs::path& log) {
  pid_t pid = spawn(argv, log);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

json::value HttpAnswer::json() const {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return nullptr;
  return v;
}

OrthancServer::OrthancServer(fs::path workDir, json::object mcr, bool loadPlugin)
    : workDir_(std::move(workDir)), mcr_(std::move(mcr)), loadPlugin_(loadPlugin),
      httpPort_(freePort()), dicomPort_(freePort()) {
  fs::create_directories(workDir_ / "storage");
}

OrthancServer::~OrthancServer() {
  if (pid_ > 0) kill();
}

bool haveJpeg2000DecoderPlugin() { return !std::string(MCR_ORTHANC_GDCM_PLUGIN).empty(); }

json::array OrthancServer::plugins() const {
  // GDCM with and without the MCR plugin: the store benchmark's "plugin off" baseline must
  // differ from "on" by the MCR plugin alone.
  json::array list;
  if (haveJpeg2000DecoderPlugin()) list.emplace_back(MCR_ORTHANC_GDCM_PLUGIN);
  // MCR_PLUGIN_UNDER_TEST: another build of the plugin (a benchmark's baseline).
  const char* underTest = std::getenv("MCR_PLUGIN_UNDER_TEST");
  if (loadPlugin_) list.emplace_back(underTest && *underTest ? underTest : MCR_PLUGIN_PATH);
  return list;
}

void OrthancServer::writeConfig() const {
  json::object config{
      {"Name", "mcr-test"},
      {"StorageDirectory", (workDir_ / "storage").string()},
      {"IndexDirectory", (workDir_ / "storage").string()},
      {"HttpPort", httpPort_},
      {"DicomPort", dicomPort_},
      {"DicomAet", "MCRTEST"},
      {"RemoteAccessAllowed", false},
      {"AuthenticationEnabled", false},
      {"HttpDescribeErrors", true},
      {"StableAge", 1},
      {"ConcurrentJobs", 2},
      {"HttpThreadsCount", 24},
      {"DicomAlwaysAllowStore", true},
      {"DicomCheckCalledAet", false},
      {"Plugins", plugins()},
      {"MCR", mcr_},
  };
  std::ofstream(workDir_ / "orthanc.json") << json::serialize(config);
}

void OrthancServer::start() {
  writeConfig();
  pid_ = spawn({MCR_ORTHANC_BIN, "--verbose", (workDir_ / "orthanc.json").string()}, logFile());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("Orthanc exited at start:\n" + logTail());
    }
    if (get("/system").status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("Orthanc did not answer within 60 s:\n" + logTail());
}

void OrthancServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void OrthancServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

namespace {
HttpAnswer answerOf(const httplib::Result& r) {
  if (!r) return {};
  return HttpAnswer{r->status, r->body};
}
httplib::Client client(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(5);
  c.set_read_timeout(120);
  c.set_write_timeout(60);
  return c;
}
}  // namespace

HttpAnswer OrthancServer::get(const std::string& path) const { return answerOf(client(httpPort_).Get(path)); }
HttpAnswer OrthancServer::post(const std::string& path, const std::string& body, const std::string& type,
                               const httplib::Headers& headers) const {
  return answerOf(client(httpPort_).Post(path, headers, body, type));
}
HttpAnswer OrthancServer::put(const std::string& path, const std::string& body) const {
  return answerOf(client(httpPort_).Put(path, body, "application/json"));
}
HttpAnswer OrthancServer::del(const std::string& path) const { return answerOf(client(httpPort_).Delete(path)); }

json::value OrthancServer::status() const {
  auto a = get("/plugins/mcr/status");
  if (a.status != 200) throw std::runtime_error("status answered " + std::to_string(a.status) + ": " + a.body);
  return a.json();
}

std::vector<std::string> OrthancServer::storeRest(const std::vector<fs::path>& files) const {
  std::vector<std::string> ids;
  auto c = client(httpPort_);
  for (const auto& f : files) {
    auto r = c.Post("/instances", readFile(f), "application/dicom");
    if (!r || r->status != 200) throw std::runtime_error("POST /instances failed for " + f.string());
    ids.push_back(std::string(json::parse(r->body).at("ID").as_string()));
  }
  return ids;
}

void OrthancServer::storeDicom(const std::vector<fs::path>& files) const {
  if (files.empty()) return;
  // storescu takes many files per association; chunks keep the command line short.
  for (std::size_t i = 0; i < files.size(); i += 200) {
    std::vector<std::string> argv{"storescu", "-aec", "MCRTEST", "-aet", "MCRTESTSCU", "127.0.0.1",
                                  std::to_string(dicomPort_)};
    for (std::size_t j = i; j < std::min(files.size(), i + 200); ++j) argv.push_back(files[j].string());
    if (run(argv, workDir_ / "storescu.log") != 0)
      throw std::runtime_error("storescu failed:\n" + readFile(workDir_ / "storescu.log"));
  }
}

json::value OrthancServer::waitFor(const std::function<bool(const json::value&)>& done,
                                   std::chrono::seconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  json::value last;
  while (std::chrono::steady_clock::now() < deadline) {
    last = status();
    if (done(last)) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("timed out; last status: " + json::serialize(last));
}

json::value OrthancServer::waitIdle(std::chrono::seconds timeout) const {
  // The worker learns of Orthanc's last change on its next poll: require two consecutive
  // idle readings with the same cursor.
  int64_t previous = -1;
  return waitFor(
      [&](const json::value& s) {
        const auto& ingest = s.at("ingest").as_object();
        bool idle = ingest.at("running").as_bool() && ingest.at("lag").to_number<int64_t>() == 0 &&
                    ingest.at("queueLength").to_number<int64_t>() == 0 && s.at("ready").as_bool();
        int64_t cursor = ingest.at("cursor").to_number<int64_t>();
        int64_t last = get("/changes?last").json().at("Last").to_number<int64_t>();
        bool same = idle && cursor == previous && cursor >= last;
        previous = idle ? cursor : -1;
        return same;
      },
      timeout);
}

std::string OrthancServer::logTail(std::size_t bytes) const {
  std::string all = readFile(logFile());
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

int64_t indexCount(const json::value& status, const char* space) {
  const auto& index = status.at("index");
  if (!index.is_object()) return -1;
  return index.at(space).to_number<int64_t>();
}

int64_t ingestCounter(const json::value& status, const char* name) {
  return status.at("ingest").at(name).to_number<int64_t>();
}

}  // namespace mcr::test
