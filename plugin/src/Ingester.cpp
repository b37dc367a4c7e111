#include "Ingester.h"

#include <chrono>
#include <cmath>
#include <future>
#include <map>
#include <mutex>
#include <optional>

#include <boost/json.hpp>

#include "ImageDecoding.h"
#include "OrthancApi.h"
#include "PluginState.h"
#include "mcr/report/ReportText.h"

namespace mcr::plugin {

namespace json = boost::json;

namespace {

std::function<void(const std::string&)> g_studyChanged;

bool contains(const std::vector<std::string>& list, const std::string& value) {
  for (const auto& v : list)
    if (v == value) return true;
  return false;
}

// The facts of an instance from Orthanc's database, with per-batch caches of its parents.
struct Describer {
  struct SeriesFacts { std::string study, modality; };
  struct StudyFacts { std::string patient, date; };
  std::map<std::string, std::optional<SeriesFacts>> series;
  std::map<std::string, std::optional<StudyFacts>> studies;

  std::optional<index::Record> describe(const std::string& instanceId) {
    auto instance = orthanc::restGetJson("/instances/" + instanceId);
    if (!instance) return std::nullopt;
    index::Record r;
    r.instance = instanceId;
    r.series = orthanc::field(*instance, "ParentSeries");
    r.sopInstanceUid = orthanc::field(*instance, "MainDicomTags", "SOPInstanceUID");
    auto& s = series[r.series];
    if (!s) {
      if (auto v = orthanc::restGetJson("/series/" + r.series))
        s = SeriesFacts{orthanc::field(*v, "ParentStudy"), orthanc::field(*v, "MainDicomTags", "Modality")};
    }
    if (!s) return std::nullopt;
    r.study = s->study;
    r.modality = s->modality;
    auto& st = studies[r.study];
    if (!st) {
      if (auto v = orthanc::restGetJson("/studies/" + r.study))
        st = StudyFacts{orthanc::field(*v, "ParentPatient"), orthanc::field(*v, "MainDicomTags", "StudyDate")};
    }
    if (!st) return std::nullopt;
    r.patient = st->patient;
    r.studyDate = st->date;
    r.indexedAtUnix = static_cast<int64_t>(std::time(nullptr));
    return r;
  }
};

struct Pending {
  index::Record record;
  std::string dicom;
  image::GrayImage image;
  std::string text;
  std::string failureReason;
  std::string failureMessage;
};

void decodeOne(Pending& p, bool isReport) {
  try {
    if (isReport) {
      p.text = report::normaliseReportText(report::extractSrText(p.dicom.data(), p.dicom.size()));
      if (p.text.empty()) {
        p.failureReason = "EmptyReport";
        p.failureMessage = "the SR has no narrative text";
      }
    } else {
      p.image = decodeWithFallback(p.dicom);
    }
  } catch (const image::DecodeError& e) {
    p.failureReason = image::toString(e.code());
    p.failureMessage = e.what();
  } catch (const report::NoReportText& e) {
    p.failureReason = report::toString(e.code());
    p.failureMessage = e.what();
  } catch (const std::exception& e) {
    p.failureReason = "Error";
    p.failureMessage = e.what();
  }
  p.dicom.clear();
  p.dicom.shrink_to_fit();
}

// Decodes `items` on up to `threads` threads.
void decodeAll(std::vector<Pending>& items, bool isReport, int threads) {
  if (items.empty()) return;
  std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, threads)), items.size());
  std::vector<std::future<void>> running;
  for (std::size_t w = 0; w < workers; ++w)
    running.push_back(std::async(std::launch::async, [&, w] {
      for (std::size_t i = w; i < items.size(); i += workers) decodeOne(items[i], isReport);
    }));
  for (auto& f : running) f.get();
}

std::size_t embedAndAdd(LoadedState& state, std::vector<Pending>& items, bool isReport, bool countInStatus,
                        IngestOutcome& outcome) {
  const auto& config = pluginConfig();
  std::vector<Pending*> good;
  for (auto& p : items) {
    if (p.failureReason.empty()) good.push_back(&p);
    else if (countInStatus) status().skipped(p.record.instance, p.failureReason, p.failureMessage);
  }
  std::size_t added = 0;
  for (std::size_t start = 0; start < good.size(); start += static_cast<std::size_t>(config.batchSize)) {
    std::size_t end = std::min(good.size(), start + static_cast<std::size_t>(config.batchSize));
    auto began = std::chrono::steady_clock::now();
    model::Embeddings embeddings;
    if (isReport) {
      std::vector<std::string> texts;
      for (std::size_t i = start; i < end; ++i) texts.push_back(good[i]->text);
      embeddings = state.embedder->embedTexts(texts);
    } else {
      std::vector<image::GrayImage> images;
      for (std::size_t i = start; i < end; ++i) images.push_back(std::move(good[i]->image));
      embeddings = state.embedder->embedImages(images);
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
    if (countInStatus) status().embeddingTime(ms, end - start);
    std::vector<index::Item> batch;
    for (std::size_t i = start; i < end; ++i) {
      const float* row = embeddings.row(i - start);
      batch.push_back(index::Item{good[i]->record, std::vector<float>(row, row + embeddings.dim)});
      outcome.touchedStudies.insert(good[i]->record.study);
    }
    {
      std::unique_lock<std::shared_mutex> lock(state.indexMutex);
      state.index->add(isReport ? index::Space::Reports : index::Space::Images, batch);
    }
    added += batch.size();
  }
  return added;
}

}  // namespace

void setStudyChangedListener(std::function<void(const std::string&)> listener) {
  g_studyChanged = std::move(listener);
}

std::vector<float> normalisedMean(const std::vector<std::vector<float>>& rows) {
  if (rows.empty()) return {};
  std::vector<float> mean(rows.front().size(), 0.0f);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < mean.size() && i < r.size(); ++i) mean[i] += r[i];
  double norm = 0;
  for (float v : mean) norm += static_cast<double>(v) * v;
  norm = std::sqrt(norm);
  if (norm > 0)
    for (float& v : mean) v = static_cast<float>(v / norm);
  return mean;
}

IngestOutcome ingestInstances(LoadedState& state, const std::vector<std::string>& instanceIds,
                              bool countInStatus) {
  const auto& config = pluginConfig();
  IngestOutcome outcome;
  Describer describer;
  std::vector<Pending> images, reports;
  for (const auto& id : instanceIds) {
    {
      // Already indexed (a replay after a crash, or a reindex catching up): never embedded
      // twice, but its study vector is refreshed, since the crash may have come between
      // adding the instance and updating its study.
      std::shared_lock<std::shared_mutex> lock(state.indexMutex);
      std::optional<index::Item> indexed = state.index->get(index::Space::Images, id);
      if (!indexed) indexed = state.index->get(index::Space::Reports, id);
      if (indexed) {
        outcome.touchedStudies.insert(indexed->record.study);
        continue;
      }
    }
    auto record = describer.describe(id);
    if (!record) continue;  // deleted since
    bool isImage = contains(config.indexedModalities, record->modality);
    bool isReport = contains(config.reportModalities, record->modality);
    if (!isImage && !isReport) {
      if (countInStatus) ++status().ignored;
      continue;
    }
    auto dicom = orthanc::dicomOfInstance(id);
    if (!dicom) continue;
    Pending p;
    p.record = std::move(*record);
    p.dicom = std::move(*dicom);
    (isReport ? reports : images).push_back(std::move(p));
  }
  decodeAll(images, false, config.threads);
  decodeAll(reports, true, config.threads);
  outcome.images = embedAndAdd(state, images, false, countInStatus, outcome);
  outcome.reports = embedAndAdd(state, reports, true, countInStatus, outcome);
  return outcome;
}

void refreshStudy(LoadedState& state, const std::string& studyId) {
  auto study = orthanc::restGetJson("/studies/" + studyId);
  if (!study) {
    std::unique_lock<std::shared_mutex> lock(state.indexMutex);
    state.index->remove(studyId);
  } else {
    auto instances = orthanc::restGetJson("/studies/" + studyId + "/instances");
    std::vector<std::vector<float>> imageRows, reportRows;
    std::optional<index::Record> firstImage, firstReport;
    if (instances && instances->is_array()) {
      std::shared_lock<std::shared_mutex> lock(state.indexMutex);
      for (const auto& instance : instances->get_array()) {
        std::string id = orthanc::field(instance, "ID");
        if (auto item = state.index->get(index::Space::Images, id)) {
          imageRows.push_back(item->vector);
          if (!firstImage) firstImage = item->record;
        } else if (auto report = state.index->get(index::Space::Reports, id)) {
          reportRows.push_back(report->vector);
          if (!firstReport) firstReport = report->record;
        }
      }
    }
    std::vector<std::vector<float>> parts;
    if (!imageRows.empty()) parts.push_back(normalisedMean(imageRows));
    if (!reportRows.empty()) parts.push_back(normalisedMean(reportRows));
    std::unique_lock<std::shared_mutex> lock(state.indexMutex);
    if (parts.empty()) {
      state.index->remove(studyId);
    } else {
      index::Record r = firstImage ? *firstImage : *firstReport;
      r.series.clear();
      r.instance.clear();
      r.sopInstanceUid.clear();
      r.study = studyId;
      r.patient = orthanc::field(*study, "ParentPatient");
      r.studyDate = orthanc::field(*study, "MainDicomTags", "StudyDate");
      r.indexedAtUnix = static_cast<int64_t>(std::time(nullptr));
      state.index->add(index::Space::Studies, {index::Item{r, normalisedMean(parts)}});
      ++status().studyVectors;
    }
  }
  if (g_studyChanged) g_studyChanged(studyId);
}

void removeResource(LoadedState& state, const std::string& resourceId) {
  std::optional<std::string> parentStudy;
  std::size_t removed = 0;
  {
    std::unique_lock<std::shared_mutex> lock(state.indexMutex);
    for (auto space : {index::Space::Images, index::Space::Reports})
      if (auto item = state.index->get(space, resourceId)) parentStudy = item->record.study;
    removed = state.index->remove(resourceId);
  }
  status().removed += static_cast<int64_t>(removed);
  if (parentStudy) refreshStudy(state, *parentStudy);
  else if (g_studyChanged) g_studyChanged(resourceId);
}

}  // namespace mcr::plugin
