#pragma once
// Test harness: the real /usr/sbin/Orthanc with libOrthancMCR on 127.0.0.1, free ports,
// a temporary storage folder, driven over HTTP (cpp-httplib) and DICOM (DCMTK's storescu).
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <httplib.h>

namespace mcr::test {

namespace fs = std::filesystem;

int freePort();
// Runs a command (no shell), output appended to `log`; returns the exit status.
int run(const std::vector<std::string>& argv, const fs::path& log);
std::string readFile(const fs::path& path);

struct HttpAnswer {
  int status = 0;  // 0: no answer (connection failed)
  std::string body;
  boost::json::value json() const;
};

class OrthancServer {
 public:
  // `mcr`: the "MCR" configuration section; `pluginEnabled` false leaves the plugin out.
  OrthancServer(fs::path workDir, boost::json::object mcr, bool loadPlugin = true);
  ~OrthancServer();

  void start();            // waits until /system answers
  void stop();             // SIGTERM, waits for a clean exit
  void kill();             // SIGKILL
  bool running() const { return pid_ > 0; }
  void setMcr(boost::json::object mcr) { mcr_ = std::move(mcr); }

  HttpAnswer get(const std::string& path) const;
  HttpAnswer post(const std::string& path, const std::string& body,
                  const std::string& contentType = "application/json", const httplib::Headers& headers = {}) const;
  HttpAnswer put(const std::string& path, const std::string& body) const;
  HttpAnswer del(const std::string& path) const;

  boost::json::value status() const;  // /plugins/mcr/status
  // Stores files over REST (POST /instances); returns the Orthanc instance ids.
  std::vector<std::string> storeRest(const std::vector<fs::path>& files) const;
  // Stores files over DICOM C-STORE with storescu.
  void storeDicom(const std::vector<fs::path>& files) const;

  // Polls the status until `done(status)` or the timeout; returns the last status.
  boost::json::value waitFor(const std::function<bool(const boost::json::value&)>& done,
                             std::chrono::seconds timeout) const;
  // Everything stored so far is processed: lag 0, queue empty, worker running.
  boost::json::value waitIdle(std::chrono::seconds timeout = std::chrono::seconds(120)) const;

  int httpPort() const { return httpPort_; }
  fs::path logFile() const { return workDir_ / "orthanc.log"; }
  std::string logTail(std::size_t bytes = 4000) const;

 private:
  void writeConfig() const;
  boost::json::array plugins() const;
  fs::path workDir_;
  boost::json::object mcr_;
  bool loadPlugin_;
  int httpPort_;
  int dicomPort_;
  pid_t pid_ = -1;
};

// Is Orthanc's GDCM plugin installed (Debian orthanc-gdcm)? Every test server then loads it:
// it is the JPEG 2000 decoder behind the MCR plugin's fallback path.
bool haveJpeg2000DecoderPlugin();

// Counts of an index space from a status document.
int64_t indexCount(const boost::json::value& status, const char* space);
int64_t ingestCounter(const boost::json::value& status, const char* name);

}  // namespace mcr::test
