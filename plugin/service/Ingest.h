#pragma once
// Orthanc instances -> the ingest pipeline (indexer/ingest): describes them through the
// port, fetches and decodes them, embeds, adds; study vectors; deletions.
// Used by the ingest worker (a /changes page at a time) and the reindex job (everything).
#include <string>
#include <vector>

#include "IngestPipeline.h"
#include "ModelIndex.h"

namespace mcr::plugin {

struct PluginContext;

// A reindex building a shadow generation does not count in the serving status.
enum class StatusCounting { Counted, NotCounted };

// Already indexed instances are not embedded again; unknown (deleted) ones are ignored;
// undecodable ones are reported under status "skipped" (when counted).
ingest::IngestOutcome ingestInstances(PluginContext& context, ModelIndex& target, const std::vector<std::string>& instanceIds,
                                      StatusCounting counting);

// Recomputes a study's vector from its indexed instances; removes the study's vectors when
// Orthanc says the study no longer exists. A failure to ask Orthanc throws (and removes
// nothing): only "unknown resource" means deleted.
void refreshStudy(PluginContext& context, ModelIndex& target, const std::string& studyId);

// A deleted resource (any level): its vectors go; the parent study is refreshed.
void removeResource(PluginContext& context, ModelIndex& target, const std::string& resourceId);

}  // namespace mcr::plugin
