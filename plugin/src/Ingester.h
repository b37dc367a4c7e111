#pragma once
// Stored instances -> vectors in a LoadedState: describe (Orthanc ids, modality, date),
// decode or extract the report, embed in batches, add; study vectors; removals.
// Used by the ingest worker (one change batch at a time) and by the reindex job (all).
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "Engine.h"

namespace mcr::plugin {

struct IngestOutcome {
  std::size_t images = 0;    // newly embedded
  std::size_t reports = 0;
  std::set<std::string> touchedStudies;
};

// Instances already in the index are skipped (never embedded twice); unknown (deleted)
// ones are ignored; undecodable ones are counted under status "skipped".
// `countInStatus`: false for a reindex building a shadow index.
IngestOutcome ingestInstances(LoadedState& state, const std::vector<std::string>& instanceIds,
                              bool countInStatus);

// Recomputes a study's vector from its indexed image and report vectors (equal weight to
// both modalities); removes the study's vectors when it no longer exists.
void refreshStudy(LoadedState& state, const std::string& studyId);

// A deleted resource (any level): its vectors go; the parent study is refreshed.
void removeResource(LoadedState& state, const std::string& resourceId);

// Mean of L2-normalised rows, normalised; empty when `rows` is empty.
std::vector<float> normalisedMean(const std::vector<std::vector<float>>& rows);

// Called with every study whose vectors changed (search caches listen).
void setStudyChangedListener(std::function<void(const std::string& studyId)> listener);

}  // namespace mcr::plugin
