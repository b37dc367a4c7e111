#pragma once
// The snapshot file: the whole index at one moment.
//
//   "MCRSNAP1" | frame(IndexIdentity)
//              | frame(SpaceCatalog images)  | frame(graph images)
//              | frame(SpaceCatalog reports) | frame(graph reports)
//              | frame(SpaceCatalog studies) | frame(graph studies)
//   frame = u64 length | payload | u32 CRC32 of the payload
//
// A graph payload is hnswlib's saveIndex byte layout (see HnswGraph). The writer fsyncs the
// file; the caller writes it under a temporary name and renames it into place, so a reader
// sees the old snapshot or the new one, never a mix.
#include <array>
#include <functional>
#include <memory>
#include <string>

#include "Catalog.h"
#include "HnswGraph.h"
#include "mcr_index.pb.h"

namespace mcr::index::detail {

constexpr std::size_t kSpaceCount = 3;

struct SnapshotContents {
  pb::IndexIdentity identity;
  std::array<pb::SpaceCatalog, kSpaceCount> catalogs;
  std::array<std::unique_ptr<HnswGraph>, kSpaceCount> graphs;
};

void writeSnapshot(const std::string& path, const pb::IndexIdentity& identity,
                   const std::array<const Catalog*, kSpaceCount>& catalogs,
                   const std::array<const HnswGraph*, kSpaceCount>& graphs);

// `checkIdentity` runs before the graphs are read (it throws FingerprintMismatch etc.).
SnapshotContents readSnapshot(const std::string& path,
                              const std::function<void(const pb::IndexIdentity&)>& checkIdentity,
                              std::size_t spareCapacity);

constexpr const char* kSnapshotFileName = "snapshot.mcrx";

}  // namespace mcr::index::detail
