// Readers and a writer at once (run under TSan: label tsan). Searches, each with its own ef,
// must stay well formed while batches are added, resources removed and the index compacted.
#include <gtest/gtest.h>

#include <atomic>
#include <iterator>
#include <map>
#include <set>
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
        const std::size_t ef = (q % 4) * 40;  // 0: the default
        auto hits = index->search(q % 2 ? Space::Images : Space::Reports, query.data(), 5, filter, ef);
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

// Searches with different ef values while one writer adds small batches, removes studies
// and applies one large batch. Every result must be well formed, and searches must keep
// completing while the large batch is being applied (it is applied in slices, not under
// one lock): a monitor sees the batch's first item present and its last absent, with a
// search completed in between.
TEST(Concurrency, SearchesWithTheirOwnEfDuringALargeBatch) {
  testing::ScratchDir dir;
  const int dim = 16;
  const std::size_t k = 10;
  Options options = testing::options(dim);
  options.efConstruction = 32;  // a large batch that TSan can apply in seconds
  auto index = VectorIndex::open(dir.index(), options);
  std::mt19937 rng(31);
  auto record = [](const std::string& prefix, int id) {
    return testing::record("p" + std::to_string(id % 7), prefix + "s" + std::to_string(id / 4),
                           prefix + "se" + std::to_string(id / 2), prefix + std::to_string(id), "20200101",
                           id % 2 ? "DX" : "CR");
  };
  auto batch = [&](const std::string& prefix, int first, int count) {
    std::vector<Item> items;
    auto vectors = testing::clustered(rng, static_cast<std::size_t>(count), dim, 8);
    for (int i = 0; i < count; ++i) items.push_back({record(prefix, first + i), vectors[i]});
    return items;
  };
  // Never removed: an unfiltered images search always has at least k live vectors.
  index->add(Space::Images, batch("base", 0, 200));
  auto queries = testing::clustered(rng, 64, dim, 8);
  const int bigCount = 3000;
  std::vector<Item> big = batch("big", 0, bigCount);
  const std::string bigFirst = big.front().record.instance, bigLast = big.back().record.instance;

  std::atomic<bool> done{false};
  std::atomic<long> searches{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      const std::size_t efs[] = {0, 1, 5, 40, 300};
      for (std::size_t q = t; !done; ++q) {
        const std::size_t ef = efs[(q + t) % 5];
        Filter filter;
        if (q % 4 == 3) filter.modality = "DX";
        const Space space = q % 3 == 2 ? Space::Reports : Space::Images;
        auto hits = index->search(space, queries[q % queries.size()].data(), k, filter, ef);
        EXPECT_LE(hits.size(), k);
        if (space == Space::Images && !filter.modality) { EXPECT_EQ(hits.size(), k) << "ef " << ef; }
        std::set<std::string> keys;
        for (std::size_t i = 0; i < hits.size(); ++i) {
          EXPECT_TRUE(keys.insert(hits[i].record.instance).second) << hits[i].record.instance << " twice";
          if (filter.modality) { EXPECT_EQ(hits[i].record.modality, "DX"); }
          if (i > 0) { EXPECT_GE(hits[i - 1].score, hits[i].score); }
        }
        ++searches;
      }
    });
  }
  // The monitor: contains(last), contains(first), a search, contains(last). The batch
  // becomes visible as a growing prefix, so "first present, then last absent" means the
  // search ran entirely while the batch was being applied, and "last present" before
  // "first absent" would break the prefix order.
  std::atomic<long> searchesInsideTheBatch{0};
  std::thread monitor([&] {
    while (!done) {
      const bool lastBefore = index->contains(Space::Images, bigLast);
      const bool firstSeen = index->contains(Space::Images, bigFirst);
      const auto hits = index->search(Space::Images, queries[0].data(), k, {}, 20);
      const bool lastSeen = index->contains(Space::Images, bigLast);
      EXPECT_EQ(hits.size(), k);
      if (lastBefore) { EXPECT_TRUE(firstSeen) << "the batch's last item became visible before its first"; }
      if (firstSeen && !lastSeen) ++searchesInsideTheBatch;
    }
  });

  auto wait = [&](long more) {
    const long target = searches + more;
    while (searches < target) std::this_thread::yield();
  };
  wait(10);  // readers are running
  std::map<std::string, std::string> liveImages;  // instance -> study, besides the 200 base ones
  for (const Item& item : big) liveImages[item.record.instance] = item.record.study;
  for (int b = 0; b < 20; ++b) {
    const Space space = b % 2 ? Space::Images : Space::Reports;
    auto items = batch("small", b * 10, 10);
    if (space == Space::Images) {
      for (const Item& item : items) liveImages[item.record.instance] = item.record.study;
    }
    index->add(space, items);
    if (b % 3 == 2) {  // a study just added (some span two batches, so both spaces)
      const std::string study = items.front().record.study;
      index->remove(study);
      for (auto it = liveImages.begin(); it != liveImages.end();) {
        it = it->second == study ? liveImages.erase(it) : std::next(it);
      }
    }
    if (b == 9) index->add(Space::Images, big);
  }
  wait(10);  // searches on the final state too
  done = true;
  for (auto& reader : readers) reader.join();
  monitor.join();
  EXPECT_GT(searchesInsideTheBatch.load(), 0) << "no search completed while the large batch was applied";
  EXPECT_EQ(index->stats().images.vectors, 200u + liveImages.size());
  for (const auto& [key, study] : liveImages) EXPECT_TRUE(index->contains(Space::Images, key)) << key;
  EXPECT_TRUE(index->verify().empty());
}

}  // namespace
}  // namespace mcr::index
