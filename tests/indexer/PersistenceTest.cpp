// Snapshot + log persistence: round trips, torn tails, corruption, fingerprints.
#include <gtest/gtest.h>
#include <unistd.h>

#include "IndexTestSupport.h"

namespace mcr::index {
namespace {

using testing::ScratchDir;
constexpr int kDim = 16;

std::vector<Item> batch(std::mt19937& rng, int first, int count) {
  std::vector<Item> items;
  for (int i = first; i < first + count; ++i) {
    items.push_back({testing::record("p" + std::to_string(i % 7), "s" + std::to_string(i / 3), "se" + std::to_string(i),
                                     "i" + std::to_string(i)),
                     testing::randomUnit(rng, kDim)});
  }
  return items;
}

void expectSameContents(VectorIndex& index, const std::vector<Item>& items) {
  for (const Item& item : items) {
    auto got = index.get(Space::Images, item.record.instance);
    ASSERT_TRUE(got) << item.record.instance;
    EXPECT_EQ(got->record.patient, item.record.patient);
    EXPECT_EQ(got->record.sopInstanceUid, item.record.sopInstanceUid);
    EXPECT_EQ(got->vector, item.vector);
    auto top = index.search(Space::Images, item.vector.data(), 1);
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].record.instance, item.record.instance);
  }
}

TEST(Persistence, RoundTripThroughLogAndSnapshot) {
  ScratchDir dir;
  std::mt19937 rng(11);
  auto first = batch(rng, 0, 30);
  auto second = batch(rng, 30, 30);
  {
    auto index = VectorIndex::open(dir.index(), testing::options(kDim));
    index->add(Space::Images, first);
    index->remove("s0");  // i0..i2
  }
  first.erase(first.begin(), first.begin() + 3);
  {
    auto index = VectorIndex::open(dir.index(), testing::options(kDim));  // log replay
    EXPECT_EQ(index->stats().logRecords, 2u);
    expectSameContents(*index, first);
    EXPECT_FALSE(index->contains(Space::Images, "i1"));
    index->compact();
    EXPECT_EQ(index->stats().logRecords, 0u);
    index->add(Space::Images, second);
  }
  {
    auto index = VectorIndex::open(dir.index(), testing::options(kDim));  // snapshot + log
    const Stats stats = index->stats();
    EXPECT_EQ(stats.images.vectors, 57u);
    EXPECT_EQ(stats.logRecords, 1u);
    EXPECT_EQ(stats.logGeneration, 1u);
    expectSameContents(*index, first);
    expectSameContents(*index, second);
    EXPECT_TRUE(index->verify().empty());
  }
}

TEST(Persistence, AutomaticCompactionPastThreshold) {
  ScratchDir dir;
  std::mt19937 rng(12);
  Options options = testing::options(kDim);
  options.compactAfterLogRecords = 5;
  std::vector<Item> all;
  {
    auto index = VectorIndex::open(dir.index(), options);
    for (int b = 0; b < 12; ++b) {
      auto items = batch(rng, b * 4, 4);
      index->add(Space::Images, items);
      all.insert(all.end(), items.begin(), items.end());
    }
    EXPECT_EQ(index->stats().logGeneration, 2u);
    EXPECT_EQ(index->stats().logRecords, 2u);
  }
  auto index = VectorIndex::open(dir.index(), options);
  expectSameContents(*index, all);
  int logs = 0;
  for (const char* name : {"log-0.mcrl", "log-1.mcrl", "log-2.mcrl"}) logs += ::access((dir.index() + "/" + name).c_str(), F_OK) == 0;
  EXPECT_EQ(logs, 1);  // old generations are removed
}

TEST(Persistence, CompactionRebuildsGraphWithManyDeletions) {
  ScratchDir dir;
  std::mt19937 rng(13);
  auto items = batch(rng, 0, 200);
  auto index = VectorIndex::open(dir.index(), testing::options(kDim));
  index->add(Space::Images, items);
  for (int i = 0; i < 120; ++i) index->remove("i" + std::to_string(i));
  EXPECT_EQ(index->stats().images.deletedSlots, 120u);
  index->compact();
  EXPECT_EQ(index->stats().images.deletedSlots, 0u);
  EXPECT_EQ(index->stats().images.vectors, 80u);
  expectSameContents(*index, std::vector<Item>(items.begin() + 120, items.end()));
  EXPECT_TRUE(index->verify().empty());
}

TEST(Persistence, TornLogTailIsDroppedWithAWarning) {
  ScratchDir dir;
  std::mt19937 rng(14);
  auto first = batch(rng, 0, 10);
  auto second = batch(rng, 10, 10);
  {
    auto index = VectorIndex::open(dir.index(), testing::options(kDim));
    index->add(Space::Images, first);
    index->add(Space::Images, second);
  }
  const std::string log = dir.index() + "/log-0.mcrl";
  const std::string bytes = testing::readFile(log);
  for (std::size_t cut : {std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
    testing::writeFile(log, bytes.substr(0, bytes.size() - cut));
    std::vector<std::string> warnings;
    Options options = testing::options(kDim);
    options.warn = [&](const std::string& w) { warnings.push_back(w); };
    auto index = VectorIndex::open(dir.index(), options);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("torn"), std::string::npos) << warnings[0];
    expectSameContents(*index, first);
    EXPECT_FALSE(index->contains(Space::Images, "i10"));
    EXPECT_EQ(index->stats().images.vectors, 10u);
  }
  // After the cut, new records append to a well-formed log.
  {
    auto index = VectorIndex::open(dir.index(), testing::options(kDim));
    index->add(Space::Images, second);
  }
  auto index = VectorIndex::open(dir.index(), testing::options(kDim));
  expectSameContents(*index, first);
  expectSameContents(*index, second);
  // Zeros where a record had not reached the disk are a torn tail too.
  index.reset();
  testing::writeFile(log, testing::readFile(log) + std::string(64, '\0'));
  index = VectorIndex::open(dir.index(), testing::options(kDim));
  EXPECT_EQ(index->stats().images.vectors, 20u);
}

TEST(Persistence, DamageBeforeTheTailIsAnError) {
  ScratchDir dir;
  std::mt19937 rng(15);
  {
    auto index = VectorIndex::open(dir.index(), testing::options(kDim));
    index->add(Space::Images, batch(rng, 0, 10));
    index->add(Space::Images, batch(rng, 10, 10));
  }
  const std::string log = dir.index() + "/log-0.mcrl";
  std::string bytes = testing::readFile(log);
  bytes[bytes.size() / 3] ^= 0x5a;  // inside the first batch
  testing::writeFile(log, bytes);
  try {
    VectorIndex::open(dir.index(), testing::options(kDim));
    FAIL() << "opened a log corrupted in the middle";
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt"), std::string::npos) << e.what();
  }
}

TEST(Persistence, CorruptSnapshotGivesAClearErrorAndRebuildPath) {
  ScratchDir dir;
  std::mt19937 rng(16);
  {
    auto index = VectorIndex::open(dir.index(), testing::options(kDim));
    index->add(Space::Images, batch(rng, 0, 50));
    index->compact();
  }
  const std::string snapshot = dir.index() + "/snapshot.mcrx";
  const std::string good = testing::readFile(snapshot);
  std::mt19937 pick(3);
  for (int trial = 0; trial < 40; ++trial) {
    std::string bad = good;
    if (trial % 4 == 0) {
      bad.resize(pick() % bad.size());
    } else {
      bad[pick() % bad.size()] ^= static_cast<char>(1 + pick() % 255);
    }
    testing::writeFile(snapshot, bad);
    try {
      VectorIndex::open(dir.index(), testing::options(kDim));
      FAIL() << "opened a damaged snapshot (trial " << trial << ")";
    } catch (const FingerprintMismatch&) {
      // a flipped byte inside the stored fingerprint is caught by the frame checksum first
      FAIL() << "checksum did not catch the damage";
    } catch (const IndexError& e) {
      EXPECT_NE(std::string(e.what()).find("rebuild"), std::string::npos) << e.what();
    }
  }
  testing::writeFile(snapshot, good);
  EXPECT_EQ(VectorIndex::open(dir.index(), testing::options(kDim))->stats().images.vectors, 50u);
}

TEST(Persistence, FingerprintMismatchNamesBoth) {
  ScratchDir dir;
  std::mt19937 rng(17);
  {
    auto index = VectorIndex::open(dir.index(), testing::options(kDim, "fp-old"));
    index->add(Space::Images, batch(rng, 0, 3));
  }
  for (bool compacted : {false, true}) {
    if (compacted) VectorIndex::open(dir.index(), testing::options(kDim, "fp-old"))->compact();
    try {
      VectorIndex::open(dir.index(), testing::options(kDim, "fp-new"));
      FAIL() << "opened with another model's fingerprint";
    } catch (const FingerprintMismatch& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("fp-old"), std::string::npos) << what;
      EXPECT_NE(what.find("fp-new"), std::string::npos) << what;
    }
  }
  EXPECT_THROW(VectorIndex::open(dir.index(), testing::options(kDim + 1, "fp-old")), IndexError);
  // Offline tools open with whatever the index stores.
  auto adopted = VectorIndex::open(dir.index(), testing::options(0, ""));
  EXPECT_EQ(adopted->stats().modelFingerprint, "fp-old");
  EXPECT_EQ(adopted->stats().dim, kDim);
}

TEST(Persistence, EfComesFromOptionsAfterLoad) {
  ScratchDir dir;
  std::mt19937 rng(18);
  Options options = testing::options(kDim);
  {
    auto index = VectorIndex::open(dir.index(), options);
    index->add(Space::Images, batch(rng, 0, 5));
    index->compact();
  }
  options.ef = 123;
  EXPECT_EQ(VectorIndex::open(dir.index(), options)->stats().ef, 123u);
}

TEST(Persistence, ReadOnlyOpensBesideAWriter) {
  ScratchDir dir;
  std::mt19937 rng(19);
  auto first = batch(rng, 0, 10);
  auto writer = VectorIndex::open(dir.index(), testing::options(kDim));
  writer->add(Space::Images, first);
  writer->compact();
  writer->add(Space::Images, batch(rng, 10, 5));
  Options readOnly = testing::options(0, "");
  readOnly.readOnly = true;
  auto reader = VectorIndex::open(dir.index(), readOnly);  // the writer holds the lock
  EXPECT_EQ(reader->stats().images.vectors, 15u);
  expectSameContents(*reader, first);
  EXPECT_TRUE(reader->verify().empty());
  EXPECT_THROW(reader->add(Space::Images, batch(rng, 20, 1)), IndexError);
  EXPECT_THROW(reader->remove("s0"), IndexError);
  EXPECT_THROW(reader->compact(), IndexError);
  EXPECT_THROW(VectorIndex::open(dir.path() + "/missing", readOnly), IndexError);
}

}  // namespace
}  // namespace mcr::index
