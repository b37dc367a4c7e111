// Opening (snapshot + log replay), compaction into a new snapshot and graph rebuilds.
#include <spdlog/spdlog.h>

#include <cmath>
#include <ctime>

#include "VectorIndexImpl.h"

namespace mcr::index {

const char* toString(Space space) {
  switch (space) {
    case Space::Images: return "images";
    case Space::Reports: return "reports";
    case Space::Studies: return "studies";
  }
  return "unknown";
}

std::unique_ptr<VectorIndex> VectorIndex::open(const std::string& directory, const Options& options) {
  return std::make_unique<detail::VectorIndexImpl>(directory, options);
}

namespace detail {
namespace {

constexpr uint32_t kFormatVersion = 1;
constexpr int kMaxDim = 65536;

bool adoptsStoredIdentity(const Options& o) { return o.dim == 0 && o.modelFingerprint.empty(); }

std::string prepareDirectory(const std::string& directory, bool mustExist) {
  if (directory.empty()) throw IndexError("index directory is empty");
  if (mustExist) {
    if (!fileExists(directory)) throw IndexError("no index directory '" + directory + "'");
  } else {
    makeDirectories(directory);
  }
  return directory;
}

}  // namespace

VectorIndexImpl::VectorIndexImpl(const std::string& directory, const Options& options)
    : directory_(prepareDirectory(directory, options.readOnly || adoptsStoredIdentity(options))),
      options_(options),
      lock_(options.readOnly ? nullptr : std::make_unique<DirectoryLock>(directory_)) {
  if (!adoptsStoredIdentity(options_)) {
    if (options_.dim <= 0 || options_.dim > kMaxDim) {
      throw IndexError("invalid embedding dimension " + std::to_string(options_.dim));
    }
    if (options_.modelFingerprint.empty()) throw IndexError("empty model fingerprint");
  }
  if (options_.M < 2 || options_.M > 1024) throw IndexError("M must be in 2..1024");
  if (options_.ef == 0) throw IndexError("ef must be positive");
  openExisting();
}

void VectorIndexImpl::warn(const std::string& message) const {
  if (options_.warn) {
    options_.warn(message);
  } else {
    spdlog::warn("vector index '{}': {}", directory_, message);
  }
}

pb::IndexIdentity VectorIndexImpl::identity(uint64_t generation) const {
  pb::IndexIdentity id;
  id.set_format_version(kFormatVersion);
  id.set_model_fingerprint(options_.modelFingerprint);
  id.set_dim(static_cast<uint32_t>(options_.dim));
  id.set_log_generation(generation);
  id.set_written_at_unix(static_cast<int64_t>(std::time(nullptr)));
  return id;
}

void VectorIndexImpl::checkIdentity(const pb::IndexIdentity& stored, const std::string& file) {
  if (stored.format_version() != kFormatVersion) {
    throw IndexError("'" + file + "' has format version " + std::to_string(stored.format_version()) +
                     ", this build reads version " + std::to_string(kFormatVersion));
  }
  if (stored.dim() == 0 || stored.dim() > static_cast<uint32_t>(kMaxDim)) {
    throw IndexError("'" + file + "' is corrupt: dimension " + std::to_string(stored.dim()));
  }
  if (adoptsStoredIdentity(options_)) {
    options_.dim = static_cast<int>(stored.dim());
    options_.modelFingerprint = stored.model_fingerprint();
    return;
  }
  if (stored.model_fingerprint() != options_.modelFingerprint) {
    throw FingerprintMismatch("index '" + directory_ + "' was built with model fingerprint '" +
                              stored.model_fingerprint() + "' but the loaded model has fingerprint '" +
                              options_.modelFingerprint +
                              "': rebuild the index for this model (mcr-index build --out <new dir>, "
                              "or remove the directory and let the plugin re-index)");
  }
  if (static_cast<int>(stored.dim()) != options_.dim) {
    throw IndexError("index '" + directory_ + "' holds " + std::to_string(stored.dim()) +
                     "-dimensional vectors, the model makes " + std::to_string(options_.dim));
  }
}

void VectorIndexImpl::createGraphs() {
  for (auto& state : spaces_) {
    state.graph = std::make_unique<HnswGraph>(options_.dim, options_.M, options_.efConstruction,
                                              options_.initialCapacity);
  }
}

void VectorIndexImpl::loadCatalog(std::size_t s, const pb::SpaceCatalog& catalog) {
  SpaceState& state = spaces_[s];
  const std::string where = std::string("snapshot of '") + directory_ + "' is corrupt: " + toString(state.catalog.space());
  state.catalog.reserve(static_cast<std::size_t>(catalog.entries_size()));
  for (const auto& entry : catalog.entries()) {
    if (entry.label() >= kMaxLabel) throw IndexError(where + " catalog label " + std::to_string(entry.label()) + " is out of range");
    Record record = fromProto(entry.record());
    if (!state.graph->isLive(entry.label())) {
      throw IndexError(where + " catalog label " + std::to_string(entry.label()) + " has no vector");
    }
    if (record.key(state.catalog.space()).empty()) throw IndexError(where + " record with an empty key");
    if (state.catalog.labelOfKey(record.key(state.catalog.space()))) {
      throw IndexError(where + " duplicate key '" + record.key(state.catalog.space()) + "'");
    }
    if (state.catalog.contains(entry.label())) throw IndexError(where + " duplicate label");
    state.catalog.put(entry.label(), record);
  }
  const std::size_t live = state.graph->slots() - state.graph->deletedCount();
  if (live != state.catalog.size()) {
    throw IndexError(where + " graph has " + std::to_string(live) + " vectors, catalog " +
                     std::to_string(state.catalog.size()));
  }
}

void VectorIndexImpl::openExisting() {
  for (const std::string& name : options_.readOnly ? std::vector<std::string>{} : listDirectory(directory_)) {
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) removeFileIfExists(path(name));
  }
  const std::string snapshotPath = path(kSnapshotFileName);
  const bool haveSnapshot = fileExists(snapshotPath);
  const std::size_t spare = std::min<std::size_t>(options_.initialCapacity, 1024);
  if (haveSnapshot) {
    try {
      SnapshotContents contents = readSnapshot(
          snapshotPath, [&](const pb::IndexIdentity& id) { checkIdentity(id, snapshotPath); }, spare);
      generation_ = contents.identity.log_generation();
      for (std::size_t s = 0; s < kSpaceCount; ++s) {
        spaces_[s].graph = std::move(contents.graphs[s]);
        loadCatalog(s, contents.catalogs[s]);
      }
    } catch (const FingerprintMismatch&) {
      throw;
    } catch (const IndexError& e) {
      throw IndexError(std::string(e.what()) +
                       ". The index cannot be opened: move the directory away and rebuild it "
                       "(mcr-index build, or let the plugin re-index the studies from Orthanc)");
    }
    FileReader sizeOnly(snapshotPath);
    snapshotBytes_ = sizeOnly.size();
  }
  const std::string logPath = path(logFileName(generation_));
  if (!fileExists(logPath)) {
    if (options_.readOnly) {
      // Between our snapshot read and now a writer may have compacted: the caller may retry.
      throw IndexError("no log " + logPath + " beside the snapshot (index being compacted? retry)");
    }
    if (!haveSnapshot && adoptsStoredIdentity(options_)) {
      throw IndexError("no index in '" + directory_ + "' (neither " + kSnapshotFileName + " nor " +
                       logFileName(0) + ")");
    }
    LogWriter::create(logPath, directory_, identity(generation_));
  }
  bool graphsReady = haveSnapshot;
  LogScan scan = scanLog(logPath, [&](const pb::IndexIdentity& id) {
    checkIdentity(id, logPath);
    if (id.log_generation() != generation_) {
      throw IndexError("log '" + logPath + "' has generation " + std::to_string(id.log_generation()) +
                       ", expected " + std::to_string(generation_));
    }
    if (!graphsReady) {
      createGraphs();
      graphsReady = true;
    }
  }, [&](const pb::LogRecord& record) {
    if (!graphsReady) throw IndexError("internal error: log replay before its identity");
    replay(record);
  });
  logRecords_ = scan.records;
  logBytes_ = scan.validBytes;
  if (scan.tornTail) {
    // Read-only, the "torn" record may be one the writer is appending right now: ignore it.
    if (!options_.readOnly) warn("dropped a torn record at the end of " + logPath + ": " + *scan.tornTail);
  }
  if (!options_.readOnly) log_ = std::make_unique<LogWriter>(logPath, scan.validBytes, scan.records);
  for (auto& state : spaces_) {
    for (Label label : state.graph->deletedLabels()) state.freeLabels.insert(label);
    for (Label label : state.graph->liveLabels()) state.nextLabel = std::max(state.nextLabel, label + 1);
    for (Label label : state.freeLabels) state.nextLabel = std::max(state.nextLabel, label + 1);
  }
  if (options_.readOnly) return;
  // Logs of other generations are leftovers of an interrupted compaction.
  for (const std::string& name : listDirectory(directory_)) {
    if (name.rfind("log-", 0) == 0 && name != logFileName(generation_)) removeFileIfExists(path(name));
  }
}

void VectorIndexImpl::replay(const pb::LogRecord& record) {
  if (record.has_add()) {
    const auto& batch = record.add();
    if (batch.space() < 0 || batch.space() >= static_cast<int>(kSpaceCount)) {
      throw IndexError("log of '" + directory_ + "' names an unknown space");
    }
    SpaceState& state = spaces_[static_cast<std::size_t>(batch.space())];
    for (const auto& item : batch.items()) {
      if (item.vector_size() != options_.dim) throw IndexError("log of '" + directory_ + "' has a vector of wrong size");
      if (item.label() >= kMaxLabel) throw IndexError("log of '" + directory_ + "' has an absurd label");
      const Record record = fromProto(item.record());
      if (record.key(state.catalog.space()).empty()) throw IndexError("log of '" + directory_ + "' has an empty key");
      applyAdd(state, item.label(), record, item.vector().data());
    }
  } else if (record.has_remove()) {
    applyRemove(record.remove().orthanc_id());
  } else {
    throw IndexError("log of '" + directory_ + "' has an empty record");
  }
}

void VectorIndexImpl::compact() {
  std::lock_guard<std::mutex> writer(writeMutex_);
  checkUsable();
  checkWritable();
  compactLocked();
}

void VectorIndexImpl::rebuildGraphIfNeeded(SpaceState& state) {
  // Live elements that lost every incoming link (HNSW's neighbour pruning can orphan a few):
  // re-linking them is cheap, addPoint on an existing label runs updatePoint, which connects
  // the element to its nearest neighbours in both directions.
  std::vector<Label> unreachable;
  {
    auto shared = readLock();
    unreachable = state.graph->unreachableLive();
  }
  for (Label label : unreachable) {
    auto exclusive = exclusiveLock();
    const float* stored = state.graph->vector(label);
    const std::vector<float> vector(stored, stored + options_.dim);
    state.graph->add(label, vector.data());
  }
  const HnswGraph& old = *state.graph;
  if (old.deletedCount() <= kRebuildDeletedFraction * double(old.slots())) return;
  // Readers keep searching the old graph while the new one is built (we hold writeMutex_,
  // so nothing else changes it); the swap is exclusive.
  std::unique_ptr<HnswGraph> rebuilt;
  {
    auto shared = readLock();
    const std::vector<Label> live = old.liveLabels();
    rebuilt = std::make_unique<HnswGraph>(options_.dim, old.M(), old.efConstruction(),
                                          live.size() + std::max<std::size_t>(1024, live.size() / 16));
    for (Label label : live) rebuilt->add(label, old.vector(label));
  }
  auto exclusive = exclusiveLock();
  state.graph = std::move(rebuilt);
  state.freeLabels.clear();
}

// Snapshot first (pointing at generation+1), then the new empty log, then the rename that
// makes it current. A crash at any point leaves either the old snapshot with its log or
// the new snapshot with an empty log; open() removes the leftovers.
void VectorIndexImpl::compactLocked() {
  for (auto& state : spaces_) rebuildGraphIfNeeded(state);
  const uint64_t next = generation_ + 1;
  const std::string snapshotPath = path(kSnapshotFileName);
  const std::string temporary = snapshotPath + ".tmp";
  {
    auto shared = readLock();
    std::array<const Catalog*, kSpaceCount> catalogs{};
    std::array<const HnswGraph*, kSpaceCount> graphs{};
    for (std::size_t s = 0; s < kSpaceCount; ++s) {
      catalogs[s] = &spaces_[s].catalog;
      graphs[s] = spaces_[s].graph.get();
    }
    writeSnapshot(temporary, identity(next), catalogs, graphs);
  }
  const std::string nextLog = path(logFileName(next));
  LogWriter::create(nextLog, directory_, identity(next));
  auto nextWriter = std::make_unique<LogWriter>(nextLog, FileReader(nextLog).size(), 0);
  try {
    durableRename(temporary, snapshotPath, directory_);
  } catch (...) {
    // The rename may or may not have reached the disk: appending to either log could now
    // lose acknowledged writes, so refuse writes until the index is reopened.
    failed_ = true;
    throw;
  }
  const std::string oldLog = log_->path();
  log_ = std::move(nextWriter);
  generation_ = next;
  logRecords_ = 0;
  logBytes_ = log_->bytes();
  snapshotBytes_ = FileReader(snapshotPath).size();
  try {
    removeFileIfExists(oldLog);  // open() removes it too, if this fails
  } catch (const std::exception& e) {
    warn(e.what());
  }
}

}  // namespace detail

std::vector<float> studyVector(const std::vector<std::vector<float>>& imageVectors) {
  if (imageVectors.empty()) throw IndexError("a study vector needs at least one image vector");
  std::vector<double> sum(imageVectors.front().size(), 0.0);
  for (const auto& v : imageVectors) {
    if (v.size() != sum.size()) throw IndexError("image vectors of different dimensions");
    for (std::size_t i = 0; i < v.size(); ++i) sum[i] += v[i];
  }
  double norm = 0;
  for (double x : sum) norm += x * x;
  norm = std::sqrt(norm);
  if (!(norm > 1e-12)) throw IndexError("the image vectors of the study cancel out (no direction)");
  std::vector<float> out(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) out[i] = static_cast<float>(sum[i] / norm);
  return out;
}

}  // namespace mcr::index
