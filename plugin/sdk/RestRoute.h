#pragma once
// REST plumbing: a handler is a small free function of the plugin's context that validates
// its input and throws HttpError; restRoute<handler> maps that (and anything else) to a
// JSON error answer.
#include <orthanc/OrthancCPlugin.h>

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "HttpError.h"
#include "PluginHost.h"
#include "SearchRequest.h"

namespace mcr::plugin {

using Handler = void (*)(PluginContext& context, OrthancPluginRestOutput* output,
                        const OrthancPluginHttpRequest* request);

void answerJson(OrthancPluginRestOutput* output, const boost::json::value& body);
void answerError(OrthancPluginRestOutput* output, int status, const std::string& message);
// The SDK context answers are written with.
OrthancPluginContext* sdkContext();
// Throws HttpError(405) after answering with the Allow header when the method differs.
void requireMethod(OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request,
                   OrthancPluginHttpMethod method);
std::string_view bodyOf(const OrthancPluginHttpRequest* request);
QueryArguments argumentsOf(const OrthancPluginHttpRequest* request);
// A request header ("" when absent); `lowerCaseName` as Orthanc lower-cases header names.
std::string headerOf(const OrthancPluginHttpRequest* request, const char* lowerCaseName);
std::string groupOf(const OrthancPluginHttpRequest* request, uint32_t index);

// Thrown by requireMethod once the 405 has been sent.
struct AlreadyAnswered {};

OrthancPluginErrorCode runHandler(Handler handler, OrthancPluginRestOutput* output,
                                  const OrthancPluginHttpRequest* request);

template <Handler handler>
OrthancPluginErrorCode restRoute(OrthancPluginRestOutput* output, const char* /*url*/,
                                 const OrthancPluginHttpRequest* request) {
  return runHandler(handler, output, request);
}

// Registers a route that Orthanc may call concurrently (handlers are thread-safe).
void registerRoute(const std::string& regex, OrthancPluginRestCallback callback);

}  // namespace mcr::plugin
