// mcr-index build | query: the commands that need the model bundle (compiled only when the
// mcr_model target exists, MCR_INDEX_WITH_MODEL).
#include <fmt/core.h>

#include <algorithm>
#include <ctime>

#include "Commands.h"
#include "IngestPipeline.h"
#include "StudySources.h"
#include "ToolSupport.h"
#include "mcr/image/DicomImageDecoder.h"
#include "mcr/image/ImageOps.h"
#include "mcr/index/VectorIndex.h"
#include "mcr/model/Embedder.h"

namespace mcr::index::tools {
namespace {

struct BuildArgs {
  std::string model, manifest, orthanc, out, device = "auto";
  std::size_t batch = 16;
  std::vector<std::string> modalities{"CR", "DX"};
};

struct QueryArgs {
  std::string index, model, text, image, space, device = "auto";
  std::size_t k = 10;
  bool json = false;
};

Options optionsFor(const model::BundleInfo& info) {
  Options options;
  options.dim = info.embeddingDim;
  options.modelFingerprint = info.fingerprint;
  return options;
}

void progress(std::size_t done, std::size_t total, const Stopwatch& watch, std::size_t skipped) {
  const int width = 30;
  const int filled = total ? static_cast<int>(width * done / total) : width;
  const double rate = done / std::max(watch.seconds(), 1e-9);
  const double eta = rate > 0 ? (total - done) / rate : 0;
  fmt::print(stderr, "\r[{}{}] {}/{} studies  {:.1f}/s  ETA {:.0f} s  ({} skipped)   ", std::string(filled, '#'),
             std::string(width - filled, '.'), done, total, rate, eta, skipped);
}

// One group of studies through the ingest pipeline (the plugin's): images and reports,
// then the study vectors last, so a study whose study vector is present is complete
// (that is what resuming checks).
void indexGroup(const model::Embedder& embedder, VectorIndex& index, std::vector<PendingStudy>& group,
                std::size_t batch, std::size_t& skippedImages) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<ingest::PendingItem> items;
  for (const PendingStudy& study : group) {
    for (const PendingImage& image : study.images) {
      Record r{study.patient, study.study, image.series, image.instance, image.sopInstanceUid, study.studyDate,
               image.modality, now};
      items.push_back({r, ingest::ItemKind::Image, image.load, {}});
    }
    if (study.report) {
      Record r{study.patient, study.study, study.report->series, study.report->instance, "", study.studyDate, "SR", now};
      const std::string text = study.report->text;
      items.push_back({r, ingest::ItemKind::Report, {}, [text] { return text; }});
    }
  }
  ingest::PipelineOptions options;
  options.batchSize = batch;
  const ingest::IngestOutcome outcome = ingest::ingest(embedder, index, std::move(items), options);
  for (const auto& skipped : outcome.skipped) {
    ++skippedImages;
    fmt::print(stderr, "\nskipping {}: {} ({})\n", skipped.instance, skipped.message, skipped.reason);
  }
  for (const PendingStudy& study : group) {
    std::vector<std::string> instances;
    for (const PendingImage& image : study.images) instances.push_back(image.instance);
    if (study.report) instances.push_back(study.report->instance);
    ingest::updateStudyVector(index, Record{study.patient, study.study, "", "", "", study.studyDate, "", now}, instances);
  }
}

void runBuild(const BuildArgs& a) {
  if (a.manifest.empty() == a.orthanc.empty()) throw std::runtime_error("give exactly one of --manifest and --orthanc");
  if (a.batch == 0) throw std::runtime_error("--batch must be positive");
  auto embedder = model::Embedder::load(a.model, a.device);
  const model::BundleInfo& info = embedder->info();
  fmt::print("model    {} ({}), dim {}, fingerprint {}, {} {}\n", info.name, a.model, info.embeddingDim, info.fingerprint,
             info.device, info.precision);
  auto index = VectorIndex::open(a.out, optionsFor(info));
  std::vector<PendingStudy> studies = a.manifest.empty() ? listOrthancStudies(a.orthanc, a.modalities) : readManifest(a.manifest);
  // Resumable: a study whose study vector (added last) is present is done; a study without
  // images is done when its report is present.
  std::size_t alreadyDone = 0;
  std::vector<PendingStudy> todo;
  for (auto& study : studies) {
    const bool done = study.images.empty()
                          ? (study.report && index->contains(Space::Reports, study.report->instance))
                          : index->contains(Space::Studies, study.study);
    if (done) {
      ++alreadyDone;
    } else {
      todo.push_back(std::move(study));
    }
  }
  fmt::print("studies  {} listed, {} already indexed, {} to do\n", studies.size(), alreadyDone, todo.size());
  Stopwatch watch;
  std::size_t skippedImages = 0, done = 0;
  std::vector<PendingStudy> group;
  std::size_t groupImages = 0;
  for (std::size_t i = 0; i < todo.size(); ++i) {
    groupImages += todo[i].images.size();
    group.push_back(std::move(todo[i]));
    if (groupImages >= a.batch || group.size() >= a.batch || i + 1 == todo.size()) {
      indexGroup(*embedder, *index, group, a.batch, skippedImages);
      done += group.size();
      group.clear();
      groupImages = 0;
      progress(done, todo.size(), watch, skippedImages);
    }
  }
  fmt::print(stderr, "\n");
  index->compact();
  const Stats s = index->stats();
  fmt::print("indexed  {} studies in {:.1f} s; index now {} images, {} reports, {} studies ({} images skipped)\n", done,
             watch.seconds(), s.images.vectors, s.reports.vectors, s.studies.vectors, skippedImages);
}

void runQuery(const QueryArgs& a) {
  if (a.text.empty() == a.image.empty()) throw std::runtime_error("give exactly one of --text and --image");
  auto embedder = model::Embedder::load(a.model, a.device);
  Options options = optionsFor(embedder->info());
  options.readOnly = true;  // works beside a running Orthanc that has the index open
  auto index = VectorIndex::open(a.index, options);
  model::Embeddings query;
  if (!a.text.empty()) {
    query = embedder->embedTexts({a.text});
  } else {
    const bool png = a.image.size() > 4 && a.image.compare(a.image.size() - 4, 4, ".png") == 0;
    query = embedder->embedImages({png ? image::loadPng(a.image) : image::decodeDicomFile(a.image).image});
  }
  // Cross-modal by default: text finds images, an image finds reports.
  std::string spaceName = a.space.empty() ? (a.text.empty() ? "reports" : "images") : a.space;
  Space space = spaceName == "images" ? Space::Images : spaceName == "reports" ? Space::Reports : Space::Studies;
  if (spaceName != "images" && spaceName != "reports" && spaceName != "studies") {
    throw std::runtime_error("--space must be images, reports or studies");
  }
  const auto hits = index->search(space, query.row(0), a.k);
  if (a.json) {
    std::string rows;
    for (const Hit& h : hits) {
      rows += fmt::format(R"({}{{"patient":{},"study":{},"series":{},"instance":{},"studyDate":{},"score":{:.6f}}})",
                          rows.empty() ? "" : ",", jsonString(h.record.patient), jsonString(h.record.study),
                          jsonString(h.record.series), jsonString(h.record.instance), jsonString(h.record.studyDate),
                          h.score);
    }
    fmt::print(R"({{"space":{},"k":{},"results":[{}]}})" "\n", jsonString(spaceName), a.k, rows);
    return;
  }
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const Record& r = hits[i].record;
    fmt::print("{:>3}  {:.4f}  study {}  {} {}\n", i + 1, hits[i].score, r.study, space == Space::Studies ? "" : "instance",
               r.key(space));
  }
}

}  // namespace

void addModelCommands(CLI::App& app) {
  static BuildArgs build;
  auto* b = app.add_subcommand("build", "Embed studies with a model bundle and index them (resumable)");
  b->add_option("--model", build.model, "Model bundle")->required();
  b->add_option("--manifest", build.manifest, "mcr-synth manifest.csv");
  b->add_option("--orthanc", build.orthanc, "Orthanc URL, e.g. http://localhost:8042");
  b->add_option("--out", build.out, "Index directory (created, or resumed)")->required();
  b->add_option("--batch", build.batch, "Images per embedding batch")->capture_default_str();
  b->add_option("--device", build.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  b->add_option("--modalities", build.modalities, "Image modalities to index (Orthanc)")->capture_default_str();
  b->callback([] { runBuild(build); });

  static QueryArgs query;
  auto* q = app.add_subcommand("query", "Search an index with a text or an image");
  q->add_option("--index", query.index, "Index directory")->required();
  q->add_option("--model", query.model, "Model bundle (the one the index was built with)")->required();
  q->add_option("--text", query.text, "Report text to search with");
  q->add_option("--image", query.image, "PNG or DICOM image to search with");
  q->add_option("--space", query.space, "images | reports | studies (default: the other modality)");
  q->add_option("-k", query.k, "Results")->capture_default_str();
  q->add_option("--device", query.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  q->add_flag("--json", query.json, "One JSON object");
  q->callback([] { runQuery(query); });
}

}  // namespace mcr::index::tools
