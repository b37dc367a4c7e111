#pragma once
// An open-addressing hash index of uint32 slot numbers (linear probing, at most half full,
// backward-shift deletion: no tombstones). It stores only the slot: the caller says what a
// slot's hash is and whether a slot is the one sought, from its own storage. 4 bytes per
// bucket instead of a node per entry (std::unordered_map: ~40-60 bytes per entry).
// Not thread-safe by itself; const members may run concurrently.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace mcr::index::detail {

class SlotHashIndex {
 public:
  std::size_t size() const { return size_; }
  std::size_t memoryBytes() const { return buckets_.capacity() * sizeof(uint32_t); }

  // The slot for which matches(slot) is true among those with this hash, if any.
  template <typename Matches>
  std::optional<uint32_t> find(uint64_t hash, Matches matches) const {
    if (buckets_.empty()) return std::nullopt;
    for (std::size_t i = home(hash);; i = next(i)) {
      const uint32_t stored = buckets_[i];
      if (stored == kEmpty) return std::nullopt;
      if (matches(stored - 1)) return stored - 1;
    }
  }

  // hashOf(slot) gives the hash of any stored slot (to rehash on growth).
  template <typename HashOf>
  void insert(uint32_t slot, uint64_t hash, HashOf hashOf) {
    if ((size_ + 1) * 2 > buckets_.size()) grow(hashOf);
    place(slot, hash);
    ++size_;
  }

  template <typename HashOf>
  void erase(uint32_t slot, uint64_t hash, HashOf hashOf) {
    if (buckets_.empty()) return;
    std::size_t hole = home(hash);
    for (;; hole = next(hole)) {
      if (buckets_[hole] == kEmpty) return;  // not stored
      if (buckets_[hole] == slot + 1) break;
    }
    buckets_[hole] = kEmpty;
    --size_;
    // Backward shift: move later members of the probe run into the hole when their home
    // position does not lie cyclically in (hole, j].
    for (std::size_t j = next(hole); buckets_[j] != kEmpty; j = next(j)) {
      const std::size_t h = home(hashOf(buckets_[j] - 1));
      const bool homeInRange = hole < j ? (h > hole && h <= j) : (h > hole || h <= j);
      if (!homeInRange) {
        buckets_[hole] = buckets_[j];
        buckets_[j] = kEmpty;
        hole = j;
      }
    }
  }

  void clear() {
    buckets_.clear();
    buckets_.shrink_to_fit();
    size_ = 0;
  }

  // Room for `count` slots without growing.
  template <typename HashOf>
  void reserve(std::size_t count, HashOf hashOf) {
    if (count * 2 > buckets_.size()) rehash(bucketsFor(count), hashOf);
  }

 private:
  static constexpr uint32_t kEmpty = 0;  // buckets hold slot + 1

  static std::size_t bucketsFor(std::size_t count) {
    std::size_t buckets = 16;
    while (buckets < count * 2) buckets *= 2;
    return buckets;
  }
  std::size_t home(uint64_t hash) const {
    // Fibonacci hashing spreads weak hashes (e.g. consecutive labels) over the table.
    return static_cast<std::size_t>((hash * 0x9e3779b97f4a7c15ull) >> 32) & (buckets_.size() - 1);
  }
  std::size_t next(std::size_t i) const { return (i + 1) & (buckets_.size() - 1); }
  void place(uint32_t slot, uint64_t hash) {
    std::size_t i = home(hash);
    while (buckets_[i] != kEmpty) i = next(i);
    buckets_[i] = slot + 1;
  }
  template <typename HashOf>
  void grow(HashOf hashOf) {
    rehash(buckets_.empty() ? 16 : buckets_.size() * 2, hashOf);
  }
  template <typename HashOf>
  void rehash(std::size_t bucketCount, HashOf hashOf) {
    std::vector<uint32_t> old(bucketCount, kEmpty);
    old.swap(buckets_);
    for (uint32_t stored : old) {
      if (stored != kEmpty) place(stored - 1, hashOf(stored - 1));
    }
  }

  std::vector<uint32_t> buckets_;
  std::size_t size_ = 0;
};

}  // namespace mcr::index::detail
