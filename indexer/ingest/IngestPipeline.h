#pragma once
// The one ingest pipeline: stored items -> decode -> embed -> index writes -> study vectors.
// Used by the plugin's ingest worker and reindex job (items read from Orthanc through its
// port) and by `mcr-index build` (items from a manifest or an Orthanc server).
// Links the model (torch-free header) and the index; knows nothing of Orthanc.
//
// Thread-safety: ingest() and updateStudyVector() may run while other threads search the
// index (VectorIndex's contract); two concurrent ingests into one index are not meant to
// happen (the plugin serialises them with its ingest lock).
#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcr/image/GrayImage.h"
#include "mcr/index/VectorIndex.h"
#include "mcr/model/Embedder.h"

namespace mcr::ingest {

enum class ItemKind { Image, Report };

// Thrown by a loader when the item no longer exists (deleted while queued): not a failure.
class ItemGone : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One stored item to embed. The loader runs on a decoding thread: it fetches and decodes
// (image::DecodeError, report::NoReportText or any std::exception mark the item skipped).
struct PendingItem {
  index::Record record;
  ItemKind kind = ItemKind::Image;
  std::function<image::GrayImage()> loadImage;  // kind Image
  std::function<std::string()> loadText;        // kind Report: report text, normalised
};

struct SkippedItem {
  std::string instance;
  std::string reason;   // a DecodeErrorCode / ReportErrorCode name, "EmptyReport" or "Error"
  std::string message;
};

struct IngestOutcome {
  std::size_t images = 0;   // embedded and added
  std::size_t reports = 0;
  std::set<std::string> touchedStudies;
  std::vector<SkippedItem> skipped;
  double embeddingMs = 0;   // model time, for the status's average
};

struct PipelineOptions {
  int decodeThreads = 2;
  std::size_t batchSize = 16;  // items per model call
};

// Items whose key is already indexed are not embedded again (a replay after a crash, a
// reindex catching up) but their study counts as touched, since the crash may have come
// between the item and its study vector.
IngestOutcome ingest(const model::Embedder& embedder, index::VectorIndex& index, std::vector<PendingItem> items,
                     const PipelineOptions& options);

// The study-level vector, the one definition used by every writer of the studies space:
// the L2-normalised mean of the image part and the report part, each part the normalised
// mean of its (L2-normalised) vectors; a study with one modality only gets that part.
// Why both modalities: docs/indexer.md, "Study vectors" (study -> study retrieval measured
// on IU-phantom data, both variants). nullopt when both lists are empty or cancel out.
std::optional<std::vector<float>> studyVector(const std::vector<std::vector<float>>& imageVectors,
                                              const std::vector<std::vector<float>>& reportVectors);

// Recomputes a study's vector from what the index holds. The study's record (patient, study,
// studyDate) goes with it; `instanceIds` are the study's instances as the caller knows them.
// Returns false, and removes the study's vector, when none of them is indexed.
bool updateStudyVector(index::VectorIndex& index, const index::Record& study, const std::vector<std::string>& instanceIds);

}  // namespace mcr::ingest
