#include "Metrics.h"

#include "OrthancApi.h"
#include "PluginState.h"

namespace mcr::plugin {

namespace {

void set(const char* name, double value) {
  OrthancPluginSetMetricsValue(orthanc::context(), name, static_cast<float>(value), OrthancPluginMetricsType_Default);
}

void refreshMetrics() {
  try {
    auto& s = status();
    auto state = engine().current();
    set("mcr_ready", state ? 1 : 0);
    set("mcr_queue_length", static_cast<double>(changeQueue().size()));
    int64_t lag = s.lastChange - s.cursor;
    set("mcr_cursor_lag", static_cast<double>(lag > 0 ? lag : 0));
    set("mcr_skipped_instances", static_cast<double>(s.skippedTotal()));
    set("mcr_embedding_ms_avg", s.embeddingMsAvg());
    set("mcr_search_ms_avg", s.searchMsAvg());
    if (state) {
      index::Stats stats;
      {
        std::shared_lock<std::shared_mutex> lock(state->indexMutex);
        stats = state->index->stats();
      }
      set("mcr_indexed_images", static_cast<double>(stats.images.vectors));
      set("mcr_indexed_reports", static_cast<double>(stats.reports.vectors));
      set("mcr_indexed_studies", static_cast<double>(stats.studies.vectors));
    }
  } catch (...) {
    // metrics must never take Orthanc down
  }
}

}  // namespace

void registerMetrics() { OrthancPluginRegisterRefreshMetricsCallback(orthanc::context(), refreshMetrics); }

}  // namespace mcr::plugin
