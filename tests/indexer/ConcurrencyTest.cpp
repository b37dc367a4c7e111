// Readers and a writer at once (run under TSan: label tsan). Searches must stay well formed
// while batches are added, resources removed and the index compacted, each with its own ef;
// and a search is never held up for a whole batch.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "IndexTestSupport.h"

namespace mcr::index {
namespace {

TEST(Concurrency, ReadersAndAWriter) {
  testing::ScratchDir dir;
  const int dim = 16;
  Options options = testing::options(dim);
  options.initialCapacity = 8;           // force capacity growth during the run
  options.compactAfterLogRecords = 15;   // and automatic compactions
  auto index = VectorIndex::open(dir.index(), options);
  std::mt19937 seedRng(21);
  auto queries = testing::clustered(seedRng, 64, dim, 8);

  std::atomic<bool> done{false};
  std::atomic<long> searches{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      std::size_t q = t;
      while (!done) {
        Filter filter;
        if (q % 3 == 1) filter.modality = "DX";
        if (q % 5 == 2) filter.excludePatient = "p1";
        const auto& query = queries[q % queries.size()];
        // Each reader its own breadth: ef is per search, shared by nothing.
        auto hits = index->search(q % 2 ? Space::Images : Space::Reports, query.data(), 5, filter, 8 + 40 * t);
        for (std::size_t i = 0; i < hits.size(); ++i) {
          EXPECT_FALSE(hits[i].record.instance.empty());
          if (filter.modality) { EXPECT_EQ(hits[i].record.modality, "DX"); }
          if (i > 0) { EXPECT_GE(hits[i - 1].score + 1e-6f, hits[i].score); }
        }
        if (auto item = index->get(Space::Images, "i" + std::to_string(q % 300))) {
          EXPECT_EQ(item->vector.size(), static_cast<std::size_t>(dim));
        }
        index->stats();
        ++searches;
        ++q;
      }
    });
  }

  std::mt19937 rng(22);
  for (int b = 0; b < 40; ++b) {
    std::vector<Item> items;
    auto vectors = testing::clustered(rng, 10, dim, 8);
    for (int i = 0; i < 10; ++i) {
      const int id = b * 10 + i;
      items.push_back({testing::record("p" + std::to_string(id % 9), "s" + std::to_string(id / 5),
                                       "se" + std::to_string(id / 2), "i" + std::to_string(id), "20200101",
                                       id % 2 ? "DX" : "CR"),
                       vectors[i]});
    }
    index->add(b % 2 ? Space::Images : Space::Reports, items);
    if (b % 7 == 6) index->remove("s" + std::to_string(b));
  }
  index->compact();
  done = true;
  for (auto& reader : readers) reader.join();
  EXPECT_GT(searches.load(), 0);
  EXPECT_TRUE(index->verify().empty());
}

TEST(Concurrency, SearchesRunWhileALargeBatchIsApplied) {
  testing::ScratchDir dir;
  const int dim = 16;
  auto index = VectorIndex::open(dir.index(), testing::options(dim));
  std::mt19937 rng(5);
  std::vector<Item> seed, batch;
  for (const auto& v : testing::clustered(rng, 200, dim, 8))
    seed.push_back({testing::record("p", "s", "se", "seed" + std::to_string(seed.size()), "20200101", "DX"), v});
  for (const auto& v : testing::clustered(rng, 4000, dim, 8))
    batch.push_back({testing::record("p", "s", "se", "i" + std::to_string(batch.size()), "20200101", "DX"), v});
  index->add(Space::Images, seed);

  std::atomic<int> phase{0};  // 0 before add, 1 while add() runs, 2 after
  std::atomic<long> searchesBefore{0}, searchesWithin{0};
  std::thread reader([&] {
    const auto query = seed.front().vector;
    while (phase != 2) {
      const int startedIn = phase;
      const auto hits = index->search(Space::Images, query.data(), 5, {}, 32);
      EXPECT_EQ(hits.size(), 5u);
      if (startedIn == 0) ++searchesBefore;
      if (startedIn == 1 && phase == 1) ++searchesWithin;  // began and ended inside add()
    }
  });
  while (searchesBefore == 0) std::this_thread::yield();
  phase = 1;
  index->add(Space::Images, batch);  // applied in slices: the reader gets in between them
  phase = 2;
  reader.join();
  EXPECT_GT(searchesWithin.load(), 0) << "no search completed during a 4000-vector add()";
  EXPECT_EQ(index->stats().images.vectors, 4200u);
}

}  // namespace
}  // namespace mcr::index
