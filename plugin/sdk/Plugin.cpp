// libOrthancMCR: the Orthanc entry points only. Each feature lives in its own file; the
// logic behind them, SDK-free, in plugin/service.
#include <orthanc/OrthancCPlugin.h>

#include <string>

#include "Configuration.h"
#include "Metrics.h"
#include "PluginHost.h"
#include "ReindexJob.h"
#include "ReportUpload.h"
#include "SearchRoutes.h"
#include "StatusRoute.h"
#include "WebApp.h"

#ifndef MCR_VERSION
#define MCR_VERSION "0.0.0"
#endif
#ifndef MCR_DEFAULT_MODEL_PATH
#define MCR_DEFAULT_MODEL_PATH "/usr/share/orthanc-mcr/default.bundle"
#endif

namespace {

using namespace mcr::plugin;

// Must stay O(1) and never call the REST API (Orthanc holds locks here): it only records
// the change for the worker.
OrthancPluginErrorCode onChange(OrthancPluginChangeType changeType, OrthancPluginResourceType,
                                const char* resourceId) {
  try {
    PluginHost& plugin = host();
    const std::string id = resourceId ? resourceId : "";
    switch (changeType) {
      case OrthancPluginChangeType_OrthancStarted: plugin.worker.start(); break;
      case OrthancPluginChangeType_OrthancStopped: plugin.worker.stop(); break;
      case OrthancPluginChangeType_NewInstance: plugin.context.changes.push({ChangeKind::NewInstance, id}); break;
      case OrthancPluginChangeType_Deleted: plugin.context.changes.push({ChangeKind::Deleted, id}); break;
      case OrthancPluginChangeType_StableStudy: plugin.context.changes.push({ChangeKind::StableStudy, id}); break;
      default: break;
    }
  } catch (...) {
    // never let an exception cross into Orthanc's storage path
  }
  return OrthancPluginErrorCode_Success;
}

void logError(OrthancPluginContext* sdk, const std::string& message) {
  OrthancPluginLogError(sdk, ("MCR: " + message).c_str());
}

}  // namespace

extern "C" {

ORTHANC_PLUGINS_API int32_t OrthancPluginInitialize(OrthancPluginContext* sdk) {
  if (OrthancPluginCheckVersion(sdk) == 0) {
    logError(sdk, "this Orthanc is older than the SDK the plugin was built with (" +
                      std::to_string(ORTHANC_PLUGINS_MINIMAL_MAJOR_NUMBER) + "." +
                      std::to_string(ORTHANC_PLUGINS_MINIMAL_MINOR_NUMBER) + "." +
                      std::to_string(ORTHANC_PLUGINS_MINIMAL_REVISION_NUMBER) + "): not loaded");
    return -1;
  }
  OrthancPluginSetDescription(sdk, "Cross-modal search over chest X-rays and radiology reports (MCR model).");

  PluginConfig config;
  try {
    OwnedString json(sdk, OrthancPluginGetConfiguration(sdk));
    config = parseConfiguration(json.str(), MCR_DEFAULT_MODEL_PATH, processEnvironment());
  } catch (const std::exception& e) {
    // Orthanc keeps running; the plugin registers nothing.
    logError(sdk, std::string(e.what()) + " -- the MCR plugin is NOT active");
    return 0;
  }
  createHost(sdk, config);
  registerStatusRoute();
  if (!config.enable) {
    host().context.serving.setUnavailable("disabled by configuration (MCR.Enable = false)");
    host().port.log(mcr::orthanc::LogLevel::Warning, "disabled by configuration (MCR.Enable = false)");
    return 0;
  }
  OrthancPluginRegisterOnChangeCallback(sdk, onChange);
  registerSearchRoutes(config.root);
  registerReportRoute(config.root);
  registerReindexRoute(config.root);
  registerWebApp(config.root);
  extendOrthancExplorer(config.root);
  registerMetrics(sdk);
  host().port.log(mcr::orthanc::LogLevel::Warning, "routes under " + config.root + ", model " + config.modelPath +
                                                       ", index " + config.indexDirectory);
  return 0;
}

ORTHANC_PLUGINS_API void OrthancPluginFinalize() {
  if (!hasHost()) return;
  host().worker.stop();  // normally already joined on OrthancStopped
  host().context.serving.setUnavailable("the plugin is stopping");
  destroyHost();
}

ORTHANC_PLUGINS_API const char* OrthancPluginGetName() { return "mcr"; }

ORTHANC_PLUGINS_API const char* OrthancPluginGetVersion() { return MCR_VERSION; }

}  // extern "C"
