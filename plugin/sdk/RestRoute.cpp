#include "RestRoute.h"

#include <boost/json.hpp>

namespace mcr::plugin {

void answerJson(OrthancPluginRestOutput* output, const boost::json::value& body) {
  std::string text = boost::json::serialize(body);
  OrthancPluginAnswerBuffer(sdkContext(), output, text.data(), static_cast<uint32_t>(text.size()),
                            "application/json");
}

void answerError(OrthancPluginRestOutput* output, int status, const std::string& message) {
  std::string body = errorBody(status, message);
  OrthancPluginSetHttpHeader(sdkContext(), output, "Content-Type", "application/json");
  OrthancPluginSendHttpStatus(sdkContext(), output, static_cast<uint16_t>(status), body.data(),
                              static_cast<uint32_t>(body.size()));
}

OrthancPluginContext* sdkContext() { return host().port.sdk(); }

namespace {
const char* methodName(OrthancPluginHttpMethod m) {
  switch (m) {
    case OrthancPluginHttpMethod_Get: return "GET";
    case OrthancPluginHttpMethod_Post: return "POST";
    case OrthancPluginHttpMethod_Put: return "PUT";
    case OrthancPluginHttpMethod_Delete: return "DELETE";
  }
  return "GET";
}
}  // namespace

void requireMethod(OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request,
                   OrthancPluginHttpMethod method) {
  if (request->method != method) {
    OrthancPluginSendMethodNotAllowed(sdkContext(), output, methodName(method));
    throw AlreadyAnswered{};
  }
}

std::string_view bodyOf(const OrthancPluginHttpRequest* request) {
  if (request->body == nullptr) return {};
  return std::string_view(static_cast<const char*>(request->body), request->bodySize);
}

QueryArguments argumentsOf(const OrthancPluginHttpRequest* request) {
  QueryArguments out;
  for (uint32_t i = 0; i < request->getCount; ++i) out.emplace_back(request->getKeys[i], request->getValues[i]);
  return out;
}

std::string headerOf(const OrthancPluginHttpRequest* request, const char* lowerCaseName) {
  for (uint32_t i = 0; i < request->headersCount; ++i)
    if (std::string_view(request->headersKeys[i]) == lowerCaseName) return request->headersValues[i];
  return {};
}

std::string groupOf(const OrthancPluginHttpRequest* request, uint32_t index) {
  return index < request->groupsCount ? std::string(request->groups[index]) : std::string();
}

OrthancPluginErrorCode runHandler(Handler handler, OrthancPluginRestOutput* output,
                                  const OrthancPluginHttpRequest* request) {
  try {
    handler(host().context, output, request);
  } catch (const AlreadyAnswered&) {
  } catch (const HttpError& e) {
    answerError(output, e.status(), e.what());
  } catch (const std::exception& e) {
    host().port.log(orthanc::LogLevel::Error, std::string("internal error in a REST route: ") + e.what());
    answerError(output, 500, e.what());
  } catch (...) {
    answerError(output, 500, "unknown internal error");
  }
  return OrthancPluginErrorCode_Success;
}

void registerRoute(const std::string& regex, OrthancPluginRestCallback callback) {
  OrthancPluginRegisterRestCallbackNoLock(sdkContext(), regex.c_str(), callback);
}

}  // namespace mcr::plugin
