#pragma once
// The OrthancPort over Orthanc's C plugin SDK (Debian ships no C++ wrapper): internal REST
// calls (no HTTP, no authentication), DICOM files, global properties, Orthanc's log. Plus
// RAII holders for what the SDK allocates, used by the routes. Thread-safe: the SDK is.
#include <orthanc/OrthancCPlugin.h>

#include <string>

#include "OrthancPort.h"

namespace mcr::plugin {

class SdkOrthancPort final : public orthanc::OrthancPort {
 public:
  explicit SdkOrthancPort(OrthancPluginContext* context) : context_(context) {}

  std::optional<std::string> get(const std::string& uri) override;
  std::optional<std::string> post(const std::string& uri, std::string_view body) override;
  std::optional<std::string> instanceFile(const std::string& instanceId) override;
  std::optional<std::string> globalProperty(int32_t key) override;
  void setGlobalProperty(int32_t key, const std::string& value) override;
  void log(orthanc::LogLevel level, const std::string& message) override;

  OrthancPluginContext* sdk() const { return context_; }

 private:
  OrthancPluginContext* context_;
};

// A char* the SDK allocated; freed with OrthancPluginFreeString.
class OwnedString {
 public:
  OwnedString(OrthancPluginContext* context, char* s) : context_(context), s_(s) {}
  ~OwnedString() {
    if (s_) OrthancPluginFreeString(context_, s_);
  }
  OwnedString(const OwnedString&) = delete;
  OwnedString& operator=(const OwnedString&) = delete;
  std::string str() const { return s_ ? std::string(s_) : std::string(); }

 private:
  OrthancPluginContext* context_;
  char* s_;
};

// An OrthancPluginMemoryBuffer filled by the SDK; freed on destruction.
class MemoryBuffer {
 public:
  explicit MemoryBuffer(OrthancPluginContext* context) : context_(context) {
    buffer_.data = nullptr;
    buffer_.size = 0;
  }
  ~MemoryBuffer() {
    if (buffer_.data) OrthancPluginFreeMemoryBuffer(context_, &buffer_);
  }
  MemoryBuffer(const MemoryBuffer&) = delete;
  MemoryBuffer& operator=(const MemoryBuffer&) = delete;
  OrthancPluginMemoryBuffer* get() { return &buffer_; }
  std::string str() const {
    return buffer_.data ? std::string(static_cast<const char*>(buffer_.data), buffer_.size) : std::string();
  }

 private:
  OrthancPluginContext* context_;
  OrthancPluginMemoryBuffer buffer_;
};

}  // namespace mcr::plugin
