#include "IngestPipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>

#include "mcr/image/DicomImageDecoder.h"
#include "mcr/report/ReportText.h"

namespace mcr::ingest {

namespace {

struct Decoded {
  PendingItem* item = nullptr;
  image::GrayImage image;
  std::string text;
  bool gone = false;
  std::string failureReason, failureMessage;
};

void decodeOne(Decoded& d) {
  try {
    if (d.item->kind == ItemKind::Report) {
      d.text = d.item->loadText();
      if (d.text.empty()) {
        d.failureReason = "EmptyReport";
        d.failureMessage = "the report has no text";
      }
    } else {
      d.image = d.item->loadImage();
    }
  } catch (const ItemGone&) {
    d.gone = true;
  } catch (const image::DecodeError& e) {
    d.failureReason = image::toString(e.code());
    d.failureMessage = e.what();
  } catch (const report::NoReportText& e) {
    d.failureReason = report::toString(e.code());
    d.failureMessage = e.what();
  } catch (const std::exception& e) {
    d.failureReason = "Error";
    d.failureMessage = e.what();
  }
}

void decodeAll(std::vector<Decoded>& items, int threads) {
  if (items.empty()) return;
  const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, threads)), items.size());
  std::vector<std::future<void>> running;
  for (std::size_t w = 0; w < workers; ++w)
    running.push_back(std::async(std::launch::async, [&items, w, workers] {
      for (std::size_t i = w; i < items.size(); i += workers) decodeOne(items[i]);
    }));
  for (auto& f : running) f.get();
}

// Embeds the decoded items of one kind in batches and adds each batch to its space.
std::size_t embedAndAdd(const model::Embedder& embedder, index::VectorIndex& index, std::vector<Decoded*>& items,
                        ItemKind kind, std::size_t batchSize, IngestOutcome& outcome) {
  const index::Space space = kind == ItemKind::Report ? index::Space::Reports : index::Space::Images;
  for (std::size_t start = 0; start < items.size(); start += batchSize) {
    const std::size_t end = std::min(items.size(), start + batchSize);
    const auto began = std::chrono::steady_clock::now();
    model::Embeddings embeddings;
    if (kind == ItemKind::Report) {
      std::vector<std::string> texts;
      for (std::size_t i = start; i < end; ++i) texts.push_back(std::move(items[i]->text));
      embeddings = embedder.embedTexts(texts);
    } else {
      std::vector<image::GrayImage> images;
      for (std::size_t i = start; i < end; ++i) images.push_back(std::move(items[i]->image));
      embeddings = embedder.embedImages(images);
    }
    outcome.embeddingMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
    std::vector<index::Item> batch;
    for (std::size_t i = start; i < end; ++i) {
      const float* row = embeddings.row(i - start);
      batch.push_back(index::Item{items[i]->item->record, std::vector<float>(row, row + embeddings.dim)});
      outcome.touchedStudies.insert(items[i]->item->record.study);
    }
    index.add(space, batch);
  }
  return items.size();
}

// Normalised mean of equal-length rows; nullopt for none or no direction.
std::optional<std::vector<float>> normalisedMean(const std::vector<std::vector<float>>& rows) {
  if (rows.empty()) return std::nullopt;
  std::vector<double> sum(rows.front().size(), 0.0);
  for (const auto& row : rows) {
    if (row.size() != sum.size()) throw std::invalid_argument("study vector parts of different dimensions");
    for (std::size_t i = 0; i < row.size(); ++i) sum[i] += row[i];
  }
  double norm = 0;
  for (double x : sum) norm += x * x;
  norm = std::sqrt(norm);
  if (!(norm > 1e-12)) return std::nullopt;
  std::vector<float> out(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) out[i] = static_cast<float>(sum[i] / norm);
  return out;
}

}  // namespace

std::optional<std::vector<float>> studyVector(const std::vector<std::vector<float>>& imageVectors,
                                              const std::vector<std::vector<float>>& reportVectors) {
  std::vector<std::vector<float>> parts;
  if (auto images = normalisedMean(imageVectors)) parts.push_back(std::move(*images));
  if (auto reports = normalisedMean(reportVectors)) parts.push_back(std::move(*reports));
  return normalisedMean(parts);
}

IngestOutcome ingest(const model::Embedder& embedder, index::VectorIndex& index, std::vector<PendingItem> items,
                     const PipelineOptions& options) {
  IngestOutcome outcome;
  std::vector<Decoded> work;
  for (auto& item : items) {
    const index::Space space = item.kind == ItemKind::Report ? index::Space::Reports : index::Space::Images;
    if (index.contains(space, item.record.instance)) {
      outcome.touchedStudies.insert(item.record.study);
      continue;
    }
    work.push_back(Decoded{&item, {}, {}, false, {}, {}});
  }
  decodeAll(work, options.decodeThreads);
  std::vector<Decoded*> images, reports;
  for (auto& d : work) {
    if (d.gone) continue;
    if (!d.failureReason.empty()) {
      outcome.skipped.push_back(SkippedItem{d.item->record.instance, d.failureReason, d.failureMessage});
      continue;
    }
    (d.item->kind == ItemKind::Report ? reports : images).push_back(&d);
  }
  const std::size_t batch = std::max<std::size_t>(1, options.batchSize);
  outcome.images = embedAndAdd(embedder, index, images, ItemKind::Image, batch, outcome);
  outcome.reports = embedAndAdd(embedder, index, reports, ItemKind::Report, batch, outcome);
  return outcome;
}

bool updateStudyVector(index::VectorIndex& index, const index::Record& study,
                       const std::vector<std::string>& instanceIds) {
  std::vector<std::vector<float>> images, reports;
  std::string modality;
  for (const auto& id : instanceIds) {
    if (auto item = index.get(index::Space::Images, id)) {
      images.push_back(std::move(item->vector));
      if (modality.empty()) modality = item->record.modality;
    } else if (auto report = index.get(index::Space::Reports, id)) {
      reports.push_back(std::move(report->vector));
    }
  }
  std::optional<std::vector<float>> vector = studyVector(images, reports);
  if (!vector) {
    index.remove(study.study);  // nothing of the study is indexed: only its vector can remain
    return false;
  }
  index::Record r;
  r.patient = study.patient;
  r.study = study.study;
  r.studyDate = study.studyDate;
  r.modality = modality.empty() ? "SR" : modality;
  r.indexedAtUnix = study.indexedAtUnix;
  index.add(index::Space::Studies, {index::Item{r, std::move(*vector)}});
  return true;
}

}  // namespace mcr::ingest
