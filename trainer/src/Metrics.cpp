#include "mcr/trainer/Metrics.h"

#include <algorithm>
#include <boost/json.hpp>
#include <fmt/format.h>
#include <numeric>
#include <stdexcept>

#include "mcr/trainer/LinearProbe.h"

namespace mcr::trainer {
namespace {

// Indices of the k highest scores (ties: lower index first).
template <typename Score>
std::vector<std::size_t> topKByScore(const std::vector<Score>& score, std::size_t k) {
  std::vector<std::size_t> idx(score.size());
  std::iota(idx.begin(), idx.end(), 0);
  k = std::min(k, score.size());
  std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
                    [&](std::size_t a, std::size_t b) { return score[a] > score[b] || (score[a] == score[b] && a < b); });
  idx.resize(k);
  return idx;
}

// Indices of the top k gallery rows for one query, by descending dot product.
std::vector<std::size_t> topK(const float* query, const std::vector<float>& gallery, std::size_t n, std::size_t dim,
                              std::size_t k) {
  std::vector<float> score(n);
  for (std::size_t j = 0; j < n; ++j) {
    const float* g = gallery.data() + j * dim;
    float s = 0;
    for (std::size_t d = 0; d < dim; ++d) s += query[d] * g[d];
    score[j] = s;
  }
  return topKByScore(score, k);
}

// Mean R@1/5/10 over the queries `counted` selects (all when it is empty); returns how many.
template <typename Relevant>
std::size_t direction(const std::vector<float>& queries, const std::vector<float>& gallery, std::size_t n,
                      std::size_t dim, Relevant relevant, RecallAtK& measured, RecallAtK& random,
                      const std::vector<bool>& counted = {}) {
  std::size_t used = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!counted.empty() && !counted[i]) continue;
    ++used;
    auto top = topK(queries.data() + i * dim, gallery, n, dim, 10);
    auto hitWithin = [&](std::size_t k) {
      for (std::size_t r = 0; r < std::min(k, top.size()); ++r)
        if (relevant(i, top[r])) return 1.0;
      return 0.0;
    };
    measured.r1 += hitWithin(1);
    measured.r5 += hitWithin(5);
    measured.r10 += hitWithin(10);
    std::size_t m = 0;
    for (std::size_t j = 0; j < n; ++j) m += relevant(i, j) ? 1 : 0;
    random.r1 += randomRecallAtK(n, m, 1);
    random.r5 += randomRecallAtK(n, m, 5);
    random.r10 += randomRecallAtK(n, m, 10);
  }
  for (auto* r : {&measured, &random}) {
    const double d = static_cast<double>(std::max<std::size_t>(1, used));
    r->r1 /= d;
    r->r5 /= d;
    r->r10 /= d;
  }
  return used;
}

boost::json::object recallJson(const RecallAtK& r) { return {{"R@1", r.r1}, {"R@5", r.r5}, {"R@10", r.r10}}; }

boost::json::object directionJson(const DirectionMetrics& d) {
  boost::json::object o;
  o["exact"] = recallJson(d.exact);
  o["findings"] = d.findings ? boost::json::value(recallJson(*d.findings)) : boost::json::value(nullptr);
  o["findings_abnormal"] =
      d.findingsAbnormal ? boost::json::value(recallJson(*d.findingsAbnormal)) : boost::json::value(nullptr);
  return o;
}

}  // namespace

double precisionAtK(const std::vector<double>& scores, const std::vector<bool>& positive, std::size_t k) {
  if (scores.size() != positive.size()) throw std::invalid_argument("precision at k: scores and labels disagree in size");
  const auto top = topKByScore(scores, k);
  if (top.empty()) return 0.0;
  std::size_t hits = 0;
  for (auto j : top) hits += positive[j] ? 1 : 0;
  return static_cast<double>(hits) / static_cast<double>(top.size());
}

double randomRecallAtK(std::size_t n, std::size_t relevant, std::size_t k) {
  if (n == 0 || relevant == 0) return 0.0;
  k = std::min(k, n);
  // 1 - P(no relevant item among k drawn without replacement) = 1 - prod (n-m-t)/(n-t).
  double none = 1.0;
  for (std::size_t t = 0; t < k; ++t) {
    if (n - t <= relevant) return 1.0;
    none *= static_cast<double>(n - relevant - t) / static_cast<double>(n - t);
  }
  return 1.0 - none;
}

RetrievalReport evaluateRetrieval(const EvalInputs& in) {
  const std::size_t n = in.n, dim = in.dim;
  if (n == 0 || dim == 0) throw std::invalid_argument("evaluation needs at least one study and a non-zero dimension");
  if (in.images.size() != n * dim || in.texts.size() != n * dim || in.exactKeys.size() != n ||
      (!in.findingKeys.empty() && in.findingKeys.size() != n))
    throw std::invalid_argument("evaluation inputs disagree in size");
  RetrievalReport r;
  r.n = n;
  auto exact = [&](std::size_t q, std::size_t g) { return q == g || in.exactKeys[q] == in.exactKeys[g]; };
  direction(in.images, in.texts, n, dim, exact, r.i2t.exact, r.randomI2t.exact);
  direction(in.texts, in.images, n, dim, exact, r.t2i.exact, r.randomT2i.exact);
  if (!in.findingKeys.empty()) {
    auto same = [&](std::size_t q, std::size_t g) { return in.findingKeys[q] == in.findingKeys[g]; };
    RecallAtK a, b, ra, rb;
    direction(in.images, in.texts, n, dim, same, a, ra);
    direction(in.texts, in.images, n, dim, same, b, rb);
    r.i2t.findings = a;
    r.t2i.findings = b;
    r.randomI2t.findings = ra;
    r.randomT2i.findings = rb;
    std::vector<bool> abnormal(n);
    for (std::size_t i = 0; i < n; ++i) abnormal[i] = !in.findingKeys[i].empty();
    RecallAtK c, d, rc, rd;
    if (direction(in.images, in.texts, n, dim, same, c, rc, abnormal) > 0) {
      direction(in.texts, in.images, n, dim, same, d, rd, abnormal);
      r.i2t.findingsAbnormal = c;
      r.t2i.findingsAbnormal = d;
      r.randomI2t.findingsAbnormal = rc;
      r.randomT2i.findingsAbnormal = rd;
    }
  }
  if (in.referenceImages.size() % dim != 0) throw std::invalid_argument("reference images are not rows of the dimension");
  const std::size_t references = in.referenceImages.size() / dim;
  double sum = 0, randomSum = 0, ceilingSum = 0;
  std::size_t ceilings = 0;
  for (const auto& p : in.probes) {
    if (p.embedding.size() != dim || p.positive.size() != n) throw std::invalid_argument("probe '" + p.query + "' has wrong sizes");
    const auto positives = static_cast<std::size_t>(std::count(p.positive.begin(), p.positive.end(), true));
    if (positives < kMinProbePositives) continue;
    auto top = topK(p.embedding.data(), in.images, n, dim, 10);
    std::size_t hits = 0;
    for (auto j : top) hits += p.positive[j] ? 1 : 0;
    ProbeResult pr;
    pr.query = p.query;
    pr.positives = positives;
    pr.precisionAt10 = static_cast<double>(hits) / static_cast<double>(top.size());
    pr.random = static_cast<double>(positives) / static_cast<double>(n);
    if (references > 0) {
      if (p.referencePositive.size() != references) throw std::invalid_argument("probe '" + p.query + "' has wrong sizes");
      const auto refPositives = std::count(p.referencePositive.begin(), p.referencePositive.end(), true);
      if (refPositives > 0 && static_cast<std::size_t>(refPositives) < references) {
        const auto probe = fitLinearProbe(in.referenceImages, dim, p.referencePositive);
        pr.imageCeiling = precisionAtK(probe.scores(in.images, dim), p.positive, 10);
        ceilingSum += *pr.imageCeiling;
        ++ceilings;
      }
    }
    sum += pr.precisionAt10;
    randomSum += pr.random;
    r.probes.push_back(pr);
  }
  if (!r.probes.empty()) {
    r.macroP10 = sum / static_cast<double>(r.probes.size());
    r.randomMacroP10 = randomSum / static_cast<double>(r.probes.size());
    // Only a ceiling for every scored probe is comparable with the macro P@10.
    if (ceilings == r.probes.size()) r.macroImageCeiling = ceilingSum / static_cast<double>(ceilings);
  }
  return r;
}

std::string RetrievalReport::toJson() const {
  auto probesJson = [&](bool random) {
    boost::json::object o;
    boost::json::object per;
    for (const auto& p : probes) per[p.query] = random ? p.random : p.precisionAt10;
    auto macro = random ? randomMacroP10 : macroP10;
    o["macro_P@10"] = macro ? boost::json::value(*macro) : boost::json::value(nullptr);
    o["per_query"] = per;
    boost::json::object ceilingPer;
    for (const auto& p : probes)
      if (p.imageCeiling) ceilingPer[p.query] = *p.imageCeiling;
    if (!random && !ceilingPer.empty())
      o["image_ceiling"] = boost::json::object{
          {"macro_P@10", macroImageCeiling ? boost::json::value(*macroImageCeiling) : boost::json::value(nullptr)},
          {"per_query", ceilingPer}};
    return o;
  };
  boost::json::object o;
  o["n"] = n;
  o["i2t"] = directionJson(i2t);
  o["t2i"] = directionJson(t2i);
  o["probes"] = probesJson(false);
  o["random"] = boost::json::object{
      {"i2t", directionJson(randomI2t)}, {"t2i", directionJson(randomT2i)}, {"probes", probesJson(true)}};
  return boost::json::serialize(o);
}

std::string RetrievalReport::toTable() const {
  std::string out = fmt::format("studies in gallery: {}\n{:<22} {:>7} {:>7} {:>7}   (random R@1 R@5 R@10)\n", n, "", "R@1",
                                "R@5", "R@10");
  auto line = [&](const std::string& name, const RecallAtK& m, const RecallAtK& rnd) {
    out += fmt::format("{:<22} {:>7.3f} {:>7.3f} {:>7.3f}   ({:.3f} {:.3f} {:.3f})\n", name, m.r1, m.r5, m.r10, rnd.r1,
                       rnd.r5, rnd.r10);
  };
  line("image->report exact", i2t.exact, randomI2t.exact);
  line("report->image exact", t2i.exact, randomT2i.exact);
  if (i2t.findings) {
    line("image->report findings", *i2t.findings, *randomI2t.findings);
    line("report->image findings", *t2i.findings, *randomT2i.findings);
  }
  if (i2t.findingsAbnormal) {
    line("  abnormal queries i->r", *i2t.findingsAbnormal, *randomI2t.findingsAbnormal);
    line("  abnormal queries r->i", *t2i.findingsAbnormal, *randomT2i.findingsAbnormal);
  }
  for (const auto& p : probes)
    out += fmt::format("probe {:<32} P@10 {:.3f}   (random {:.3f}, {} positives{})\n", "\"" + p.query + "\"",
                       p.precisionAt10, p.random, p.positives,
                       p.imageCeiling ? fmt::format("; image ceiling {:.3f}", *p.imageCeiling) : "");
  if (macroP10) out += fmt::format("probe macro P@10 {:.3f}   (random {:.3f})\n", *macroP10, *randomMacroP10);
  if (macroImageCeiling) out += fmt::format("probe macro image ceiling P@10 {:.3f}\n", *macroImageCeiling);
  return out;
}

}  // namespace mcr::trainer
