#include "Metrics.h"

#include "PluginHost.h"

namespace mcr::plugin {

namespace {

void set(OrthancPluginContext* sdk, const char* name, double value) {
  OrthancPluginSetMetricsValue(sdk, name, static_cast<float>(value), OrthancPluginMetricsType_Default);
}

void refreshMetrics() {
  try {
    if (!hasHost()) return;
    PluginContext& context = host().context;
    OrthancPluginContext* sdk = host().port.sdk();
    StatusCounters& s = context.status;
    auto state = context.serving.current();
    set(sdk, "mcr_ready", state ? 1 : 0);
    set(sdk, "mcr_queue_length", static_cast<double>(context.changes.size()));
    int64_t lag = s.lastChange - s.cursor;
    set(sdk, "mcr_cursor_lag", static_cast<double>(lag > 0 ? lag : 0));
    set(sdk, "mcr_skipped_instances", static_cast<double>(s.skippedTotal()));
    set(sdk, "mcr_embedding_ms_avg", s.embeddingMsAvg());
    set(sdk, "mcr_search_ms_avg", s.searchMsAvg());
    if (state) {
      const index::Stats stats = state->index->stats();
      set(sdk, "mcr_indexed_images", static_cast<double>(stats.images.vectors));
      set(sdk, "mcr_indexed_reports", static_cast<double>(stats.reports.vectors));
      set(sdk, "mcr_indexed_studies", static_cast<double>(stats.studies.vectors));
    }
  } catch (...) {
    // metrics must never take Orthanc down
  }
}

}  // namespace

void registerMetrics(OrthancPluginContext* sdk) { OrthancPluginRegisterRefreshMetricsCallback(sdk, refreshMetrics); }

}  // namespace mcr::plugin
