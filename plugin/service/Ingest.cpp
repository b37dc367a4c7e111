#include "Ingest.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "OrthancRest.h"
#include "PluginContext.h"
#include "mcr/report/ReportText.h"

namespace mcr::plugin {

namespace {

bool listed(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string fileOf(orthanc::OrthancPort& port, const std::string& instanceId) {
  auto dicom = port.instanceFile(instanceId);
  if (!dicom) throw ingest::ItemGone("instance " + instanceId + " was deleted");
  return std::move(*dicom);
}

index::Record recordOf(const orthanc::InstanceFacts& f) {
  return index::Record{f.patient, f.study, f.series, f.instance, f.sopInstanceUid, f.studyDate, f.modality,
                       static_cast<int64_t>(std::time(nullptr))};
}

std::optional<index::Item> indexedItem(const index::VectorIndex& index, const std::string& instanceId) {
  if (auto item = index.get(index::Space::Images, instanceId)) return item;
  return index.get(index::Space::Reports, instanceId);
}

}  // namespace

ingest::IngestOutcome ingestInstances(PluginContext& context, ModelIndex& target,
                                      const std::vector<std::string>& instanceIds, StatusCounting counting) {
  const PluginConfig& config = context.config;
  const bool counted = counting == StatusCounting::Counted;
  orthanc::InstanceDescriber describer(context.orthanc);
  std::vector<ingest::PendingItem> items;
  std::set<std::string> replayedStudies;
  for (const auto& id : instanceIds) {
    // Indexed already (a replay after a crash, a reindex catching up): no REST call, but
    // its study is refreshed, since the crash may have come before the study vector.
    if (auto indexed = indexedItem(*target.index, id)) {
      replayedStudies.insert(indexed->record.study);
      continue;
    }
    auto facts = describer.describe(id);
    if (!facts) continue;  // deleted since
    const bool isImage = listed(config.indexedModalities, facts->modality);
    const bool isReport = listed(config.reportModalities, facts->modality);
    if (!isImage && !isReport) {
      if (counted) ++context.status.ignored;
      continue;
    }
    ingest::PendingItem item;
    item.record = recordOf(*facts);
    // The loaders run on the pipeline's decoding threads, inside ingest() below.
    if (isReport) {
      item.kind = ingest::ItemKind::Report;
      item.loadText = [&context, id] {
        const std::string dicom = fileOf(context.orthanc, id);
        return report::readReportText(dicom.data(), dicom.size());
      };
    } else {
      item.kind = ingest::ItemKind::Image;
      item.loadImage = [&context, id] { return context.decodeImage(fileOf(context.orthanc, id)); };
    }
    items.push_back(std::move(item));
  }
  ingest::PipelineOptions options;
  options.decodeThreads = config.threads;
  options.batchSize = static_cast<std::size_t>(config.batchSize);
  ingest::IngestOutcome outcome = ingest::ingest(*target.embedder, *target.index, std::move(items), options);
  outcome.touchedStudies.insert(replayedStudies.begin(), replayedStudies.end());
  if (counted) {
    for (const auto& s : outcome.skipped) context.status.skipped(s.instance, s.reason, s.message);
    context.status.embeddingTime(outcome.embeddingMs, outcome.images + outcome.reports);
    context.status.embeddedImages += static_cast<int64_t>(outcome.images);
    context.status.embeddedReports += static_cast<int64_t>(outcome.reports);
  }
  return outcome;
}

void refreshStudy(PluginContext& context, ModelIndex& target, const std::string& studyId) {
  orthanc::InstanceDescriber describer(context.orthanc);
  auto study = describer.study(studyId);
  auto instances = study ? orthanc::instancesOfStudy(context.orthanc, studyId) : std::nullopt;
  if (!study || !instances) {
    target.index->remove(studyId);
  } else {
    index::Record record;
    record.patient = study->patient;
    record.study = studyId;
    record.studyDate = study->studyDate;
    record.indexedAtUnix = static_cast<int64_t>(std::time(nullptr));
    if (ingest::updateStudyVector(*target.index, record, *instances)) ++context.status.studyVectors;
  }
  context.results.forgetStudy(studyId);
}

void removeResource(PluginContext& context, ModelIndex& target, const std::string& resourceId) {
  std::optional<std::string> parentStudy;
  if (auto item = indexedItem(*target.index, resourceId)) parentStudy = item->record.study;
  context.status.removed += static_cast<int64_t>(target.index->remove(resourceId));
  if (parentStudy) refreshStudy(context, target, *parentStudy);
  else context.results.forgetStudy(resourceId);
}

}  // namespace mcr::plugin
