#include "OrthancApi.h"

#include <boost/json.hpp>

namespace mcr::plugin::orthanc {

namespace {
OrthancPluginContext* g_context = nullptr;
}

void setContext(OrthancPluginContext* context) { g_context = context; }
OrthancPluginContext* context() { return g_context; }

void logInfo(const std::string& m) { if (g_context) OrthancPluginLogInfo(g_context, ("MCR: " + m).c_str()); }
void logWarning(const std::string& m) { if (g_context) OrthancPluginLogWarning(g_context, ("MCR: " + m).c_str()); }
void logError(const std::string& m) { if (g_context) OrthancPluginLogError(g_context, ("MCR: " + m).c_str()); }

OwnedString::~OwnedString() {
  if (s_ && g_context) OrthancPluginFreeString(g_context, s_);
}

MemoryBuffer::~MemoryBuffer() {
  if (buffer_.data && g_context) OrthancPluginFreeMemoryBuffer(g_context, &buffer_);
}

std::optional<std::string> restGet(const std::string& uri) {
  MemoryBuffer answer;
  if (OrthancPluginRestApiGet(g_context, &answer, uri.c_str()) != OrthancPluginErrorCode_Success)
    return std::nullopt;
  return answer.str();
}

std::optional<boost::json::value> restGetJson(const std::string& uri) {
  auto text = restGet(uri);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*text, ec);
  if (ec) return std::nullopt;
  return v;
}

std::optional<std::string> restPost(const std::string& uri, std::string_view body) {
  MemoryBuffer answer;
  if (OrthancPluginRestApiPost(g_context, &answer, uri.c_str(), body.data(),
                               static_cast<uint32_t>(body.size())) != OrthancPluginErrorCode_Success)
    return std::nullopt;
  return answer.str();
}

bool restDelete(const std::string& uri) {
  return OrthancPluginRestApiDelete(g_context, uri.c_str()) == OrthancPluginErrorCode_Success;
}

std::optional<std::string> dicomOfInstance(const std::string& instanceId) {
  MemoryBuffer dicom;
  if (OrthancPluginGetDicomForInstance(g_context, &dicom, instanceId.c_str()) != OrthancPluginErrorCode_Success)
    return std::nullopt;
  return dicom.str();
}

std::optional<std::string> getGlobalProperty(int32_t property) {
  OwnedString value(OrthancPluginGetGlobalProperty(g_context, property, ""));
  std::string s = value.str();
  if (s.empty()) return std::nullopt;
  return s;
}

void setGlobalProperty(int32_t property, const std::string& value) {
  OrthancPluginSetGlobalProperty(g_context, property, value.c_str());
}

std::string field(const boost::json::value& v, std::string_view a) {
  if (!v.is_object()) return {};
  auto it = v.get_object().find(a);
  if (it == v.get_object().end() || !it->value().is_string()) return {};
  return std::string(it->value().get_string());
}

std::string field(const boost::json::value& v, std::string_view a, std::string_view b) {
  if (!v.is_object()) return {};
  auto it = v.get_object().find(a);
  if (it == v.get_object().end()) return {};
  return field(it->value(), b);
}

}  // namespace mcr::plugin::orthanc
