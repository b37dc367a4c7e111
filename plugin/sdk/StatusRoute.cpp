#include "StatusRoute.h"

#include "RestRoute.h"
#include "StatusReport.h"

#ifndef MCR_VERSION
#define MCR_VERSION "0.0.0"
#endif

namespace mcr::plugin {

namespace {
void getStatus(PluginContext& context, OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request) {
  requireMethod(output, request, OrthancPluginHttpMethod_Get);
  answerJson(output, statusJson(context, MCR_VERSION));
}
}  // namespace

void registerStatusRoute() { registerRoute("/plugins/mcr/status", restRoute<getStatus>); }

}  // namespace mcr::plugin
