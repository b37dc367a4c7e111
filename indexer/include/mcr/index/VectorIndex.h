#pragma once
// Incremental, persistent, crash-safe vector index over Orthanc resources.
// No LibTorch here: this stores vectors, it does not make them.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mcr::index {

// One HNSW space per kind of vector. A cross-modal search asks the other modality's space.
enum class Space { Images, Reports, Studies };
const char* toString(Space space);

class IndexError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Opening an index built with another model: the caller must rebuild.
class FingerprintMismatch : public IndexError {
  using IndexError::IndexError;
};

struct Record {
  std::string patient;     // Orthanc ids
  std::string study;
  std::string series;      // empty in the studies space
  std::string instance;    // empty in the studies space
  std::string sopInstanceUid;
  std::string studyDate;   // YYYYMMDD or empty
  std::string modality;
  int64_t indexedAtUnix = 0;
  // The key that identifies a vector in its space: the instance id (images, reports)
  // or the study id (studies). Adding an existing key replaces its vector.
  const std::string& key(Space space) const { return space == Space::Studies ? study : instance; }
};

struct Item {
  Record record;
  std::vector<float> vector;  // dim values, L2-normalised by the caller
};

struct Filter {
  std::optional<std::string> modality;
  std::optional<std::string> dateFrom;  // inclusive, YYYYMMDD
  std::optional<std::string> dateTo;    // inclusive
  std::optional<std::string> excludePatient;
  std::optional<std::string> excludeStudy;
};

struct Hit {
  Record record;
  float score = 0;  // inner product (cosine), higher is closer
};

struct Options {
  int dim = 0;                      // from the model bundle
  std::string modelFingerprint;     // from the model bundle
  std::size_t M = 16;
  std::size_t efConstruction = 200;
  std::size_t ef = 64;              // default search-time ef (search(..., ef = 0)); not stored
  std::size_t compactAfterLogRecords = 10000;
  // Added by the indexer. M and efConstruction apply to new graphs; a loaded graph keeps
  // the M it was built with. dim == 0 with an empty fingerprint opens an existing index
  // with whatever it stores (offline tools: stats, verify, compact).
  std::size_t initialCapacity = 1024;  // slots per space before the first growth
  // Warnings (a torn log tail dropped at open, a failed automatic compaction). Default: spdlog.
  std::function<void(const std::string&)> warn;
  // Read-only: takes no lock and writes nothing, so it works beside the process that has the
  // index open (e.g. mcr-index query/stats/verify next to a running Orthanc). It sees what
  // was durable at open time; add/remove/compact throw IndexError.
  bool readOnly = false;
};

struct SpaceStats {
  std::size_t vectors = 0;
  std::size_t capacity = 0;
  std::size_t deletedSlots = 0;
  std::size_t graphBytes = 0;    // added: approximate memory of the HNSW graph
  std::size_t catalogBytes = 0;  // added: memory of the catalog (records, indexes, interned ids)
};
struct Stats {
  SpaceStats images, reports, studies;
  std::size_t logRecords = 0;
  std::string modelFingerprint;
  int dim = 0;
  // Added by the indexer.
  uint64_t logBytes = 0;
  uint64_t snapshotBytes = 0;
  uint64_t logGeneration = 0;
  std::size_t M = 0, efConstruction = 0, ef = 0;
  const SpaceStats& of(Space space) const {
    return space == Space::Images ? images : space == Space::Reports ? reports : studies;
  }
};

// Thread safety. One VectorIndex may be shared by any number of threads with no locking of
// the caller's (and should be: a caller's lock held across add() stops searches from
// interleaving with the batch, which is what the index's own locking is for):
// * Readers -- search, get, contains -- run concurrently with each other and with a writer
//   (waiting at most for one short step of a writer: a slice of a batch, a capacity
//   growth, or compact()'s re-link of one vector or swap of a rebuilt graph).
// * Writers -- add, remove, compact -- run one at a time; a second writer waits. stats()
//   and verify() read writer state, so they also wait for a write in progress.
// * What a reader sees during add(): the batch is applied in order, a few vectors at a
//   time, so a reader may see any prefix of it (part of a batch), never a vector outside
//   that prefix. Each reader call sees one state: its results come from a single prefix. A
//   replaced key shows its old or its new vector, never neither. remove() is applied at
//   once: a reader sees all of its vectors gone or none. compact() does not change the stored
//   vectors or records; readers continue during it.
// * Durability: add() and remove() log their change and flush it (fdatasync) before any
//   reader can see it, so nothing a reader sees can be lost by a crash; when they return,
//   the change is on stable storage and visible to every later call. After a crash a batch
//   is present entirely or not at all. A call that throws changed nothing, unless it failed
//   after logging (memory, I/O): then every later call throws IndexError until the index is
//   reopened (which replays the log).
// * One process owns a directory: open() holds an exclusive lock on it (LOCK) until the
//   object is destroyed, and a second open, in this process or another, throws IndexError.
//   Options::readOnly opens take no lock and see what was durable when they opened.
// * Destroying the object must not race with calls on it.
class VectorIndex {
 public:
  // Creates the directory if needed; loads snapshot + replays the log.
  // Throws FingerprintMismatch naming both fingerprints, IndexError for corruption.
  // One writer process at a time: a second open of the same directory throws IndexError
  // (Options::readOnly opens beside a writer).
  static std::unique_ptr<VectorIndex> open(const std::string& directory, const Options& options);
  virtual ~VectorIndex() = default;

  // Durable when it returns (logged and flushed). Replaces items whose key exists.
  virtual void add(Space space, const std::vector<Item>& items) = 0;
  // Removes every vector in every space whose patient, study, series or instance is `orthancId`.
  virtual std::size_t remove(const std::string& orthancId) = 0;
  // The k nearest vectors passing `filter`, best first. `ef` is the HNSW search width for
  // this call only (larger: better recall, slower; at least k is used); 0 means Options::ef.
  virtual std::vector<Hit> search(Space space, const float* query, std::size_t k,
                                  const Filter& filter = {}, std::size_t ef = 0) const = 0;
  // The stored vector of a key, if any (e.g. an image's vector for "reports like this image").
  virtual std::optional<Item> get(Space space, const std::string& key) const = 0;
  virtual bool contains(Space space, const std::string& key) const = 0;
  virtual Stats stats() const = 0;  // Stats::ef is the default, Options::ef
  virtual void compact() = 0;  // snapshot now, truncate the log
  // Catalog and HNSW agree and every record is reachable; returns problems found (empty = OK).
  virtual std::vector<std::string> verify() const = 0;
};

}  // namespace mcr::index
