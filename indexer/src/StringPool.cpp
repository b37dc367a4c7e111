#include "StringPool.h"

#include <algorithm>
#include <stdexcept>

#include "mcr/index/VectorIndex.h"

namespace mcr::index::detail {

std::optional<StringPool::Id> StringPool::findPacked(const PackedString& packed, uint64_t hash) const {
  return index_.find(hash, [&](uint32_t id) { return entries_[id].text == packed; });
}

std::optional<StringPool::Id> StringPool::find(std::string_view text) const {
  if (text.empty()) return kEmpty;
  const PackedString packed(text);
  return findPacked(packed, packed.hash());
}

StringPool::Id StringPool::acquire(std::string_view text) {
  if (text.empty()) return kEmpty;
  PackedString packed(text);
  const uint64_t hash = packed.hash();
  if (auto found = findPacked(packed, hash)) {
    ++entries_[*found].references;
    return *found;
  }
  Id id;
  if (!freeIds_.empty()) {
    id = freeIds_.back();
    freeIds_.pop_back();
  } else {
    if (entries_.size() >= kEmpty - 1) throw IndexError("too many distinct ids in one catalog");
    if (entries_.size() == entries_.capacity()) {
      entries_.reserve(entries_.size() + std::max<std::size_t>(entries_.size() / 2, 64));  // grow by half, not double
    }
    id = static_cast<Id>(entries_.size());
    entries_.emplace_back();
  }
  Entry& entry = entries_[id];
  entry.text = std::move(packed);
  heapBytes_ += entry.text.heapBytes();
  entry.references = 1;
  entry.listHead = kNoRecord;
  index_.insert(id, hash, [&](uint32_t other) { return entries_[other].text.hash(); });
  return id;
}

void StringPool::release(Id id) {
  if (id == kEmpty) return;
  Entry& entry = entries_[id];
  if (entry.references == 0) throw IndexError("internal error: releasing a free catalog string");
  if (--entry.references > 0) return;
  index_.erase(id, entry.text.hash(), [&](uint32_t other) { return entries_[other].text.hash(); });
  heapBytes_ -= entry.text.heapBytes();
  entry.text = PackedString();
  entry.listHead = kNoRecord;
  freeIds_.push_back(id);
}

std::size_t StringPool::memoryBytes() const {
  return entries_.capacity() * sizeof(Entry) + freeIds_.capacity() * sizeof(Id) + index_.memoryBytes() + heapBytes_;
}

void StringPool::check(const std::string& where, std::vector<std::string>& problems) const {
  std::size_t live = 0;
  for (Id id = 0; id < entries_.size(); ++id) {
    const Entry& entry = entries_[id];
    if (entry.references == 0) continue;
    ++live;
    const auto found = findPacked(entry.text, entry.text.hash());
    if (!found || *found != id) problems.push_back(where + "interned id '" + entry.text.str() + "' is not indexed");
  }
  if (live != index_.size() || live + freeIds_.size() != entries_.size()) {
    problems.push_back(where + "string pool holds " + std::to_string(live) + " ids, its index " +
                       std::to_string(index_.size()) + ", free " + std::to_string(freeIds_.size()) + " of " +
                       std::to_string(entries_.size()));
  }
}

}  // namespace mcr::index::detail
