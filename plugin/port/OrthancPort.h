#pragma once
// The seam between the plugin's logic and Orthanc: the handful of calls the plugin makes,
// behind one small interface. Three implementations:
//   SdkOrthancPort   (plugin/sdk)   the plugin SDK, in Orthanc's process (no HTTP)
//   HttpOrthancPort  (this folder)  Orthanc's REST API over HTTP, for mcr-index build and
//                                   mcr-train --orthanc
//   FakeOrthanc      (tests/plugin) an in-memory Orthanc for unit tests of the logic
// SDK- and torch-free.
//
// Errors: a call that finds no such resource answers nullopt/false; every other failure
// (Orthanc or the network unavailable, an error status) throws OrthancError, so that a
// transient failure is never mistaken for a deletion.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mcr::orthanc {

class OrthancError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class LogLevel { Info, Warning, Error };

class OrthancPort {
 public:
  virtual ~OrthancPort() = default;

  // GET of a REST URI ("/instances/…", "/changes?since=…"): the body, or nullopt when
  // Orthanc answers "unknown resource" (404).
  virtual std::optional<std::string> get(const std::string& uri) = 0;
  // POST: the body of the answer; nullopt for 404.
  virtual std::optional<std::string> post(const std::string& uri, std::string_view body) = 0;
  // The DICOM file of an instance; nullopt when it no longer exists.
  virtual std::optional<std::string> instanceFile(const std::string& instanceId) = 0;

  // Orthanc's global properties (an integer key; the plugin's own range). Over HTTP they
  // do not exist: HttpOrthancPort throws OrthancError.
  virtual std::optional<std::string> globalProperty(int32_t key) = 0;
  virtual void setGlobalProperty(int32_t key, const std::string& value) = 0;

  virtual void log(LogLevel level, const std::string& message) = 0;
};

}  // namespace mcr::orthanc
