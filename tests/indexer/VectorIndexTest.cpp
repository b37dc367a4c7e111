// Semantics of the vector index: recall, add/replace/remove, filters, growth, slot reuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "IndexTestSupport.h"

namespace mcr::index {
namespace {

using testing::ScratchDir;

std::vector<Item> itemsFor(const std::vector<std::vector<float>>& vectors, std::size_t first = 0) {
  std::vector<Item> items;
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    const std::size_t id = first + i;
    items.push_back({testing::record("p" + std::to_string(id % 50), "s" + std::to_string(id / 4),
                                     "se" + std::to_string(id / 2), "i" + std::to_string(id),
                                     "2020" + std::string(id % 12 < 9 ? "0" : "") + std::to_string(id % 12 + 1) + "15",
                                     id % 3 == 0 ? "DX" : "CR"),
                     vectors[i]});
  }
  return items;
}

std::vector<std::string> bruteForce(const std::vector<Item>& items, const std::vector<float>& query, std::size_t k,
                                    const Filter& filter = {}) {
  std::vector<std::pair<float, std::string>> scored;
  for (const Item& item : items) {
    const Record& r = item.record;
    if (filter.modality && r.modality != *filter.modality) continue;
    if (filter.dateFrom && r.studyDate < *filter.dateFrom) continue;
    if (filter.dateTo && r.studyDate > *filter.dateTo) continue;
    if (filter.excludePatient && r.patient == *filter.excludePatient) continue;
    scored.emplace_back(testing::dotProduct(query, item.vector.data()), r.instance);
  }
  std::sort(scored.begin(), scored.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < std::min(k, scored.size()); ++i) keys.push_back(scored[i].second);
  return keys;
}

TEST(VectorIndex, RecallAgainstBruteForce) {
  ScratchDir dir;
  std::mt19937 rng(7);
  const int dim = 32;
  auto items = itemsFor(testing::clustered(rng, 2000, dim, 40));
  auto index = VectorIndex::open(dir.index(), testing::options(dim));
  index->add(Space::Images, items);
  double found = 0;
  const int queries = 100;
  for (int q = 0; q < queries; ++q) {
    auto query = testing::clustered(rng, 1, dim, 40)[0];
    auto exact = bruteForce(items, query, 10);
    std::set<std::string> truth(exact.begin(), exact.end());
    auto hits = index->search(Space::Images, query.data(), 10);
    ASSERT_EQ(hits.size(), 10u);
    for (std::size_t i = 1; i < hits.size(); ++i) { EXPECT_GE(hits[i - 1].score, hits[i].score); }
    for (const Hit& hit : hits) found += truth.count(hit.record.instance);
  }
  EXPECT_GE(found / (10.0 * queries), 0.95);
}

// ef is a per-search argument: a wider search finds more of the true neighbours, 0 is the
// default chosen at open, and an ef below k still returns k hits.
TEST(VectorIndex, EfIsPerSearch) {
  ScratchDir dir;
  std::mt19937 rng(11);
  const int dim = 32;
  std::vector<std::vector<float>> vectors;  // uniform on the sphere: the hardest case for a graph
  for (int i = 0; i < 3000; ++i) vectors.push_back(testing::randomUnit(rng, dim));
  auto items = itemsFor(vectors);
  Options options = testing::options(dim);
  options.M = 8;
  options.efConstruction = 100;
  auto index = VectorIndex::open(dir.index(), options);
  index->add(Space::Images, items);
  EXPECT_EQ(index->stats().ef, options.ef);

  std::vector<std::vector<float>> queries;
  for (int q = 0; q < 100; ++q) queries.push_back(testing::randomUnit(rng, dim));
  std::vector<std::set<std::string>> truth;
  for (const auto& query : queries) {
    auto exact = bruteForce(items, query, 10);
    truth.emplace_back(exact.begin(), exact.end());
  }
  auto recall = [&](std::size_t ef) {
    double found = 0;
    for (std::size_t q = 0; q < queries.size(); ++q) {
      auto hits = index->search(Space::Images, queries[q].data(), 10, {}, ef);
      EXPECT_EQ(hits.size(), 10u);
      for (const Hit& hit : hits) found += truth[q].count(hit.record.instance);
    }
    return found / (10.0 * queries.size());
  };
  const double narrow = recall(1), wide = recall(500);
  EXPECT_LT(narrow, wide) << "ef 1 (a list of k) should miss neighbours that ef 500 finds";
  EXPECT_LT(narrow, 0.9);
  EXPECT_GE(wide, 0.98);

  for (const auto& query : queries) {  // ef 0 is Options::ef; hnswlib's search is deterministic
    auto byDefault = index->search(Space::Images, query.data(), 10);
    auto explicitEf = index->search(Space::Images, query.data(), 10, {}, options.ef);
    ASSERT_EQ(byDefault.size(), explicitEf.size());
    for (std::size_t i = 0; i < byDefault.size(); ++i) {
      EXPECT_EQ(byDefault[i].record.instance, explicitEf[i].record.instance);
    }
  }

  // ef below k: the search is as wide as k and returns k distinct hits, best first.
  auto hits = index->search(Space::Images, queries[0].data(), 50, {}, 1);
  ASSERT_EQ(hits.size(), 50u);
  std::set<std::string> distinct;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    distinct.insert(hits[i].record.instance);
    if (i > 0) { EXPECT_GE(hits[i - 1].score, hits[i].score); }
  }
  EXPECT_EQ(distinct.size(), 50u);

  // A filtered search with a wide ef: every hit passes, and the top 10 are (nearly) exact.
  Filter dx;
  dx.modality = "DX";
  for (std::size_t q = 0; q < 10; ++q) {
    auto exact = bruteForce(items, queries[q], 10, dx);
    auto filtered = index->search(Space::Images, queries[q].data(), 10, dx, 1000);
    ASSERT_EQ(filtered.size(), 10u);
    std::size_t same = 0;
    for (const Hit& hit : filtered) {
      EXPECT_EQ(hit.record.modality, "DX");
      same += std::count(exact.begin(), exact.end(), hit.record.instance);
    }
    EXPECT_GE(same, 9u);
  }
}

TEST(VectorIndex, AddReplaceRemoveSemantics) {
  ScratchDir dir;
  std::mt19937 rng(1);
  const int dim = 16;
  auto index = VectorIndex::open(dir.index(), testing::options(dim));
  std::vector<Item> items;
  for (int i = 0; i < 8; ++i) {
    // 2 patients x 2 studies x 2 series x 1 instance
    items.push_back({testing::record("P" + std::to_string(i / 4), "S" + std::to_string(i / 2),
                                     "SE" + std::to_string(i), "I" + std::to_string(i)),
                     testing::randomUnit(rng, dim)});
  }
  index->add(Space::Images, items);
  index->add(Space::Reports, {items[0], items[1]});
  Item study = items[0];
  study.record.series.clear();
  study.record.instance.clear();
  index->add(Space::Studies, {study});
  EXPECT_EQ(index->stats().images.vectors, 8u);

  // Replace: same key, new vector and record; still one vector for the key.
  Item replaced = items[3];
  replaced.vector = testing::randomUnit(rng, dim);
  replaced.record.modality = "DX";
  index->add(Space::Images, {replaced});
  EXPECT_EQ(index->stats().images.vectors, 8u);
  auto got = index->get(Space::Images, "I3");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->record.modality, "DX");
  EXPECT_NEAR(testing::dotProduct(replaced.vector, got->vector.data()), 1.0f, 1e-5);
  auto top = index->search(Space::Images, replaced.vector.data(), 1);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].record.instance, "I3");

  // Remove by instance, series, study and patient.
  EXPECT_EQ(index->remove("I7"), 1u);
  EXPECT_FALSE(index->contains(Space::Images, "I7"));
  EXPECT_EQ(index->remove("SE6"), 1u);
  EXPECT_EQ(index->remove("S0"), 2u + 2u + 1u);  // two images, two reports, the study vector
  EXPECT_FALSE(index->contains(Space::Reports, "I0"));
  EXPECT_FALSE(index->contains(Space::Studies, "S0"));
  EXPECT_EQ(index->remove("P0"), 2u);  // I2, I3 remain of patient 0
  EXPECT_EQ(index->remove("P0"), 0u);
  EXPECT_EQ(index->remove("unknown"), 0u);
  EXPECT_EQ(index->stats().images.vectors, 2u);  // I4, I5
  for (const Hit& hit : index->search(Space::Images, items[4].vector.data(), 10)) {
    EXPECT_TRUE(hit.record.instance == "I4" || hit.record.instance == "I5") << hit.record.instance;
  }
  EXPECT_TRUE(index->verify().empty());
}

TEST(VectorIndex, DeletedSlotsAreReused) {
  ScratchDir dir;
  std::mt19937 rng(2);
  const int dim = 16;
  auto index = VectorIndex::open(dir.index(), testing::options(dim));
  index->add(Space::Images, itemsFor(testing::clustered(rng, 40, dim, 4)));
  for (int i = 0; i < 10; ++i) index->remove("i" + std::to_string(i));
  EXPECT_EQ(index->stats().images.deletedSlots, 10u);
  index->add(Space::Images, itemsFor(testing::clustered(rng, 10, dim, 4), 100));
  const Stats stats = index->stats();
  EXPECT_EQ(stats.images.vectors, 40u);
  EXPECT_EQ(stats.images.deletedSlots, 0u);
  EXPECT_TRUE(index->verify().empty());
}

TEST(VectorIndex, CapacityGrowsAutomatically) {
  ScratchDir dir;
  std::mt19937 rng(3);
  const int dim = 8;
  Options options = testing::options(dim);
  options.initialCapacity = 10;
  auto index = VectorIndex::open(dir.index(), options);
  auto items = itemsFor(testing::clustered(rng, 1500, dim, 10));
  index->add(Space::Images, items);
  EXPECT_EQ(index->stats().images.vectors, 1500u);
  EXPECT_GE(index->stats().images.capacity, 1500u);
  EXPECT_TRUE(index->contains(Space::Images, "i1499"));
  EXPECT_TRUE(index->verify().empty());
}

TEST(VectorIndex, FilteredSearchEqualsFilteredBruteForce) {
  ScratchDir dir;
  std::mt19937 rng(4);
  const int dim = 16;
  auto items = itemsFor(testing::clustered(rng, 2000, dim, 20));
  auto index = VectorIndex::open(dir.index(), testing::options(dim));
  index->add(Space::Images, items);
  std::vector<Filter> filters(4);
  filters[0].modality = "DX";
  filters[1].dateFrom = "20200301";
  filters[1].dateTo = "20200331";  // 1 in 12: selective
  filters[2].excludePatient = "p3";
  filters[3].modality = "DX";
  filters[3].dateFrom = "20200701";
  filters[3].dateTo = "20200701";  // matches nothing
  for (const Filter& filter : filters) {
    auto query = testing::clustered(rng, 1, dim, 20)[0];
    auto exact = bruteForce(items, query, 10, filter);
    auto hits = index->search(Space::Images, query.data(), 10, filter, /*ef=*/200);
    ASSERT_EQ(hits.size(), exact.size());
    std::size_t same = 0;
    for (std::size_t i = 0; i < hits.size(); ++i) {
      const Record& r = hits[i].record;
      if (filter.modality) { EXPECT_EQ(r.modality, *filter.modality); }
      if (filter.dateFrom) { EXPECT_GE(r.studyDate, *filter.dateFrom); }
      if (filter.dateTo) { EXPECT_LE(r.studyDate, *filter.dateTo); }
      if (filter.excludePatient) { EXPECT_NE(r.patient, *filter.excludePatient); }
      same += std::count(exact.begin(), exact.end(), r.instance);
    }
    EXPECT_GE(same + 1, exact.size());  // approximate search: at most one miss in ten
  }
}

TEST(VectorIndex, RejectsBadInput) {
  ScratchDir dir;
  std::mt19937 rng(5);
  auto index = VectorIndex::open(dir.index(), testing::options(8));
  Item good{testing::record("p", "s", "se", "i"), testing::randomUnit(rng, 8)};
  Item wrongDim{testing::record("p", "s", "se", "j"), testing::randomUnit(rng, 9)};
  Item notUnit = good;
  notUnit.record.instance = "k";
  notUnit.vector[0] += 1;
  Item noKey = good;
  noKey.record.instance.clear();
  Item nan = good;
  nan.record.instance = "n";
  nan.vector[1] = std::nanf("");
  EXPECT_THROW(index->add(Space::Images, {wrongDim}), IndexError);
  EXPECT_THROW(index->add(Space::Images, {notUnit}), IndexError);
  EXPECT_THROW(index->add(Space::Images, {noKey}), IndexError);
  EXPECT_THROW(index->add(Space::Images, {nan}), IndexError);
  EXPECT_THROW(index->add(Space::Images, {good, good}), IndexError);
  EXPECT_EQ(index->stats().images.vectors, 0u);
  EXPECT_EQ(index->stats().logRecords, 0u);  // nothing was logged for rejected batches
  EXPECT_THROW(VectorIndex::open(dir.path() + "/other", testing::options(0)), IndexError);
  EXPECT_THROW(VectorIndex::open(dir.path() + "/other", testing::options(8, "")), IndexError);
}

TEST(VectorIndex, OneProcessAtATime) {
  ScratchDir dir;
  auto index = VectorIndex::open(dir.index(), testing::options(8));
  try {
    VectorIndex::open(dir.index(), testing::options(8));
    FAIL() << "second open succeeded";
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("another process"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mcr::index
