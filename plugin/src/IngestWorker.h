#pragma once
// The ingest worker: one thread, started on OrthancStarted and joined on OrthancStopped,
// that follows Orthanc's /changes feed from a cursor kept in a global property. The change
// callback only pokes it through the bounded ChangeQueue (never the REST API: deadlock).
#include <mutex>

#include <orthanc/OrthancCPlugin.h>

namespace mcr::plugin {

void startIngestWorker();
void stopIngestWorker();

// O(1), never blocks on the plugin's work: records the change and wakes the worker.
OrthancPluginErrorCode onChange(OrthancPluginChangeType changeType, OrthancPluginResourceType resourceType,
                                const char* resourceId);

// Held by the worker while it processes a batch; a reindex takes it to swap generations.
std::mutex& ingestMutex();

// Loads the model and the active index generation (or creates one), installing it in the
// engine; on failure the engine is marked unavailable with the reason.
void loadInitialState();

}  // namespace mcr::plugin
