// Adds, removes, searches and checks. Persistence is in VectorIndexPersistence.cpp.
#include "VectorIndexImpl.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <unordered_set>

namespace mcr::index::detail {
namespace {

constexpr float kNormTolerance = 1e-3f;

float dot(const float* a, const float* b, std::size_t n) {
  // Eight partial sums: lets the compiler use SIMD without -ffast-math.
  float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (std::size_t j = 0; j < 8; ++j) s[j] += a[i + j] * b[i + j];
  }
  float total = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
  for (; i < n; ++i) total += a[i] * b[i];
  return total;
}

}  // namespace

std::shared_lock<std::shared_mutex> VectorIndexImpl::readLock() const {
  std::lock_guard<std::mutex> turn(turnstile_);
  return std::shared_lock<std::shared_mutex>(dataMutex_);
}

std::unique_lock<std::shared_mutex> VectorIndexImpl::exclusiveLock() const {
  std::lock_guard<std::mutex> turn(turnstile_);
  return std::unique_lock<std::shared_mutex>(dataMutex_);
}

void VectorIndexImpl::checkUsable() const {
  if (failed_) {
    throw IndexError("index '" + directory_ + "' stopped accepting calls after a failed write (I/O or "
                     "memory error); reopen it: the snapshot and log restore a consistent state");
  }
}

void VectorIndexImpl::checkWritable() const {
  if (options_.readOnly) throw IndexError("index '" + directory_ + "' is open read-only");
}

void VectorIndexImpl::validateItems(const std::vector<Item>& items, Space space) const {
  std::unordered_set<std::string> keys;
  for (const Item& item : items) {
    const std::string& key = item.record.key(space);
    if (key.empty()) {
      throw IndexError(std::string("an item for the ") + toString(space) + " space has no " +
                       (space == Space::Studies ? "study" : "instance") + " id");
    }
    if (!keys.insert(key).second) throw IndexError("key '" + key + "' appears twice in one batch");
    if (item.vector.size() != static_cast<std::size_t>(options_.dim)) {
      throw IndexError("vector of '" + key + "' has " + std::to_string(item.vector.size()) +
                       " values, the index holds " + std::to_string(options_.dim));
    }
    double squared = 0;
    for (float v : item.vector) {
      if (!std::isfinite(v)) throw IndexError("vector of '" + key + "' has a non-finite value");
      squared += double(v) * v;
    }
    if (std::fabs(std::sqrt(squared) - 1.0) > kNormTolerance) {
      throw IndexError("vector of '" + key + "' is not L2-normalised (norm " + std::to_string(std::sqrt(squared)) + ")");
    }
  }
}

void VectorIndexImpl::applyAdd(SpaceState& state, Label label, const Record& record, const float* vector) {
  state.graph->add(label, vector);
  state.freeLabels.erase(label);
  state.nextLabel = std::max(state.nextLabel, label + 1);
  const auto existing = state.catalog.labelOfKey(record.key(state.catalog.space()));
  if (existing && *existing != label) {  // only after a damaged log; keep one vector per key
    state.graph->markDeleted(*existing);
    state.catalog.erase(*existing);
    state.freeLabels.insert(*existing);
  }
  state.catalog.put(label, record);
}

std::size_t VectorIndexImpl::applyRemove(const std::string& orthancId) {
  std::size_t removed = 0;
  for (auto& state : spaces_) {
    for (Label label : state.catalog.labelsOf(orthancId)) {
      state.graph->markDeleted(label);
      state.catalog.erase(label);
      state.freeLabels.insert(label);
      ++removed;
    }
  }
  return removed;
}

void VectorIndexImpl::add(Space space, const std::vector<Item>& items) {
  if (items.empty()) return;
  std::lock_guard<std::mutex> writer(writeMutex_);
  checkUsable();
  checkWritable();
  validateItems(items, space);
  SpaceState& state = spaces_[static_cast<std::size_t>(space)];

  // Labels: the existing one for a known key (replace), else a deleted slot, else a new one.
  // Only writers change the catalog, and we are the writer: no data lock needed to read it.
  pb::LogRecord record;
  auto* batch = record.mutable_add();
  batch->set_space(toProto(space));
  auto freeLabel = state.freeLabels.begin();
  Label nextLabel = state.nextLabel;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<Label> labels;
  labels.reserve(items.size());
  for (const Item& item : items) {
    Label label;
    if (auto existing = state.catalog.labelOfKey(item.record.key(space))) {
      label = *existing;
    } else if (freeLabel != state.freeLabels.end()) {
      label = *freeLabel++;
    } else {
      label = nextLabel++;
    }
    labels.push_back(label);
    auto* added = batch->add_items();
    added->set_label(label);
    toProto(item.record, *added->mutable_record());
    if (item.record.indexedAtUnix == 0) added->mutable_record()->set_indexed_at_unix(now);
    added->mutable_vector()->Add(item.vector.begin(), item.vector.end());
  }
  log_->append(record);  // durable from here on
  logRecords_ = log_->records();
  logBytes_ = log_->bytes();

  try {
    for (std::size_t begin = 0; begin < items.size(); begin += kApplySlice) {
      const std::size_t end = std::min(items.size(), begin + kApplySlice);
      auto exclusive = exclusiveLock();
      for (std::size_t i = begin; i < end; ++i) {
        applyAdd(state, labels[i], fromProto(batch->items(static_cast<int>(i)).record()), items[i].vector.data());
      }
    }
  } catch (...) {
    failed_ = true;
    throw;
  }
  compactIfLogIsLong();
}

void VectorIndexImpl::compactIfLogIsLong() {
  if (logRecords_ < options_.compactAfterLogRecords) return;
  try {
    compactLocked();
  } catch (const std::exception& e) {
    // The write itself is durable; compaction is retried after the next write.
    warn(std::string("automatic compaction failed: ") + e.what());
  }
}

std::size_t VectorIndexImpl::remove(const std::string& orthancId) {
  std::lock_guard<std::mutex> writer(writeMutex_);
  checkUsable();
  checkWritable();
  if (orthancId.empty()) return 0;
  bool present = false;
  for (const auto& state : spaces_) present = present || !state.catalog.labelsOf(orthancId).empty();
  if (!present) return 0;
  pb::LogRecord record;
  record.mutable_remove()->set_orthanc_id(orthancId);
  log_->append(record);
  logRecords_ = log_->records();
  logBytes_ = log_->bytes();
  std::size_t removed = 0;
  try {
    auto exclusive = exclusiveLock();
    removed = applyRemove(orthancId);
  } catch (...) {
    failed_ = true;
    throw;
  }
  compactIfLogIsLong();
  return removed;
}

std::vector<Hit> VectorIndexImpl::exactSearch(const SpaceState& state, const float* query, std::size_t k,
                                              const Filter& filter) const {
  std::vector<std::pair<float, Catalog::Ref>> best;  // min-heap on score, at most k
  auto worse = [](const auto& a, const auto& b) { return a.first > b.first; };
  const CompiledFilter compiled = state.catalog.compile(filter);
  state.catalog.forEach([&](Catalog::Ref ref) {
    if (!state.catalog.passes(ref, compiled)) return;
    const Label label = state.catalog.label(ref);
    const float* vector = state.graph->vector(label);
    if (!vector) return;
    const float score = dot(query, vector, static_cast<std::size_t>(options_.dim));
    if (best.size() < k) {
      best.emplace_back(score, ref);
      std::push_heap(best.begin(), best.end(), worse);
    } else if (score > best.front().first) {
      std::pop_heap(best.begin(), best.end(), worse);
      best.back() = {score, ref};
      std::push_heap(best.begin(), best.end(), worse);
    }
  });
  std::sort(best.begin(), best.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<Hit> hits;
  hits.reserve(best.size());
  for (const auto& [score, ref] : best) hits.push_back({state.catalog.recordAt(ref), score});
  return hits;
}

// Filtered search with hnswlib 0.6.2 (no filter callback): ask the graph for
// fetch = max(k * kFirstFetchFactor, kMinFetch, ef) candidates, keep those that pass; while
// fewer than k pass, multiply fetch by kFetchGrowth. Once fetch would exceed kMaxGraphFetch
// or the number of vectors, the filter is selective enough that an exact scan of the catalog
// (filter first, then inner products) is both cheaper and exact.
// ef is hnswlib's candidate list width, passed per call (0: Options::ef). A graph search for
// n results walks with a list of max(n, ef); starting fetch at ef or above means every
// candidate that list finds is offered to the filter, and each growth widens the walk (an ef
// beyond kMaxGraphFetch or the number of vectors goes straight to the exact scan).
std::vector<Hit> VectorIndexImpl::search(Space space, const float* query, std::size_t k,
                                         const Filter& filter, std::size_t ef) const {
  if (k == 0) return {};
  if (ef == 0) ef = options_.ef;
  if (!query) throw IndexError("search without a query vector");
  if (ef == 0) ef = options_.ef;  // options_ is not changed after open: no lock needed
  auto shared = readLock();
  const SpaceState& state = spaces_[static_cast<std::size_t>(space)];
  const std::size_t live = state.catalog.size();
  if (live == 0) return {};
  const bool filtered = !filterIsEmpty(filter);
  const CompiledFilter compiled = state.catalog.compile(filter);
  std::size_t fetch = filtered ? std::max({k * kFirstFetchFactor, kMinFetch, ef}) : k;
  while (!filtered || (fetch <= kMaxGraphFetch && fetch < live)) {
    std::vector<Hit> hits;
    for (const auto& [score, label] : state.graph->search(query, fetch, ef)) {
      const auto ref = state.catalog.find(label);
      if (!ref || !state.catalog.passes(*ref, compiled)) continue;
      hits.push_back({state.catalog.recordAt(*ref), score});
      if (hits.size() == k) break;
    }
    if (!filtered || hits.size() == k) return hits;
    fetch *= kFetchGrowth;
  }
  return exactSearch(state, query, k, filter);
}

std::optional<Item> VectorIndexImpl::get(Space space, const std::string& key) const {
  auto shared = readLock();
  const SpaceState& state = spaces_[static_cast<std::size_t>(space)];
  const auto label = state.catalog.labelOfKey(key);
  if (!label) return std::nullopt;
  const float* vector = state.graph->vector(*label);
  if (!vector) return std::nullopt;
  return Item{*state.catalog.record(*label), std::vector<float>(vector, vector + options_.dim)};
}

bool VectorIndexImpl::contains(Space space, const std::string& key) const {
  auto shared = readLock();
  return spaces_[static_cast<std::size_t>(space)].catalog.labelOfKey(key).has_value();
}

Stats VectorIndexImpl::stats() const {
  std::lock_guard<std::mutex> writer(writeMutex_);  // log_ and generation_ are writer state
  auto shared = readLock();
  Stats stats;
  SpaceStats* out[kSpaceCount] = {&stats.images, &stats.reports, &stats.studies};
  for (std::size_t s = 0; s < kSpaceCount; ++s) {
    const SpaceState& state = spaces_[s];
    out[s]->vectors = state.catalog.size();
    out[s]->capacity = state.graph->capacity();
    out[s]->deletedSlots = state.graph->deletedCount();
    out[s]->graphBytes = state.graph->memoryBytes();
    out[s]->catalogBytes = state.catalog.memoryBytes();
  }
  stats.logRecords = logRecords_;
  stats.logBytes = logBytes_;
  stats.snapshotBytes = snapshotBytes_;
  stats.logGeneration = generation_;
  stats.modelFingerprint = options_.modelFingerprint;
  stats.dim = options_.dim;
  stats.M = spaces_[0].graph->M();
  stats.efConstruction = spaces_[0].graph->efConstruction();
  stats.ef = options_.ef;  // the default; each search may pass its own
  return stats;
}

std::vector<std::string> VectorIndexImpl::verify() const {
  std::lock_guard<std::mutex> writer(writeMutex_);
  auto shared = readLock();
  std::vector<std::string> problems;
  if (failed_) problems.push_back("the index stopped after a failed write (reopen it)");
  for (const SpaceState& state : spaces_) {
    const std::string where = std::string(toString(state.catalog.space())) + ": ";
    state.catalog.check(problems);
    const std::vector<Label> live = state.graph->liveLabels();
    if (live.size() != state.catalog.size()) {
      problems.push_back(where + "graph has " + std::to_string(live.size()) + " vectors, catalog " +
                         std::to_string(state.catalog.size()));
    }
    for (Label label : live) {
      if (!state.catalog.contains(label)) problems.push_back(where + "vector " + std::to_string(label) + " has no record");
    }
    state.catalog.forEach([&](Catalog::Ref ref) {
      const float* vector = state.graph->vector(state.catalog.label(ref));
      if (!vector) {
        problems.push_back(where + "record '" + state.catalog.key(ref) + "' has no vector");
        return;
      }
      const float norm = std::sqrt(dot(vector, vector, static_cast<std::size_t>(options_.dim)));
      if (!(std::fabs(norm - 1.0f) <= kNormTolerance)) {
        problems.push_back(where + "vector of '" + state.catalog.key(ref) + "' has norm " + std::to_string(norm));
      }
    });
    for (Label label : state.graph->unreachableLive()) {
      const auto ref = state.catalog.find(label);
      problems.push_back(where + "vector of '" + (ref ? state.catalog.key(*ref) : std::to_string(label)) +
                         "' is unreachable from the graph's entry point (mcr-index compact re-links it)");
    }
    for (Label label : state.freeLabels) {
      if (!state.graph->hasSlot(label) || state.graph->isLive(label)) {
        problems.push_back(where + "free label " + std::to_string(label) + " is not a deleted slot");
      }
    }
  }
  return problems;
}

}  // namespace mcr::index::detail
