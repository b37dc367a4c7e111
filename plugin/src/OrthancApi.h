#pragma once
// Thin RAII helpers over Orthanc's C SDK (Debian ships no C++ wrapper): owned strings and
// buffers, logging, and the internal REST calls (no HTTP, no authentication) the plugin
// makes. The context is set once in OrthancPluginInitialize.
#include <orthanc/OrthancCPlugin.h>

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace mcr::plugin::orthanc {

void setContext(OrthancPluginContext* context);
OrthancPluginContext* context();

void logInfo(const std::string& message);
void logWarning(const std::string& message);
void logError(const std::string& message);

// A char* the SDK allocated; freed with OrthancPluginFreeString.
class OwnedString {
 public:
  explicit OwnedString(char* s) : s_(s) {}
  ~OwnedString();
  OwnedString(const OwnedString&) = delete;
  OwnedString& operator=(const OwnedString&) = delete;
  bool empty() const { return s_ == nullptr; }
  std::string str() const { return s_ ? std::string(s_) : std::string(); }

 private:
  char* s_;
};

// An OrthancPluginMemoryBuffer filled by the SDK; freed on destruction.
class MemoryBuffer {
 public:
  MemoryBuffer() { buffer_.data = nullptr; buffer_.size = 0; }
  ~MemoryBuffer();
  MemoryBuffer(const MemoryBuffer&) = delete;
  MemoryBuffer& operator=(const MemoryBuffer&) = delete;
  OrthancPluginMemoryBuffer* operator&() { return &buffer_; }
  const char* data() const { return static_cast<const char*>(buffer_.data); }
  std::size_t size() const { return buffer_.size; }
  std::string str() const { return std::string(data() ? data() : "", size()); }

 private:
  OrthancPluginMemoryBuffer buffer_;
};

// Internal REST calls. nullopt when Orthanc answers an error (e.g. unknown resource).
std::optional<std::string> restGet(const std::string& uri);
std::optional<boost::json::value> restGetJson(const std::string& uri);
std::optional<std::string> restPost(const std::string& uri, std::string_view body);
bool restDelete(const std::string& uri);

// The DICOM file of an instance (no REST round-trip).
std::optional<std::string> dicomOfInstance(const std::string& instanceId);

std::optional<std::string> getGlobalProperty(int32_t property);
void setGlobalProperty(int32_t property, const std::string& value);

// The JSON string of a key path, or "" (e.g. field(v, "MainDicomTags", "Modality")).
std::string field(const boost::json::value& v, std::string_view a);
std::string field(const boost::json::value& v, std::string_view a, std::string_view b);

}  // namespace mcr::plugin::orthanc
