#pragma once
// OrthancPort over Orthanc's REST API (cpp-httplib), for the offline tools: mcr-index
// build --orthanc and mcr-train --orthanc. Thread-safe: calls are serialised (one
// connection; the ingest pipeline fetches files from its decoding threads).
#include <memory>
#include <mutex>
#include <string>

#include "OrthancPort.h"

namespace httplib {
class Client;
}

namespace mcr::orthanc {

struct HttpOrthancOptions {
  std::string url;             // http://host:port[/prefix]
  std::string user, password;  // HTTP basic auth, when set
  int connectTimeoutS = 10;
  int readTimeoutS = 120;
};

class HttpOrthancPort final : public OrthancPort {
 public:
  // Throws OrthancError for a URL that is not http://.
  explicit HttpOrthancPort(const HttpOrthancOptions& options);
  ~HttpOrthancPort() override;

  std::optional<std::string> get(const std::string& uri) override;
  std::optional<std::string> post(const std::string& uri, std::string_view body) override;
  std::optional<std::string> instanceFile(const std::string& instanceId) override;
  std::optional<std::string> globalProperty(int32_t key) override;
  void setGlobalProperty(int32_t key, const std::string& value) override;
  void log(LogLevel level, const std::string& message) override;

 private:
  std::string where(const std::string& uri) const { return host_ + prefix_ + uri; }
  std::string host_, prefix_;
  std::mutex mutex_;  // httplib::Client is not safe for concurrent requests
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace mcr::orthanc
