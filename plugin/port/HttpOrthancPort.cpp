#include "HttpOrthancPort.h"

#include <httplib.h>

#include <iostream>

namespace mcr::orthanc {

HttpOrthancPort::HttpOrthancPort(const HttpOrthancOptions& o) {
  if (o.url.rfind("http://", 0) != 0)
    throw OrthancError("the Orthanc URL must be http:// (got '" + o.url + "'); put HTTPS behind a local proxy");
  const auto slash = o.url.find('/', 7);
  host_ = o.url.substr(0, slash);
  prefix_ = slash == std::string::npos ? "" : o.url.substr(slash);
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  client_ = std::make_unique<httplib::Client>(host_);
  client_->set_connection_timeout(o.connectTimeoutS);
  client_->set_read_timeout(o.readTimeoutS);
  if (!o.user.empty()) client_->set_basic_auth(o.user, o.password);
}

HttpOrthancPort::~HttpOrthancPort() = default;

namespace {
// 404 is "no such resource"; anything else that is not 2xx is a failure.
std::optional<std::string> bodyOf(const httplib::Result& result, const std::string& what) {
  if (!result) throw OrthancError("Orthanc at " + what + " is unreachable (" + httplib::to_string(result.error()) + ")");
  if (result->status == 404) return std::nullopt;
  if (result->status < 200 || result->status >= 300)
    throw OrthancError("Orthanc answered HTTP " + std::to_string(result->status) + " for " + what);
  return result->body;
}
}  // namespace

std::optional<std::string> HttpOrthancPort::get(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mutex_);
  return bodyOf(client_->Get(prefix_ + uri), where(uri));
}

std::optional<std::string> HttpOrthancPort::post(const std::string& uri, std::string_view body) {
  std::lock_guard<std::mutex> lock(mutex_);
  return bodyOf(client_->Post(prefix_ + uri, body.data(), body.size(), "application/octet-stream"), where(uri));
}

std::optional<std::string> HttpOrthancPort::instanceFile(const std::string& instanceId) {
  return get("/instances/" + instanceId + "/file");
}

std::optional<std::string> HttpOrthancPort::globalProperty(int32_t) {
  throw OrthancError("global properties are not reachable over Orthanc's REST API");
}

void HttpOrthancPort::setGlobalProperty(int32_t, const std::string&) {
  throw OrthancError("global properties are not reachable over Orthanc's REST API");
}

void HttpOrthancPort::log(LogLevel level, const std::string& message) {
  if (level != LogLevel::Info) std::cerr << message << "\n";
}

}  // namespace mcr::orthanc
