// Benchmarks of the Orthanc plugin against the real /usr/sbin/Orthanc (docs/benchmarks.md):
//   store      store throughput of the same instances, plugin off vs on (same run)
//   latency    store -> searchable latency of single studies on an idle server
//   search     /mcr/search text-query latency and throughput with N vectors, 1 and 8 clients
//   ingest-search  /mcr/search latency while N studies are stored and ingested, against idle
// Usage: plugin_bench store [--studies 250] | latency [--samples 30] | search [--vectors 100000] [--seconds 10]
//        | ingest-search [--studies 1000] [--vectors 100000] [--clients 2]
// MCR_PLUGIN_UNDER_TEST=/path/libOrthancMCR.so runs a benchmark against another build (a baseline).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>
#include <cmath>
#include <fstream>

#include <boost/json.hpp>

#include "Helpers.h"
#include "OrthancServer.h"
#include "TestData.h"
#include "mcr/index/VectorIndex.h"
#include "mcr/model/Embedder.h"

using namespace mcr::test;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5))];
}

int argInt(int argc, char** argv, const char* name, int fallback) {
  for (int i = 2; i + 1 < argc; ++i)
    if (std::string(argv[i]) == name) return std::atoi(argv[i + 1]);
  return fallback;
}

// Four REST clients, as a busy modality router would; returns instances per second.
double storeRate(OrthancServer& server, const std::vector<fs::path>& files) {
  std::vector<std::string> bodies;
  for (const auto& f : files) bodies.push_back(readFile(f));
  std::atomic<std::size_t> next{0};
  auto start = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&] {
      for (std::size_t i; (i = next++) < bodies.size();)
        if (server.post("/instances", bodies[i], "application/dicom").status != 200) std::abort();
    });
  for (auto& t : clients) t.join();
  return static_cast<double>(bodies.size()) / seconds(start, Clock::now());
}

int benchStore(int studies) {
  const TestData& data = testData(studies);
  auto files = data.filesOf(0, data.studies.size());
  std::printf("store: %zu instances (%d studies), 4 REST clients\n", files.size(), studies);
  // Alternate off/on three times: this machine is shared, so every round is printed.
  double off = 0, on = 0;
  for (int round = 0; round < 3; ++round) {
    {
      OrthancServer server(scratchDir("store-off-" + std::to_string(round)), mcrSection(data.bundle.string()), false);
      server.start();
      off = storeRate(server, files);
    }
    {
      OrthancServer server(scratchDir("store-on-" + std::to_string(round)), mcrSection(data.bundle.string()));
      server.start();
      server.waitFor([](const json::value& s) { return s.at("ready").as_bool(); }, std::chrono::seconds(60));
      on = storeRate(server, files);
      auto begin = Clock::now();
      server.waitIdle(std::chrono::seconds(1200));
      std::printf("  round %d: plugin off %.1f inst/s, on %.1f inst/s, ratio %.3f (indexing finished %.1f s after storing)\n",
                  round + 1, off, on, on / off, seconds(begin, Clock::now()));
    }
  }
  return 0;
}

int benchLatency(int samples) {
  const TestData& data = testData(std::max(samples, 2));
  OrthancServer server(scratchDir("latency"), mcrSection(data.bundle.string()));
  server.start();
  server.waitFor([](const json::value& s) { return s.at("ready").as_bool(); }, std::chrono::seconds(60));
  std::vector<double> ms;
  for (int i = 0; i < samples && i < static_cast<int>(data.studies.size()); ++i) {
    auto begin = Clock::now();
    auto ids = server.storeRest(data.studies[i].files);
    // Searchable = every instance of the study answers as a query.
    for (const auto& id : ids)
      while (search(server, {{"instance", id}, {"k", 1}}).status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ms.push_back(1000 * seconds(begin, Clock::now()));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // idle server between samples
  }
  std::printf("store->searchable (one study = %zu instances, PollIntervalMs 200): median %.1f ms, p95 %.1f ms, n=%zu\n",
              data.studies[0].files.size(), percentile(ms, 0.5), percentile(ms, 0.95), ms.size());
  return 0;
}

// Fills an index generation with `count` random unit vectors for the bundle's fingerprint,
// and makes it CURRENT, so the plugin serves it without ingesting 100k instances.
void prefillIndex(const fs::path& indexDirectory, const std::string& bundle, int count) {
  auto embedder = mcr::model::Embedder::load(bundle, "cpu");
  const auto& info = embedder->info();
  mcr::index::Options options;
  options.dim = info.embeddingDim;
  options.modelFingerprint = info.fingerprint;
  auto index = mcr::index::VectorIndex::open((indexDirectory / "gen-bench").string(), options);
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  const int batch = 1000;
  for (int start = 0; start < count; start += batch) {
    std::vector<mcr::index::Item> items;
    for (int i = start; i < std::min(count, start + batch); ++i) {
      mcr::index::Item item;
      item.record.patient = "p" + std::to_string(i / 4);
      item.record.study = "s" + std::to_string(i / 2);
      item.record.series = "se" + std::to_string(i);
      item.record.instance = "i" + std::to_string(i);
      item.record.studyDate = "2024" + std::string(i % 12 < 9 ? "0" : "") + std::to_string(i % 12 + 1) + "15";
      item.record.modality = "CR";
      item.vector.resize(info.embeddingDim);
      double norm = 0;
      for (float& v : item.vector) { v = normal(rng); norm += v * v; }
      for (float& v : item.vector) v = static_cast<float>(v / std::sqrt(norm));
      items.push_back(std::move(item));
    }
    index->add(mcr::index::Space::Images, items);
  }
  index->compact();
  std::ofstream(indexDirectory / "CURRENT") << json::serialize(json::object{
      {"generation", "gen-bench"}, {"model", bundle}, {"configuredModel", bundle}});
}

int benchSearch(int vectors, int secondsPerRun) {
  const TestData& data = testData(2);
  fs::path dir = scratchDir("search");
  fs::path indexDirectory = dir / "mcr-index";
  auto begin = Clock::now();
  prefillIndex(indexDirectory, data.bundle.string(), vectors);
  std::printf("search: %d vectors prefilled in %.1f s\n", vectors, seconds(begin, Clock::now()));
  json::object mcr = mcrSection(data.bundle.string());
  mcr["IndexDirectory"] = indexDirectory.string();
  OrthancServer server(dir, mcr);
  server.start();
  auto status = server.waitFor([](const json::value& s) { return s.at("ready").as_bool(); }, std::chrono::seconds(120));
  std::printf("  index served: %lld image vectors\n", static_cast<long long>(indexCount(status, "images")));
  const char* queries[] = {"small right pleural effusion", "cardiomegaly", "no acute cardiopulmonary process",
                           "left lower lobe consolidation", "pneumothorax on the right"};
  for (int clients : {1, 8}) {
    std::vector<std::vector<double>> perClient(clients);
    std::atomic<bool> stop{false};
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    auto start = Clock::now();
    for (int c = 0; c < clients; ++c)
      threads.emplace_back([&, c] {
        for (int q = c; !stop; ++q) {
          auto t0 = Clock::now();
          auto a = search(server, {{"text", queries[q % 5]}, {"k", 10}, {"target", "images"}});
          if (a.status != 200) ++errors;
          perClient[c].push_back(1000 * seconds(t0, Clock::now()));
        }
      });
    std::this_thread::sleep_for(std::chrono::seconds(secondsPerRun));
    stop = true;
    for (auto& t : threads) t.join();
    double elapsed = seconds(start, Clock::now());
    std::vector<double> all;
    for (auto& v : perClient) all.insert(all.end(), v.begin(), v.end());
    std::printf("  %d client(s): p50 %.2f ms, p99 %.2f ms, %.1f queries/s, %zu queries, %d errors\n", clients,
                percentile(all, 0.5), percentile(all, 0.99), all.size() / elapsed, all.size(), errors.load());
  }
  return 0;
}

struct LatencySample {
  std::vector<double> ms;
  int errors = 0;
};

// `clients` threads query until `stop`; text queries against the images space.
LatencySample searchUntil(OrthancServer& server, int clients, const std::atomic<bool>& stop) {
  const char* queries[] = {"small right pleural effusion", "cardiomegaly", "no acute cardiopulmonary process",
                           "left lower lobe consolidation", "pneumothorax on the right"};
  std::vector<LatencySample> perClient(clients);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      for (int q = c; !stop; ++q) {
        auto t0 = Clock::now();
        if (search(server, {{"text", queries[q % 5]}, {"k", 10}, {"target", "images"}}).status != 200)
          ++perClient[c].errors;
        perClient[c].ms.push_back(1000 * seconds(t0, Clock::now()));
      }
    });
  for (auto& t : threads) t.join();
  LatencySample all;
  for (auto& s : perClient) {
    all.ms.insert(all.ms.end(), s.ms.begin(), s.ms.end());
    all.errors += s.errors;
  }
  return all;
}

void printLatency(const char* what, const LatencySample& s) {
  std::printf("  %s: n=%zu, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms, %d errors\n", what, s.ms.size(),
              percentile(s.ms, 0.5), percentile(s.ms, 0.95), percentile(s.ms, 0.99), percentile(s.ms, 1.0), s.errors);
}

// Search latency while `studies` studies are stored (4 REST clients) and ingested, with
// `vectors` prefilled image vectors so that each search walks a realistic graph; the same
// number of searches on the idle server first.
int benchIngestSearch(int studies, int vectors, int clients) {
  const TestData& data = testData(studies);
  fs::path dir = scratchDir("ingest-search");
  fs::path indexDirectory = dir / "mcr-index";
  prefillIndex(indexDirectory, data.bundle.string(), vectors);
  json::object mcr = mcrSection(data.bundle.string());
  mcr["IndexDirectory"] = indexDirectory.string();
  OrthancServer server(dir, mcr);
  server.start();
  server.waitFor([](const json::value& s) { return s.at("ready").as_bool(); }, std::chrono::seconds(120));
  std::printf("ingest-search: %d prefilled vectors, %d studies, %d search clients\n", vectors, studies, clients);
  std::atomic<bool> stop{false};
  std::thread timer([&] {
    std::this_thread::sleep_for(std::chrono::seconds(10));
    stop = true;
  });
  printLatency("idle, 10 s", searchUntil(server, clients, stop));
  timer.join();

  stop = false;
  auto begin = Clock::now();
  std::thread storer([&] {
    storeRate(server, data.filesOf(0, data.studies.size()));
    server.waitIdle(std::chrono::seconds(3600));
    stop = true;
  });
  LatencySample during = searchUntil(server, clients, stop);
  storer.join();
  std::printf("  stored and ingested %zu instances in %.1f s\n", data.filesOf(0, data.studies.size()).size(),
              seconds(begin, Clock::now()));
  printLatency("during ingest", during);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  try {
    if (mode == "store") return benchStore(argInt(argc, argv, "--studies", 250));
    if (mode == "latency") return benchLatency(argInt(argc, argv, "--samples", 30));
    if (mode == "ingest-search")
      return benchIngestSearch(argInt(argc, argv, "--studies", 1000), argInt(argc, argv, "--vectors", 100000),
                               argInt(argc, argv, "--clients", 2));
    if (mode == "search") return benchSearch(argInt(argc, argv, "--vectors", 100000), argInt(argc, argv, "--seconds", 10));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "plugin_bench: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: plugin_bench store [--studies N] | latency [--samples N] | search [--vectors N] "
                       "[--seconds S] | ingest-search [--studies N] [--vectors N] [--clients N]\n");
  return 2;
}
