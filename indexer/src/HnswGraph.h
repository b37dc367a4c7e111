#pragma once
// One HNSW graph (hnswlib 0.6.2, inner product over L2-normalised vectors) behind a small
// interface. This header does not include hnswlib: hnswlib.h defines non-inline functions,
// so exactly one translation unit (HnswGraph.cpp) may include it.
//
// Thread safety is the caller's: const members may run concurrently with each other;
// every non-const member needs exclusive access (VectorIndexImpl's shared_mutex).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace mcr::index::detail {

class FileReader;
class FileWriter;

using Label = uint64_t;

class HnswGraph {
 public:
  HnswGraph(int dim, std::size_t M, std::size_t efConstruction, std::size_t capacity);
  ~HnswGraph();
  HnswGraph(const HnswGraph&) = delete;
  HnswGraph& operator=(const HnswGraph&) = delete;

  // Reads a graph written by write() (hnswlib's saveIndex byte layout), validating every
  // size, offset, level and neighbour id before hnswlib sees it, so that corrupt bytes give
  // an IndexError and never a crash or an absurd allocation. `payloadSize` is the exact
  // number of bytes the graph occupies in `in`.
  static std::unique_ptr<HnswGraph> read(FileReader& in, uint64_t payloadSize, int dim,
                                         std::size_t spareCapacity);
  uint64_t serializedSize() const;
  void write(FileWriter& out) const;

  // Adds or replaces the vector of `label` (a deleted label's slot is reused). Grows the
  // capacity by half when full.
  void add(Label label, const float* vector);
  void markDeleted(Label label);

  int dim() const { return dim_; }
  std::size_t M() const;
  std::size_t efConstruction() const;
  std::size_t slots() const;      // elements ever added (live + deleted)
  std::size_t capacity() const;
  std::size_t deletedCount() const;
  bool isLive(Label label) const;
  bool hasSlot(Label label) const;  // live or deleted
  const float* vector(Label label) const;  // nullptr unless live
  std::vector<Label> liveLabels() const;
  std::vector<Label> deletedLabels() const;
  // Live elements that a search cannot reach: not connected to the entry point in the
  // level-0 graph (deleted elements are traversed, as searches do).
  std::vector<Label> unreachableLive() const;
  // Approximate bytes held by the graph: vectors, links, labels and lookup.
  std::size_t memoryBytes() const;

  // Up to k nearest live elements as (inner product, label), best first, found with a
  // candidate list of max(k, ef) (ef: hnswlib's search-time ef, per call; no shared state).
  std::vector<std::pair<float, Label>> search(const float* query, std::size_t k, std::size_t ef) const;

 private:
  struct Impl;
  explicit HnswGraph(std::unique_ptr<Impl> impl, int dim);
  std::unique_ptr<Impl> impl_;
  int dim_;
};

}  // namespace mcr::index::detail
