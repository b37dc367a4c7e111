// The only translation unit that includes hnswlib (its header defines non-inline functions).
#include "HnswGraph.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "FileIo.h"
#include "mcr/index/VectorIndex.h"

namespace mcr::index::detail {

using Hnsw = hnswlib::HierarchicalNSW<float>;
using hnswlib::tableint;
using hnswlib::linklistsizeint;

namespace {

// Bytes of the fixed header that saveIndex writes before the level-0 block.
constexpr uint64_t kHeaderBytes = 6 * sizeof(std::size_t) + sizeof(int) + sizeof(tableint) +
                                  3 * sizeof(std::size_t) + sizeof(double) + sizeof(std::size_t);
constexpr int kMaxLevel = 255;          // -ln(u)/ln(M) stays far below this for any double u
constexpr std::size_t kMaxM = 4096;

[[noreturn]] void corrupt(const FileReader& in, const std::string& why) {
  throw IndexError("HNSW graph in '" + in.path() + "' is corrupt: " + why);
}

}  // namespace

struct HnswGraph::Impl {
  hnswlib::InnerProductSpace space;
  Hnsw hnsw;

  Impl(int dim, std::size_t M, std::size_t efConstruction, std::size_t capacity)
      : space(static_cast<std::size_t>(dim)), hnsw(&space, capacity, M, efConstruction) {
    hnsw.metric_distance_computations = 0;
    hnsw.metric_hops = 0;
    // hnswlib's ef_ is shared state; ef is a per-call argument of search() instead (see
    // there). ef_ = 1 makes searchKnn's list width max(ef_, k) = k, the width search() asks
    // for. Never changed after this, so concurrent searches read it without a race.
    hnsw.ef_ = 1;
  }
};

HnswGraph::HnswGraph(int dim, std::size_t M, std::size_t efConstruction, std::size_t capacity)
    : impl_(std::make_unique<Impl>(dim, M, efConstruction, std::max<std::size_t>(capacity, 1))),
      dim_(dim) {}

HnswGraph::HnswGraph(std::unique_ptr<Impl> impl, int dim) : impl_(std::move(impl)), dim_(dim) {}

HnswGraph::~HnswGraph() = default;

std::size_t HnswGraph::M() const { return impl_->hnsw.M_; }
std::size_t HnswGraph::efConstruction() const { return impl_->hnsw.ef_construction_; }
std::size_t HnswGraph::slots() const { return impl_->hnsw.cur_element_count; }
std::size_t HnswGraph::capacity() const { return impl_->hnsw.max_elements_; }
std::size_t HnswGraph::deletedCount() const { return impl_->hnsw.num_deleted_; }

bool HnswGraph::hasSlot(Label label) const {
  return impl_->hnsw.label_lookup_.count(label) != 0;
}

bool HnswGraph::isLive(Label label) const {
  const auto& h = impl_->hnsw;
  auto found = h.label_lookup_.find(label);
  return found != h.label_lookup_.end() && !h.isMarkedDeleted(found->second);
}

const float* HnswGraph::vector(Label label) const {
  const auto& h = impl_->hnsw;
  auto found = h.label_lookup_.find(label);
  if (found == h.label_lookup_.end() || h.isMarkedDeleted(found->second)) return nullptr;
  return reinterpret_cast<const float*>(h.getDataByInternalId(found->second));
}

void HnswGraph::add(Label label, const float* vector) {
  auto& h = impl_->hnsw;
  if (!hasSlot(label) && h.cur_element_count >= h.max_elements_) {
    const std::size_t grown = h.max_elements_ + std::max<std::size_t>(h.max_elements_ / 2, 1024);
    if (grown >= std::numeric_limits<tableint>::max()) {
      throw IndexError("HNSW graph is full (" + std::to_string(h.max_elements_) + " slots)");
    }
    h.resizeIndex(grown);
  }
  h.addPoint(vector, label);
}

void HnswGraph::markDeleted(Label label) {
  if (isLive(label)) impl_->hnsw.markDelete(label);
}

std::vector<Label> HnswGraph::liveLabels() const {
  const auto& h = impl_->hnsw;
  std::vector<Label> labels;
  labels.reserve(h.cur_element_count - h.num_deleted_);
  for (tableint id = 0; id < h.cur_element_count; ++id) {
    if (!h.isMarkedDeleted(id)) labels.push_back(h.getExternalLabel(id));
  }
  return labels;
}

std::vector<Label> HnswGraph::deletedLabels() const {
  const auto& h = impl_->hnsw;
  std::vector<Label> labels;
  for (tableint id = 0; id < h.cur_element_count; ++id) {
    if (h.isMarkedDeleted(id)) labels.push_back(h.getExternalLabel(id));
  }
  return labels;
}

std::vector<Label> HnswGraph::unreachableLive() const {
  const auto& h = impl_->hnsw;
  const std::size_t count = h.cur_element_count;
  std::vector<Label> unreachable;
  if (count == 0) return unreachable;
  std::vector<char> seen(count, 0);
  std::vector<tableint> stack{h.enterpoint_node_};
  seen[h.enterpoint_node_] = 1;
  while (!stack.empty()) {
    const tableint id = stack.back();
    stack.pop_back();
    linklistsizeint* list = h.get_linklist0(id);
    const unsigned short n = h.getListCount(list);
    const auto* neighbours = reinterpret_cast<const tableint*>(list + 1);
    for (unsigned short j = 0; j < n; ++j) {
      if (!seen[neighbours[j]]) {
        seen[neighbours[j]] = 1;
        stack.push_back(neighbours[j]);
      }
    }
  }
  for (tableint id = 0; id < count; ++id) {
    if (!seen[id] && !h.isMarkedDeleted(id)) unreachable.push_back(h.getExternalLabel(id));
  }
  return unreachable;
}

std::size_t HnswGraph::memoryBytes() const {
  const auto& h = impl_->hnsw;
  std::size_t bytes = h.max_elements_ * (h.size_data_per_element_ + sizeof(std::mutex) +
                                         sizeof(int) + sizeof(char*) + sizeof(hnswlib::vl_type));
  for (tableint id = 0; id < h.cur_element_count; ++id) {
    if (h.element_levels_[id] > 0) bytes += h.size_links_per_element_ * h.element_levels_[id] + 1;
  }
  // unordered_map node (label, id, next pointer, cached hash) plus its bucket pointer.
  bytes += h.label_lookup_.size() * (sizeof(Label) + sizeof(tableint) + 2 * sizeof(void*) + 8);
  bytes += h.label_lookup_.bucket_count() * sizeof(void*);
  return bytes;
}

// hnswlib 0.6.2's searchKnn(q, n) runs searchBaseLayerST with a candidate list of
// max(ef_, n), trims it to its n best and returns them; the greedy descent through the upper
// levels does not depend on ef. With ef_ fixed at 1, searchKnn(q, max(k, ef)) walks level 0
// with a list of max(k, ef), the same traversal as hnswlib's setEf(ef) + searchKnn(q, k),
// and returns that whole list; keeping its best k gives the same k results (exact distance
// ties at the k-th place aside, which the two heaps may break differently). Checked against
// hnswlib directly: identical for 300 queries x k in {1..50} x ef in {1..1000}, with deleted
// elements. The only extra cost is popping max(k, ef) results instead of k.
std::vector<std::pair<float, Label>> HnswGraph::search(const float* query, std::size_t k,
                                                       std::size_t ef) const {
  std::vector<std::pair<float, Label>> hits;
  if (k == 0) return hits;
  auto queue = impl_->hnsw.searchKnn(query, std::max(k, ef));
  while (queue.size() > k) queue.pop();  // the queue pops the farthest first
  hits.resize(queue.size());
  for (std::size_t i = queue.size(); i-- > 0;) {
    hits[i] = {1.0f - queue.top().first, queue.top().second};
    queue.pop();
  }
  return hits;
}

uint64_t HnswGraph::serializedSize() const {
  const auto& h = impl_->hnsw;
  uint64_t size = kHeaderBytes + h.cur_element_count * h.size_data_per_element_;
  for (tableint id = 0; id < h.cur_element_count; ++id) {
    size += sizeof(unsigned int);
    if (h.element_levels_[id] > 0) size += h.size_links_per_element_ * h.element_levels_[id];
  }
  return size;
}

// Same bytes as hnswlib's saveIndex, streamed into the snapshot (with its CRC) instead of
// a separate file.
void HnswGraph::write(FileWriter& out) const {
  const auto& h = impl_->hnsw;
  out.writePod(h.offsetLevel0_);
  out.writePod(h.max_elements_);
  out.writePod(h.cur_element_count);
  out.writePod(h.size_data_per_element_);
  out.writePod(h.label_offset_);
  out.writePod(h.offsetData_);
  out.writePod(h.maxlevel_);
  out.writePod(h.enterpoint_node_);
  out.writePod(h.maxM_);
  out.writePod(h.maxM0_);
  out.writePod(h.M_);
  out.writePod(h.mult_);
  out.writePod(h.ef_construction_);
  out.write(h.data_level0_memory_, h.cur_element_count * h.size_data_per_element_);
  for (tableint id = 0; id < h.cur_element_count; ++id) {
    const unsigned int size =
        h.element_levels_[id] > 0 ? h.size_links_per_element_ * h.element_levels_[id] : 0;
    out.writePod(size);
    if (size) out.write(h.linkLists_[id], size);
  }
}

std::unique_ptr<HnswGraph> HnswGraph::read(FileReader& in, uint64_t payloadSize, int dim,
                                           std::size_t spareCapacity) {
  const uint64_t start = in.position();
  if (payloadSize < kHeaderBytes) corrupt(in, "shorter than its header");
  const auto offsetLevel0 = in.readPod<std::size_t>("graph header");
  in.readPod<std::size_t>("graph header");  // capacity when saved: ours is recomputed
  const auto count = in.readPod<std::size_t>("graph header");
  const auto sizeDataPerElement = in.readPod<std::size_t>("graph header");
  const auto labelOffset = in.readPod<std::size_t>("graph header");
  const auto offsetData = in.readPod<std::size_t>("graph header");
  const auto maxLevel = in.readPod<int>("graph header");
  const auto entryPoint = in.readPod<tableint>("graph header");
  const auto maxM = in.readPod<std::size_t>("graph header");
  const auto maxM0 = in.readPod<std::size_t>("graph header");
  const auto M = in.readPod<std::size_t>("graph header");
  const auto mult = in.readPod<double>("graph header");
  const auto efConstruction = in.readPod<std::size_t>("graph header");

  if (offsetLevel0 != 0) corrupt(in, "unexpected level-0 offset");
  if (M < 2 || M > kMaxM || maxM != M || maxM0 != 2 * M) corrupt(in, "invalid M");
  if (!(std::fabs(mult - 1.0 / std::log(double(M))) < 1e-9)) corrupt(in, "invalid level multiplier");
  if (efConstruction < 1 || efConstruction > 1000000) corrupt(in, "invalid ef_construction");
  const std::size_t linksLevel0 = maxM0 * sizeof(tableint) + sizeof(linklistsizeint);
  const std::size_t dataSize = static_cast<std::size_t>(dim) * sizeof(float);
  if (offsetData != linksLevel0 || labelOffset != linksLevel0 + dataSize ||
      sizeDataPerElement != labelOffset + sizeof(hnswlib::labeltype)) {
    corrupt(in, "element layout does not match dimension " + std::to_string(dim) + " and M " +
                    std::to_string(M));
  }
  const uint64_t bodyBytes = payloadSize - kHeaderBytes;
  if (count > bodyBytes / (sizeDataPerElement + sizeof(unsigned int)) ||
      count >= std::numeric_limits<tableint>::max() / 2) {
    corrupt(in, "element count " + std::to_string(count) + " does not fit its size");
  }
  if (count == 0) {
    if (maxLevel != -1 || entryPoint != static_cast<tableint>(-1)) corrupt(in, "empty graph with an entry point");
  } else if (maxLevel < 0 || maxLevel > kMaxLevel || entryPoint >= count) {
    corrupt(in, "invalid entry point or top level");
  }

  // Room to grow by a sixteenth (at least spareCapacity) before the first resize.
  auto impl = std::make_unique<Impl>(dim, M, efConstruction, count + std::max<std::size_t>({spareCapacity, count / 16, 1}));
  Hnsw& h = impl->hnsw;
  h.ef_construction_ = efConstruction;
  in.read(h.data_level0_memory_, count * sizeDataPerElement, "graph level 0");
  for (tableint id = 0; id < count; ++id) {
    linklistsizeint* list = h.get_linklist0(id);
    const auto* raw = reinterpret_cast<const unsigned char*>(list);
    if ((raw[2] & ~Hnsw::DELETE_MARK) != 0 || raw[3] != 0) corrupt(in, "invalid element flags");
    const unsigned short n = h.getListCount(list);
    if (n > maxM0) corrupt(in, "too many level-0 links");
    const auto* neighbours = reinterpret_cast<const tableint*>(list + 1);
    for (unsigned short j = 0; j < n; ++j) {
      if (neighbours[j] >= count || neighbours[j] == id) corrupt(in, "invalid level-0 link");
    }
    if (!h.label_lookup_.emplace(h.getExternalLabel(id), id).second) corrupt(in, "duplicate label");
    if (h.isMarkedDeleted(id)) ++h.num_deleted_;
  }
  const std::size_t linksPerElement = h.size_links_per_element_;
  for (tableint id = 0; id < count; ++id) {
    const auto size = in.readPod<unsigned int>("graph links");
    if (size % linksPerElement != 0 || size / linksPerElement > static_cast<std::size_t>(maxLevel)) {
      corrupt(in, "invalid upper-level link block");
    }
    if (size > in.remaining() || in.position() + size > start + payloadSize) {
      corrupt(in, "upper-level links run past the graph");
    }
    const int levels = static_cast<int>(size / linksPerElement);
    if (levels > 0) {
      char* block = static_cast<char*>(std::malloc(size + 1));
      if (!block) throw IndexError("out of memory loading the HNSW graph");
      h.linkLists_[id] = block;
      h.element_levels_[id] = levels;
      h.cur_element_count = id + 1;  // from here the destructor owns `block`
      in.read(block, size, "graph links");
      for (int level = 1; level <= levels; ++level) {
        linklistsizeint* list = h.get_linklist(id, level);
        const unsigned short n = h.getListCount(list);
        if (n > maxM) corrupt(in, "too many upper-level links");
        const auto* neighbours = reinterpret_cast<const tableint*>(list + 1);
        for (unsigned short j = 0; j < n; ++j) {
          if (neighbours[j] >= count || neighbours[j] == id) corrupt(in, "invalid upper-level link");
        }
      }
    } else {
      h.linkLists_[id] = nullptr;
      h.element_levels_[id] = 0;
    }
    h.cur_element_count = id + 1;
  }
  if (in.position() != start + payloadSize) corrupt(in, "trailing bytes after the graph");
  // Upper-level links must point at elements that exist on that level.
  for (tableint id = 0; id < count; ++id) {
    for (int level = 1; level <= h.element_levels_[id]; ++level) {
      linklistsizeint* list = h.get_linklist(id, level);
      const auto* neighbours = reinterpret_cast<const tableint*>(list + 1);
      for (unsigned short j = 0; j < h.getListCount(list); ++j) {
        if (h.element_levels_[neighbours[j]] < level) corrupt(in, "link to a missing level");
      }
    }
  }
  if (count > 0 && h.element_levels_[entryPoint] != maxLevel) corrupt(in, "entry point is not on the top level");
  h.cur_element_count = count;
  h.maxlevel_ = maxLevel;
  h.enterpoint_node_ = entryPoint;
  return std::unique_ptr<HnswGraph>(new HnswGraph(std::move(impl), dim));
}

}  // namespace mcr::index::detail
