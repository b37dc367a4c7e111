#pragma once
// Values for Orthanc's /tools/metrics-prometheus, refreshed when Orthanc asks.
#include <orthanc/OrthancCPlugin.h>

namespace mcr::plugin {

void registerMetrics(OrthancPluginContext* sdk);

}  // namespace mcr::plugin
