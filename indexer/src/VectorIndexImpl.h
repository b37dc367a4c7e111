#pragma once
// The VectorIndex implementation: three (graph, catalog) spaces, the log and snapshots.
//
// Locking (hnswlib's addPoint is not safe against a concurrent searchKnn, resizeIndex
// against neither):
//   writeMutex_  serialises writers (add, remove, compact) and guards writer-only state:
//                the log, free labels, next labels.
//   dataMutex_   shared by searches and other readers; exclusive while a slice of a batch
//                is applied to the graphs and catalogs (and for capacity growth).
//   turnstile_   taken briefly by readers and held by a writer waiting for exclusivity,
//                so a stream of searches cannot starve the writer (glibc's rwlock
//                prefers readers).
// A writer logs and flushes a batch with no data lock held, then applies it in slices of
// kApplySlice vectors, each under the exclusive lock, so searches interleave with a large
// batch. Readers may therefore see part of a batch; on disk a batch is all-or-nothing.
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>

#include "Catalog.h"
#include "FileIo.h"
#include "HnswGraph.h"
#include "LogFile.h"
#include "Snapshot.h"
#include "mcr/index/VectorIndex.h"

namespace mcr::index::detail {

class VectorIndexImpl final : public VectorIndex {
 public:
  VectorIndexImpl(const std::string& directory, const Options& options);

  void add(Space space, const std::vector<Item>& items) override;
  std::size_t remove(const std::string& orthancId) override;
  std::vector<Hit> search(Space space, const float* query, std::size_t k, const Filter& filter,
                          std::size_t ef) const override;
  std::optional<Item> get(Space space, const std::string& key) const override;
  bool contains(Space space, const std::string& key) const override;
  Stats stats() const override;
  void compact() override;
  std::vector<std::string> verify() const override;

  static constexpr std::size_t kApplySlice = 16;
  // Over-fetching for filtered searches: see search() and docs/indexer.md.
  static constexpr std::size_t kFirstFetchFactor = 4;
  static constexpr std::size_t kMinFetch = 32;
  static constexpr std::size_t kFetchGrowth = 4;
  static constexpr std::size_t kMaxGraphFetch = 4096;
  // compact() re-links unreachable elements and rebuilds a graph whose deleted slots exceed
  // this fraction of its slots.
  static constexpr double kRebuildDeletedFraction = 0.25;

 private:
  struct SpaceState {
    explicit SpaceState(Space space) : catalog(space) {}
    std::unique_ptr<HnswGraph> graph;
    Catalog catalog;
    // Writer-only: deleted graph slots that a new key may take, and the next fresh label.
    std::set<Label> freeLabels;
    Label nextLabel = 0;
  };

  // Readers: shared lock behind the turnstile. Writers: exclusive lock holding it.
  std::shared_lock<std::shared_mutex> readLock() const;
  std::unique_lock<std::shared_mutex> exclusiveLock() const;

  void openExisting();
  void checkIdentity(const pb::IndexIdentity& identity, const std::string& file);
  void createGraphs();
  void loadCatalog(std::size_t s, const pb::SpaceCatalog& catalog);
  void replay(const pb::LogRecord& record);
  void applyAdd(SpaceState& state, Label label, const Record& record, const float* vector);
  std::size_t applyRemove(const std::string& orthancId);
  void validateItems(const std::vector<Item>& items, Space space) const;
  void compactLocked();
  void compactIfLogIsLong();  // after a write, with the writer mutex held
  void rebuildGraphIfNeeded(SpaceState& state);
  void warn(const std::string& message) const;
  void checkUsable() const;
  void checkWritable() const;
  pb::IndexIdentity identity(uint64_t generation) const;
  std::vector<Hit> exactSearch(const SpaceState& state, const float* query, std::size_t k,
                               const Filter& filter) const;
  std::string path(const std::string& name) const { return directory_ + "/" + name; }

  const std::string directory_;
  Options options_;
  std::unique_ptr<DirectoryLock> lock_;  // null when read-only
  uint64_t logRecords_ = 0, logBytes_ = 0;  // of the log as read, for read-only stats
  std::array<SpaceState, kSpaceCount> spaces_{SpaceState(Space::Images), SpaceState(Space::Reports),
                                              SpaceState(Space::Studies)};
  mutable std::mutex writeMutex_;
  mutable std::shared_mutex dataMutex_;
  mutable std::mutex turnstile_;
  std::unique_ptr<LogWriter> log_;
  uint64_t generation_ = 0;
  uint64_t snapshotBytes_ = 0;
  // Set when a batch was logged but could not be applied in memory: memory no longer
  // matches the log, so every later call fails until the index is reopened (replay fixes it).
  std::atomic<bool> failed_{false};
};

}  // namespace mcr::index::detail
