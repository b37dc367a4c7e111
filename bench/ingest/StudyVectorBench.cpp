// Which study vector serves "similar studies" best? Study -> study retrieval on a manifest
// split (each study one image + one report) for the candidate definitions:
//   images   the normalised mean of the study's image vectors
//   reports  the normalised mean of its report vectors
//   both     ingest::studyVector: the normalised mean of the two parts (the plugin's)
//   both, half without report: `both` where every other gallery study has no report yet
//            (images usually arrive before their report), the query keeping its report
// Queries are the abnormal studies; a hit is another study with the same finding set
// (R@10, as mcr-train eval's findings_abnormal), or sharing a finding class (P@10).
// Usage: study_vector_bench --model BUNDLE --manifest CSV [--split val]
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "IngestPipeline.h"
#include "mcr/model/Embedder.h"
#include "mcr/synth/Findings.h"
#include "mcr/image/DicomImageDecoder.h"
#include "mcr/image/ImageOps.h"
#include "mcr/trainer/Manifest.h"

namespace {

using Rows = std::vector<std::vector<float>>;

std::string argument(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return fallback;
}

Rows rowsOf(const mcr::model::Embeddings& e) {
  Rows out;
  for (std::size_t i = 0; i < e.count; ++i) out.emplace_back(e.row(i), e.row(i) + e.dim);
  return out;
}

float dot(const std::vector<float>& a, const std::vector<float>& b) {
  float s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

struct Labels {
  std::vector<std::string> setKey;              // canonical finding set ("" = normal)
  std::vector<std::set<std::string>> classes;   // finding classes present
};

struct Score {
  double r10 = 0, p10 = 0, randomR10 = 0, randomP10 = 0;
  std::size_t queries = 0;
};

// Abnormal queries against every other study of the gallery.
Score studyToStudy(const Rows& queries, const Rows& gallery, const Labels& labels) {
  Score score;
  const std::size_t n = gallery.size();
  for (std::size_t q = 0; q < n; ++q) {
    if (labels.setKey[q].empty()) continue;
    std::vector<std::size_t> order;
    for (std::size_t g = 0; g < n; ++g)
      if (g != q) order.push_back(g);
    std::vector<float> s(n);
    for (std::size_t g : order) s[g] = dot(queries[q], gallery[g]);
    std::partial_sort(order.begin(), order.begin() + 10, order.end(), [&](auto a, auto b) { return s[a] > s[b]; });
    auto sameSet = [&](std::size_t g) { return labels.setKey[g] == labels.setKey[q]; };
    auto sharesClass = [&](std::size_t g) {
      for (const auto& c : labels.classes[q])
        if (labels.classes[g].count(c)) return true;
      return false;
    };
    bool hit = false;
    std::size_t shared = 0, relevant = 0, sharing = 0;
    for (std::size_t r = 0; r < 10; ++r) {
      hit = hit || sameSet(order[r]);
      shared += sharesClass(order[r]) ? 1 : 0;
    }
    for (std::size_t g : order) {
      relevant += sameSet(g) ? 1 : 0;
      sharing += sharesClass(g) ? 1 : 0;
    }
    double none = 1.0;  // a random ranking of n-1 items finds none of `relevant` in 10
    for (std::size_t t = 0; t < 10; ++t) none *= std::max(0.0, double(n - 1 - relevant - t) / double(n - 1 - t));
    score.r10 += hit ? 1 : 0;
    score.p10 += shared / 10.0;
    score.randomR10 += 1.0 - none;
    score.randomP10 += double(sharing) / double(n - 1);
    ++score.queries;
  }
  if (score.queries) {
    const double k = double(score.queries);
    score.r10 /= k, score.p10 /= k, score.randomR10 /= k, score.randomP10 /= k;
  }
  return score;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string model = argument(argc, argv, "--model", ""), manifest = argument(argc, argv, "--manifest", "");
    const std::string split = argument(argc, argv, "--split", "val");
    if (model.empty() || manifest.empty()) {
      std::fprintf(stderr, "usage: study_vector_bench --model BUNDLE --manifest CSV [--split val]\n");
      return 2;
    }
    auto embedder = mcr::model::Embedder::load(model, "cpu");
    const auto studies = mcr::trainer::selectSplit(mcr::trainer::loadManifest(manifest), split);
    Labels labels;
    std::vector<mcr::image::GrayImage> images;
    std::vector<std::string> texts;
    for (const auto& s : studies) {
      const bool png = s.imagePath.size() > 4 && s.imagePath.compare(s.imagePath.size() - 4, 4, ".png") == 0;
      images.push_back(png ? mcr::image::loadPng(s.imagePath) : mcr::image::decodeDicomFile(s.imagePath).image);
      texts.push_back(s.reportText);
      labels.setKey.push_back(mcr::trainer::findingSetKey(s.findings));
      std::set<std::string> classes;
      const auto set = mcr::synth::parseFindingList(s.findings);
      for (const auto& cls : mcr::synth::findingClasses())
        if (mcr::synth::matchesClass(cls, set)) classes.insert(cls.id);
      labels.classes.push_back(classes);
    }
    const Rows imageRows = rowsOf(embedder->embedImages(images)), reportRows = rowsOf(embedder->embedTexts(texts));
    Rows both, halfWithoutReport;
    for (std::size_t i = 0; i < studies.size(); ++i) {
      both.push_back(*mcr::ingest::studyVector({imageRows[i]}, {reportRows[i]}));
      halfWithoutReport.push_back(i % 2 ? *mcr::ingest::studyVector({imageRows[i]}, {}) : both.back());
    }
    std::printf("study -> study, %s split of %s: %zu studies, model %s\n", split.c_str(), manifest.c_str(),
                studies.size(), embedder->info().name.c_str());
    std::printf("%-32s %8s %8s %10s %10s %8s\n", "study vector", "R@10", "P@10", "rand R@10", "rand P@10", "queries");
    auto line = [&](const char* name, const Score& s) {
      std::printf("%-32s %8.4f %8.4f %10.4f %10.4f %8zu\n", name, s.r10, s.p10, s.randomR10, s.randomP10, s.queries);
    };
    line("images", studyToStudy(imageRows, imageRows, labels));
    line("reports", studyToStudy(reportRows, reportRows, labels));
    line("both (ingest::studyVector)", studyToStudy(both, both, labels));
    line("both, half without report", studyToStudy(both, halfWithoutReport, labels));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "study_vector_bench: %s\n", e.what());
    return 1;
  }
}
