#pragma once
// The catalog's interned strings: each distinct patient, study and series id, study date
// and modality is stored once and referred to by a 32-bit id, with a reference count (an
// id whose last record goes away is freed and its number reused). Each entry also holds
// the head of the list of catalog records that refer to it as a resource (Catalog.h).
// Not thread-safe by itself; const members may run concurrently.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "PackedString.h"
#include "SlotHashIndex.h"

namespace mcr::index::detail {

class StringPool {
 public:
  using Id = uint32_t;
  static constexpr Id kEmpty = UINT32_MAX;  // the empty string: never stored, no count
  static constexpr uint32_t kNoRecord = UINT32_MAX;

  // The id of `text` with one more reference (stored if new).
  Id acquire(std::string_view text);
  void release(Id id);
  // The id of `text` if stored (kEmpty for ""), without a reference.
  std::optional<Id> find(std::string_view text) const;
  std::string text(Id id) const { return id == kEmpty ? std::string() : entries_[id].text.str(); }
  uint32_t references(Id id) const { return entries_[id].references; }
  // Head of the resource list of the records that refer to `id` (Catalog's to manage).
  uint32_t& listHead(Id id) { return entries_[id].listHead; }
  uint32_t listHead(Id id) const { return entries_[id].listHead; }

  std::size_t size() const { return index_.size(); }
  std::size_t idCount() const { return entries_.size(); }  // ids below this may be live
  bool isLive(Id id) const { return id < entries_.size() && entries_[id].references > 0; }
  std::size_t memoryBytes() const;
  // Internal consistency (index vs entries); appends problems.
  void check(const std::string& where, std::vector<std::string>& problems) const;

 private:
  struct Entry {
    PackedString text;
    uint32_t references = 0;
    uint32_t listHead = kNoRecord;
  };
  static_assert(sizeof(Entry) == 32);
  std::optional<Id> findPacked(const PackedString& packed, uint64_t hash) const;

  std::vector<Entry> entries_;
  std::vector<Id> freeIds_;
  SlotHashIndex index_;
  std::size_t heapBytes_ = 0;  // of the entries' long strings
};

}  // namespace mcr::index::detail
