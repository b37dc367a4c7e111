// mcr-index bench: build an index from generated vectors and measure it against exact search.
// See docs/indexer.md ("bench") for what each figure means.
#include <fmt/core.h>
#include <ftw.h>
#include <malloc.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include "Commands.h"
#include "ToolSupport.h"
#include "VectorGenerators.h"
#include "mcr/index/VectorIndex.h"
#ifdef MCR_INDEX_WITH_MODEL
#include "ModelBenchData.h"
#endif

namespace mcr::index::tools {
namespace {

constexpr std::size_t kK = 10;

struct BenchArgs {
  std::size_t n = 100000;
  int dim = 256;
  int threads = 1;
  std::string data = "clustered";
  bool json = false;
  std::size_t queries = 500;
  std::vector<std::size_t> efs{10, 16, 32, 64, 128, 256, 512};
  std::size_t M = 16;
  std::size_t efConstruction = 200;
  uint64_t seed = 42;
  std::string directory;  // empty: a temporary directory, removed afterwards
  ClusteredParams clustered;
  // --data model (with the model only; docs/indexer.md, "bench").
  std::string model, manifest, device = "auto";
  double noise = 0;
  std::string queryModality = "reports";
  std::string noiseShape = "data";
  const CLI::Option* dimOption = nullptr;  // to tell a given --dim from the default
};

float dot(const float* a, const float* b, int n) {
  float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) s[j] += a[i + j] * b[i + j];
  }
  float total = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
  for (; i < n; ++i) total += a[i] * b[i];
  return total;
}

// Exact top-k by a flat scan: the baseline, and the ground truth for recall.
std::vector<std::size_t> exactTopK(const VectorSet& base, const float* query) {
  std::vector<std::pair<float, std::size_t>> best;
  auto worse = [](const auto& a, const auto& b) { return a.first > b.first; };
  for (std::size_t i = 0; i < base.n; ++i) {
    const float score = dot(query, base.row(i), base.dim);
    if (best.size() < kK) {
      best.emplace_back(score, i);
      std::push_heap(best.begin(), best.end(), worse);
    } else if (score > best.front().first) {
      std::pop_heap(best.begin(), best.end(), worse);
      best.back() = {score, i};
      std::push_heap(best.begin(), best.end(), worse);
    }
  }
  std::sort(best.begin(), best.end(), worse);
  std::vector<std::size_t> ids;
  for (const auto& [score, id] : best) ids.push_back(id);
  return ids;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t at = std::min(values.size() - 1, static_cast<std::size_t>(std::ceil(p * values.size())) - 1);
  return values[at];
}

// Runs fn(q) for every query on `threads` threads; returns queries per second.
template <typename Fn>
double throughput(std::size_t queries, int threads, Fn fn) {
  std::atomic<std::size_t> next{0};
  Stopwatch watch;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t q; (q = next++) < queries;) fn(q);
    });
  }
  for (auto& thread : pool) thread.join();
  return queries / watch.seconds();
}

std::string keyOf(std::size_t i) { return "i" + std::to_string(i); }

struct SweepPoint {
  std::size_t ef;
  double recall, p50, p99, qps;
};

struct ScratchDirectory {
  std::string path;
  bool owned = false;
  ~ScratchDirectory() {
    if (owned) {
      ::nftw(path.c_str(), [](const char* p, const struct stat*, int, struct FTW*) { return ::remove(p); }, 16,
             FTW_DEPTH | FTW_PHYS);
    }
  }
};

void runBench(BenchArgs a) {
  if (a.n < kK || a.dim < 2 || a.threads < 1 || a.queries < 1) throw std::runtime_error("need --n >= 10, --dim >= 2, --threads >= 1");
  if (a.data != "model" && (!a.model.empty() || !a.manifest.empty())) {
    throw std::runtime_error("--model and --manifest are for --data model");
  }
  VectorSet base, queries;
  std::string dataDescription;
  std::string fingerprint = "bench-" + a.data;
  if (a.data == "clustered") {
    generateClustered(a.clustered, a.dim, a.seed, a.n, a.queries, base, queries);
    dataDescription = a.clustered.describe();
  } else if (a.data == "uniform") {
    generateUniform(a.dim, a.seed, a.n, a.queries, base, queries);
    dataDescription = "uniform: N(0, I) normalised (uniform on the unit sphere, no structure)";
  } else if (a.data == "model") {
#ifdef MCR_INDEX_WITH_MODEL
    // The dimension of model data is the bundle's, and only the bundle's: a --dim given
    // beside it must agree (checked as soon as the bundle is loaded).
    const int requiredDim = a.dimOption && a.dimOption->count() > 0 ? a.dim : 0;
    const ModelDataParams params{a.model, a.manifest, a.device, a.noise, requiredDim, a.queryModality, a.noiseShape};
    const ModelData model = generateModelData(params, a.seed, a.n, a.queries, base, queries);
    a.dim = model.dim;
    fingerprint = model.fingerprint;
    dataDescription = model.description;
#else
    throw std::runtime_error(
        "--data model needs the model library: this mcr-index was built without it (configure with "
        "MCR_WITH_TORCH=ON)");
#endif
  } else {
    throw std::runtime_error("--data must be clustered, uniform or model");
  }
  fmt::print("data     {}\n", dataDescription);
  fmt::print("set      n={} dim={} queries={} k={} M={} ef_construction={} threads={} seed={}\n", a.n, a.dim,
             queries.n, kK, a.M, a.efConstruction, a.threads, a.seed);
  fmt::print("load     {} (1/5/15-minute load average at start)\n", loadAverage());
  std::fflush(stdout);

  ScratchDirectory scratch;
  if (a.directory.empty()) {
    std::string pattern = (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + std::string("/mcr-index-bench-XXXXXX");
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory");
    scratch.path = pattern;
    scratch.owned = true;
  } else {
    scratch.path = a.directory;
  }
  const std::string indexDir = scratch.path + "/index";

  Options options;
  options.dim = a.dim;
  options.modelFingerprint = fingerprint;
  options.M = a.M;
  options.efConstruction = a.efConstruction;
  options.initialCapacity = a.n;
  options.compactAfterLogRecords = SIZE_MAX;  // one snapshot at the end, timed separately
  const std::size_t defaultEf = options.ef;

  // Build: the same add() the plugin uses (logged, fdatasync'ed), in batches of 1000.
  Stopwatch buildWatch;
  double snapshotSeconds = 0;
  uint64_t snapshotBytes = 0;
  {
    auto writer = VectorIndex::open(indexDir, options);
    const std::size_t batch = 1000;
    std::size_t reported = 0;
    for (std::size_t begin = 0; begin < a.n; begin += batch) {
      std::vector<Item> items;
      for (std::size_t i = begin; i < std::min(a.n, begin + batch); ++i) {
        Item item;
        item.record.patient = "p" + std::to_string(i / 8);
        item.record.study = "s" + std::to_string(i / 2);
        item.record.instance = keyOf(i);
        item.record.modality = "CR";
        item.vector.assign(base.row(i), base.row(i) + a.dim);
        items.push_back(std::move(item));
      }
      writer->add(Space::Images, items);
      const std::size_t done = std::min(a.n, begin + batch);
      if (done * 10 / a.n > reported) {
        reported = done * 10 / a.n;
        fmt::print(stderr, "building {:>3}% ({} vectors, {:.0f} s)\n", reported * 10, done, buildWatch.seconds());
      }
    }
    Stopwatch compactWatch;
    writer->compact();
    snapshotSeconds = compactWatch.seconds();
    snapshotBytes = writer->stats().snapshotBytes;
  }
  const double buildSeconds = buildWatch.seconds() - snapshotSeconds;
  // Memory of the index as a process holds it after opening the snapshot (what the plugin
  // holds): resident growth across the open, after handing freed build memory back.
  ::malloc_trim(0);
  const uint64_t rssBefore = residentBytes();
  Stopwatch openWatch;
  std::unique_ptr<VectorIndex> index = VectorIndex::open(indexDir, options);
  const double openSeconds = openWatch.seconds();
  ::malloc_trim(0);  // the parsed snapshot's temporary buffers are gone by now
  const uint64_t rssAfter = residentBytes();
  const Stats stats = index->stats();
  const double graphBytesPerVector = double(stats.images.graphBytes) / a.n;
  const double catalogBytesPerVector = double(stats.images.catalogBytes) / a.n;
  const double rssPerVector = rssAfter > rssBefore ? double(rssAfter - rssBefore) / a.n : 0.0;
  fmt::print("build    {:.1f} s ({:.0f} vectors/s, logged adds of 1000), snapshot {:.2f} s ({:.1f} MiB), "
             "open from snapshot {:.2f} s\n",
             buildSeconds, a.n / buildSeconds, snapshotSeconds, snapshotBytes / 1048576.0, openSeconds);
  fmt::print("memory   {:.0f} bytes/vector (process RSS growth), graph {:.0f} bytes/vector, catalog {:.0f} bytes/vector\n",
             rssPerVector, graphBytesPerVector, catalogBytesPerVector);

  // Exact search: ground truth for recall, and the baseline's latency and throughput.
  std::vector<std::vector<std::size_t>> truth(queries.n);
  std::vector<double> exactLatency;
  const std::size_t timedExact = std::min<std::size_t>(queries.n, 100);
  for (std::size_t q = 0; q < timedExact; ++q) {
    Stopwatch w;
    truth[q] = exactTopK(base, queries.row(q));
    exactLatency.push_back(w.seconds() * 1000);
  }
  const double exactQps = throughput(queries.n, a.threads, [&](std::size_t q) { truth[q] = exactTopK(base, queries.row(q)); });
  const double exactP50 = percentile(exactLatency, 0.5), exactP99 = percentile(exactLatency, 0.99);
  // How near the queries are to the data (cross-modal queries lie far from the images):
  // medians of the cosine to the nearest and to the 10th-nearest indexed vector.
  std::vector<double> firstCosine, tenthCosine;
  for (std::size_t q = 0; q < queries.n; ++q) {
    firstCosine.push_back(dot(queries.row(q), base.row(truth[q].front()), a.dim));
    tenthCosine.push_back(dot(queries.row(q), base.row(truth[q].back()), a.dim));
  }
  const double queryFirst = percentile(firstCosine, 0.5), queryTenth = percentile(tenthCosine, 0.5);
  fmt::print("queries  cosine to the nearest indexed vector: median {:.4f}; to the 10th nearest: median {:.4f}\n",
             queryFirst, queryTenth);
  fmt::print("exact    p50 {:.3f} ms  p99 {:.3f} ms  {:.0f} queries/s ({} threads)\n", exactP50, exactP99, exactQps,
             a.threads);

  std::vector<std::size_t> efs = a.efs;
  if (std::find(efs.begin(), efs.end(), defaultEf) == efs.end()) efs.push_back(defaultEf);
  std::sort(efs.begin(), efs.end());
  std::vector<SweepPoint> sweep;
  for (std::size_t ef : efs) {
    std::vector<double> latency;
    std::size_t found = 0;
    for (std::size_t q = 0; q < queries.n; ++q) {
      Stopwatch w;
      const auto hits = index->search(Space::Images, queries.row(q), kK, {}, ef);
      latency.push_back(w.seconds() * 1000);
      for (const Hit& hit : hits) {
        for (std::size_t id : truth[q]) found += hit.record.instance == keyOf(id);
      }
    }
    const double qps =
        throughput(queries.n, a.threads, [&](std::size_t q) { index->search(Space::Images, queries.row(q), kK, {}, ef); });
    sweep.push_back({ef, double(found) / (kK * queries.n), percentile(latency, 0.5), percentile(latency, 0.99), qps});
    const auto& p = sweep.back();
    fmt::print("ef {:>5}  recall@10 {:.4f}  p50 {:.3f} ms  p99 {:.3f} ms  {:.0f} queries/s{}\n", ef, p.recall, p.p50,
               p.p99, p.qps, ef == defaultEf ? "  (default ef)" : "");
  }
  std::string efFor09 = "null";
  for (const auto& p : sweep) {
    if (p.recall >= 0.9) {
      efFor09 = std::to_string(p.ef);
      break;
    }
  }
  fmt::print("ef needed for recall@10 >= 0.9: {}\n", efFor09 == "null" ? "not reached in this sweep" : efFor09);
  fmt::print("load     {} (at end)\n", loadAverage());
  if (a.json) {
    const SweepPoint& d = *std::find_if(sweep.begin(), sweep.end(), [&](const auto& p) { return p.ef == defaultEf; });
    std::string sweepJson;
    for (const auto& p : sweep) {
      sweepJson += fmt::format(R"({}{{"ef":{},"recall@10":{:.4f},"p50_ms":{:.4f},"p99_ms":{:.4f},"qps":{:.1f}}})",
                               sweepJson.empty() ? "" : ",", p.ef, p.recall, p.p50, p.p99, p.qps);
    }
    fmt::print(R"({{"n":{},"dim":{},"data":{},"M":{},"ef_construction":{},"threads":{},"queries":{},"ef":{},)"
               R"("recall@10":{:.4f},"p50_ms":{:.4f},"p99_ms":{:.4f},"qps":{:.1f},"bytes_per_vector":{:.0f},)"
               R"("graph_bytes_per_vector":{:.0f},"catalog_bytes_per_vector":{:.0f},"build_s":{:.2f},"snapshot_s":{:.2f},"snapshot_bytes":{},"open_s":{:.2f},)"
               R"("ef_for_recall_0.9":{},"query_top1_cosine":{:.4f},"query_top10_cosine":{:.4f},"exact":{{"p50_ms":{:.4f},"p99_ms":{:.4f},"qps":{:.1f}}},"sweep":[{}],"load":{}}})"
               "\n",
               a.n, a.dim, jsonString(a.data), a.M, a.efConstruction, a.threads, queries.n, d.ef, d.recall, d.p50,
               d.p99, d.qps, rssPerVector, graphBytesPerVector, catalogBytesPerVector, buildSeconds, snapshotSeconds, snapshotBytes,
               openSeconds, efFor09, queryFirst, queryTenth, exactP50, exactP99, exactQps, sweepJson, jsonString(loadAverage()));
  }
}

}  // namespace

void addBenchCommand(CLI::App& app) {
  static BenchArgs args;
  auto* bench = app.add_subcommand("bench", "Build an index from generated vectors; recall, latency, memory vs exact search");
  bench->add_option("--n", args.n, "Vectors to index")->capture_default_str();
  args.dimOption = bench->add_option("--dim", args.dim, "Dimension (not with --data model: the bundle's)")->capture_default_str();
  bench->add_option("--threads", args.threads, "Threads for the queries/s figures")->capture_default_str();
  bench->add_option("--data", args.data, "clustered | uniform | model")->capture_default_str();
  bench->add_flag("--json", args.json, "End with one JSON line of the results");
  bench->add_option("--queries", args.queries, "Query vectors (fresh, not in the index)")->capture_default_str();
  bench->add_option("--ef", args.efs, "ef values to sweep")->capture_default_str();
  bench->add_option("--M", args.M, "HNSW M")->capture_default_str();
  bench->add_option("--ef-construction", args.efConstruction, "HNSW ef_construction")->capture_default_str();
  bench->add_option("--seed", args.seed, "Generator seed")->capture_default_str();
  bench->add_option("--clusters", args.clustered.clusters, "clustered: number of clusters")->capture_default_str();
  bench->add_option("--subspace", args.clustered.subspaceDim, "clustered: subspace dimension")->capture_default_str();
  bench->add_option("--dir", args.directory, "Keep the index in this directory (default: temporary, removed)");
  bench->add_option("--model", args.model, "--data model: the model bundle");
  bench->add_option("--manifest", args.manifest, "--data model: mcr-synth manifest.csv of the studies to embed");
  bench->add_option("--device", args.device, "--data model: auto, cpu, cuda or cuda:N")->capture_default_str();
  bench->add_option("--noise", args.noise,
                    "--data model: noise sigma per dimension of the replicas (default: half the real "
                    "nearest-neighbour distance / sqrt(dim))");
  bench->add_option("--noise-shape", args.noiseShape,
                    "--data model: data (along the real embeddings' covariance) or isotropic")
      ->capture_default_str();
  bench->add_option("--query-modality", args.queryModality,
                    "--data model: reports (text -> images) or images (held-out images)")
      ->capture_default_str();
  bench->callback([] { runBench(args); });
}

}  // namespace mcr::index::tools
