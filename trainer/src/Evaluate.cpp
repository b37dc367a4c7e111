#include "mcr/trainer/Evaluate.h"

#include <ATen/autocast_mode.h>
#include <cstdint>

#include <algorithm>
#include <set>

#include "mcr/synth/Findings.h"
#include "mcr/model/torch/Autocast.h"

namespace mcr::trainer {
namespace {

constexpr std::size_t kEvalBatch = 64;

std::vector<float> toVector(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

image::GrayImage rowImage(const LoadedStudies& data, std::size_t row) {
  image::GrayImage img;
  img.height = static_cast<int>(data.images.size(1));
  img.width = static_cast<int>(data.images.size(2));
  const auto* src = data.images[static_cast<int64_t>(row)].contiguous().data_ptr<uint8_t>();
  img.pixels.resize(static_cast<std::size_t>(img.width) * img.height);
  for (std::size_t p = 0; p < img.pixels.size(); ++p) img.pixels[p] = src[p] / 255.0f;
  return img;
}

// Every row of a split through `images`, kEvalBatch rows at a time.
std::vector<float> embedAllImages(std::size_t n, const EmbedImageRows& images) {
  std::vector<float> out;
  for (std::size_t b = 0; b < n; b += kEvalBatch) {
    auto part = images(b, std::min(n, b + kEvalBatch));
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

}  // namespace

EvalInputs buildEvalInputs(const LoadedStudies& data, std::size_t dim, const EmbedImageRows& images,
                           const EmbedTextList& texts) {
  EvalInputs in;
  in.n = data.size();
  in.dim = dim;
  std::vector<std::string> reports;
  bool haveFindings = !data.studies.empty();
  for (const auto& s : data.studies) {
    in.exactKeys.push_back(s.reportText);
    reports.push_back(s.reportText);
    haveFindings = haveFindings && s.hasFindings;
  }
  in.images = embedAllImages(in.n, images);
  for (std::size_t b = 0; b < in.n; b += kEvalBatch) {
    std::vector<std::string> chunk(reports.begin() + static_cast<std::ptrdiff_t>(b),
                                   reports.begin() + static_cast<std::ptrdiff_t>(std::min(in.n, b + kEvalBatch)));
    auto t = texts(chunk);
    in.texts.insert(in.texts.end(), t.begin(), t.end());
  }
  if (!haveFindings) return in;
  std::vector<synth::FindingSet> sets;
  for (const auto& s : data.studies) {
    in.findingKeys.push_back(findingSetKey(s.findings));
    sets.push_back(synth::parseFindingList(s.findings));
  }
  std::vector<std::string> queries;
  for (const auto& cls : synth::findingClasses()) {
    ProbeQuery p;
    p.query = cls.query;
    for (const auto& set : sets) p.positive.push_back(synth::matchesClass(cls, set));
    if (static_cast<std::size_t>(std::count(p.positive.begin(), p.positive.end(), true)) < kMinProbePositives) continue;
    queries.push_back(cls.query);
    in.probes.push_back(std::move(p));
  }
  if (!queries.empty()) {
    auto e = texts(queries);
    for (std::size_t i = 0; i < in.probes.size(); ++i)
      in.probes[i].embedding.assign(e.begin() + static_cast<std::ptrdiff_t>(i * dim),
                                    e.begin() + static_cast<std::ptrdiff_t>((i + 1) * dim));
  }
  return in;
}

void addProbeReference(EvalInputs& in, const LoadedStudies& reference, const EmbedImageRows& referenceImages) {
  if (in.probes.empty()) return;
  requireFindings(reference.studies, "--probe-ceiling");
  std::vector<synth::FindingSet> sets;
  for (const auto& s : reference.studies) sets.push_back(synth::parseFindingList(s.findings));
  for (auto& p : in.probes) {
    const auto& classes = synth::findingClasses();
    const auto cls = std::find_if(classes.begin(), classes.end(), [&](const auto& c) { return c.query == p.query; });
    if (cls == classes.end()) throw std::logic_error("probe '" + p.query + "' is not a finding class");
    p.referencePositive.clear();
    for (const auto& set : sets) p.referencePositive.push_back(synth::matchesClass(*cls, set));
  }
  in.referenceImages = embedAllImages(reference.size(), referenceImages);
}

RetrievalReport evaluateLiveModel(model::MCRModel& model, const tokenizer::Tokenizer& tok, const LoadedStudies& data,
                                  const torch::Device& device, bool bf16) {
  const bool wasTraining = model->is_training();
  model->eval();
  const auto dim = static_cast<std::size_t>(model->config.embeddingDim);
  const int maxTokens = model->config.maxTokens;
  auto images = [&](std::size_t b, std::size_t e) {
    std::vector<std::size_t> rows;
    for (auto i = b; i < e; ++i) rows.push_back(i);
    auto batch = makeBatch(data, rows);
    c10::InferenceMode guard;
    model::AutocastScope autocast(device, bf16);
    return toVector(model->embedImages(batch.images.to(device)).embedding);
  };
  auto texts = [&](const std::vector<std::string>& list) {
    std::vector<std::vector<int64_t>> ids;
    std::size_t longest = 0;
    for (const auto& t : list) {
      ids.push_back(tok.encode(t, static_cast<std::size_t>(maxTokens)));
      longest = std::max(longest, ids.back().size());
    }
    auto batch = torch::full({static_cast<int64_t>(list.size()), static_cast<int64_t>(longest)}, tokenizer::kPadId,
                             torch::kLong);
    for (std::size_t i = 0; i < ids.size(); ++i)
      for (std::size_t j = 0; j < ids[i].size(); ++j) batch[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = ids[i][j];
    c10::InferenceMode guard;
    model::AutocastScope autocast(device, bf16);
    return toVector(model->embedTexts(batch.to(device)).embedding);
  };
  auto report = evaluateRetrieval(buildEvalInputs(data, dim, images, texts));
  if (wasTraining) model->train();
  return report;
}

RetrievalReport evaluateEmbedder(const model::Embedder& embedder, const LoadedStudies& data,
                                 const LoadedStudies* probeReference) {
  auto imagesOf = [&](const LoadedStudies& from) {
    return [&embedder, &from](std::size_t b, std::size_t e) {
      std::vector<image::GrayImage> batch;
      for (auto i = b; i < e; ++i) batch.push_back(rowImage(from, i));
      return embedder.embedImages(batch).values;
    };
  };
  auto texts = [&](const std::vector<std::string>& list) { return embedder.embedTexts(list).values; };
  auto inputs = buildEvalInputs(data, static_cast<std::size_t>(embedder.info().embeddingDim), imagesOf(data), texts);
  if (probeReference) addProbeReference(inputs, *probeReference, imagesOf(*probeReference));
  return evaluateRetrieval(inputs);
}

RankingAgreement compareRankings(const model::Embedder& a, const model::Embedder& b, const LoadedStudies& data) {
  std::vector<image::GrayImage> imgs;
  std::vector<std::string> reports;
  for (std::size_t i = 0; i < data.size(); ++i) {
    imgs.push_back(rowImage(data, i));
    reports.push_back(data.studies[i].reportText);
  }
  const auto ia = a.embedImages(imgs), ib = b.embedImages(imgs), ta = a.embedTexts(reports), tb = b.embedTexts(reports);
  const std::size_t n = data.size(), dim = ia.dim, k = std::min<std::size_t>(10, n);
  auto top = [&](const float* q, const model::Embeddings& g) {
    std::vector<std::pair<float, std::size_t>> s;
    for (std::size_t j = 0; j < n; ++j) {
      float d = 0;
      for (std::size_t c = 0; c < dim; ++c) d += q[c] * g.row(j)[c];
      s.emplace_back(-d, j);
    }
    std::partial_sort(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(k), s.end());
    std::set<std::size_t> out;
    for (std::size_t r = 0; r < k; ++r) out.insert(s[r].second);
    return out;
  };
  RankingAgreement agreement;
  for (std::size_t i = 0; i < n; ++i) {
    auto overlap = [&](const std::set<std::size_t>& x, const std::set<std::size_t>& y) {
      std::size_t c = 0;
      for (auto v : x) c += y.count(v);
      return static_cast<double>(c) / static_cast<double>(k);
    };
    agreement.i2t += overlap(top(ia.row(i), ta), top(ib.row(i), tb));
    agreement.t2i += overlap(top(ta.row(i), ia), top(tb.row(i), ib));
  }
  agreement.i2t /= static_cast<double>(n);
  agreement.t2i /= static_cast<double>(n);
  return agreement;
}

}  // namespace mcr::trainer
