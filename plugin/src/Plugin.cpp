// libOrthancMCR: the Orthanc entry points only. Each feature lives in its own file.
#include <orthanc/OrthancCPlugin.h>

#include <string>

#include "Configuration.h"
#include "Ingester.h"
#include "IngestWorker.h"
#include "Metrics.h"
#include "OrthancApi.h"
#include "PluginState.h"
#include "ReindexJob.h"
#include "ReportUpload.h"
#include "SearchRoutes.h"
#include "SearchService.h"
#include "StatusRoute.h"
#include "WebApp.h"

#ifndef MCR_VERSION
#define MCR_VERSION "0.0.0"
#endif
#ifndef MCR_DEFAULT_MODEL_PATH
#define MCR_DEFAULT_MODEL_PATH "/usr/share/orthanc-mcr/default.bundle"
#endif

namespace {
bool g_enabled = false;
}

extern "C" {

ORTHANC_PLUGINS_API int32_t OrthancPluginInitialize(OrthancPluginContext* context) {
  using namespace mcr::plugin;
  orthanc::setContext(context);
  if (OrthancPluginCheckVersion(context) == 0) {
    orthanc::logError("this Orthanc is older than the SDK the plugin was built with (" +
                      std::to_string(ORTHANC_PLUGINS_MINIMAL_MAJOR_NUMBER) + "." +
                      std::to_string(ORTHANC_PLUGINS_MINIMAL_MINOR_NUMBER) + "." +
                      std::to_string(ORTHANC_PLUGINS_MINIMAL_REVISION_NUMBER) + "): not loaded");
    return -1;
  }
  OrthancPluginSetDescription(context, "Cross-modal search over chest X-rays and radiology reports (MCR model).");

  PluginConfig config;
  try {
    orthanc::OwnedString json(OrthancPluginGetConfiguration(context));
    config = parseConfiguration(json.str(), MCR_DEFAULT_MODEL_PATH, processEnvironment());
  } catch (const std::exception& e) {
    // Orthanc keeps running; the plugin registers nothing.
    orthanc::logError(std::string(e.what()) + " -- the MCR plugin is NOT active");
    return 0;
  }
  setPluginConfig(config);
  registerStatusRoute();
  if (!config.enable) {
    engine().setUnavailable("disabled by configuration (MCR.Enable = false)");
    orthanc::logWarning("disabled by configuration (MCR.Enable = false)");
    return 0;
  }
  g_enabled = true;
  setStudyChangedListener(forgetStudy);
  OrthancPluginRegisterOnChangeCallback(context, onChange);
  registerSearchRoutes(config.root);
  registerReportRoute(config.root);
  registerReindexRoute(config.root);
  registerWebApp(config.root);
  extendOrthancExplorer(config.root);
  registerMetrics();
  orthanc::logWarning("routes under " + config.root + ", model " + config.modelPath + ", index " +
                      config.indexDirectory);
  return 0;
}

ORTHANC_PLUGINS_API void OrthancPluginFinalize() {
  if (g_enabled) mcr::plugin::stopIngestWorker();  // normally already joined on OrthancStopped
  mcr::plugin::engine().setUnavailable("the plugin is stopping");
}

ORTHANC_PLUGINS_API const char* OrthancPluginGetName() { return "mcr"; }

ORTHANC_PLUGINS_API const char* OrthancPluginGetVersion() { return MCR_VERSION; }

}  // extern "C"
