#pragma once
// Values for Orthanc's /tools/metrics-prometheus, refreshed when Orthanc asks.
namespace mcr::plugin {
void registerMetrics();
}
