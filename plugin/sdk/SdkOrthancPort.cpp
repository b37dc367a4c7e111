#include "SdkOrthancPort.h"

namespace mcr::plugin {

namespace {
// Orthanc's "unknown resource" is the one answer that means "not there"; every other error
// is a failure the caller must not take for a deletion.
std::optional<std::string> answerOf(OrthancPluginErrorCode code, MemoryBuffer& answer, const std::string& what) {
  if (code == OrthancPluginErrorCode_Success) return answer.str();
  if (code == OrthancPluginErrorCode_UnknownResource || code == OrthancPluginErrorCode_InexistentItem)
    return std::nullopt;
  throw orthanc::OrthancError("Orthanc error " + std::to_string(static_cast<int>(code)) + " for " + what);
}
}  // namespace

std::optional<std::string> SdkOrthancPort::get(const std::string& uri) {
  MemoryBuffer answer(context_);
  return answerOf(OrthancPluginRestApiGet(context_, answer.get(), uri.c_str()), answer, "GET " + uri);
}

std::optional<std::string> SdkOrthancPort::post(const std::string& uri, std::string_view body) {
  MemoryBuffer answer(context_);
  return answerOf(OrthancPluginRestApiPost(context_, answer.get(), uri.c_str(), body.data(),
                                           static_cast<uint32_t>(body.size())),
                  answer, "POST " + uri);
}

std::optional<std::string> SdkOrthancPort::instanceFile(const std::string& instanceId) {
  MemoryBuffer dicom(context_);
  return answerOf(OrthancPluginGetDicomForInstance(context_, dicom.get(), instanceId.c_str()), dicom,
                  "the file of instance " + instanceId);
}

std::optional<std::string> SdkOrthancPort::globalProperty(int32_t key) {
  OwnedString value(context_, OrthancPluginGetGlobalProperty(context_, key, ""));
  std::string s = value.str();
  if (s.empty()) return std::nullopt;
  return s;
}

void SdkOrthancPort::setGlobalProperty(int32_t key, const std::string& value) {
  if (OrthancPluginSetGlobalProperty(context_, key, value.c_str()) != OrthancPluginErrorCode_Success)
    throw orthanc::OrthancError("Orthanc could not store global property " + std::to_string(key));
}

void SdkOrthancPort::log(orthanc::LogLevel level, const std::string& message) {
  const std::string line = "MCR: " + message;
  switch (level) {
    case orthanc::LogLevel::Info: OrthancPluginLogInfo(context_, line.c_str()); break;
    case orthanc::LogLevel::Warning: OrthancPluginLogWarning(context_, line.c_str()); break;
    case orthanc::LogLevel::Error: OrthancPluginLogError(context_, line.c_str()); break;
  }
}

}  // namespace mcr::plugin
