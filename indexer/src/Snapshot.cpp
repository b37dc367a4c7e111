#include "Snapshot.h"

#include <cstring>
#include <limits>

#include "FileIo.h"

namespace mcr::index::detail {
namespace {

constexpr char kMagic[8] = {'M', 'C', 'R', 'S', 'N', 'A', 'P', '1'};
constexpr uint64_t kMaxProtoBytes = std::numeric_limits<int>::max();

void writeProtoFrame(FileWriter& out, const google::protobuf::Message& message) {
  const std::string payload = message.SerializeAsString();
  out.writePod<uint64_t>(payload.size());
  out.resetCrc();
  out.write(payload.data(), payload.size());
  out.writePod<uint32_t>(out.crc());
}

uint64_t readFrameLength(FileReader& in, const char* what) {
  const auto length = in.readPod<uint64_t>(what);
  if (length > in.remaining() || in.remaining() - length < sizeof(uint32_t)) {
    throw IndexError("snapshot '" + in.path() + "' is truncated or corrupt: " + what + " claims " +
                     std::to_string(length) + " bytes, " + std::to_string(in.remaining()) + " remain");
  }
  return length;
}

void checkFrameCrc(FileReader& in, const char* what) {
  const uint32_t computed = in.crc();
  const auto stored = in.readPod<uint32_t>(what);
  if (stored != computed) {
    throw IndexError("snapshot '" + in.path() + "' is corrupt: checksum mismatch in " + what);
  }
}

void readProtoFrame(FileReader& in, google::protobuf::Message& message, const char* what) {
  const uint64_t length = readFrameLength(in, what);
  if (length > kMaxProtoBytes) throw IndexError("snapshot '" + in.path() + "': " + what + " too large");
  std::string payload(length, '\0');
  in.resetCrc();
  in.read(payload.data(), length, what);
  checkFrameCrc(in, what);
  if (!message.ParseFromString(payload)) {
    throw IndexError("snapshot '" + in.path() + "' is corrupt: cannot parse " + what);
  }
}

}  // namespace

void writeSnapshot(const std::string& path, const pb::IndexIdentity& identity,
                   const std::array<const Catalog*, kSpaceCount>& catalogs,
                   const std::array<const HnswGraph*, kSpaceCount>& graphs) {
  {
    FileWriter out(path);
    out.write(kMagic, sizeof kMagic);
    writeProtoFrame(out, identity);
    for (std::size_t s = 0; s < kSpaceCount; ++s) {
      pb::SpaceCatalog catalog;
      catalogs[s]->toProto(catalog);
      writeProtoFrame(out, catalog);
      out.writePod<uint64_t>(graphs[s]->serializedSize());
      out.resetCrc();
      const uint64_t before = out.written();
      graphs[s]->write(out);
      if (out.written() - before != graphs[s]->serializedSize()) {
        throw IndexError("internal error: graph size changed while writing the snapshot");
      }
      out.writePod<uint32_t>(out.crc());
    }
    out.syncAndClose();
  }
}

SnapshotContents readSnapshot(const std::string& path,
                              const std::function<void(const pb::IndexIdentity&)>& checkIdentity,
                              std::size_t spareCapacity) {
  FileReader in(path);
  char magic[8];
  in.read(magic, sizeof magic, "snapshot magic");
  if (std::memcmp(magic, kMagic, sizeof magic) != 0) {
    throw IndexError("'" + path + "' is not an index snapshot (bad magic)");
  }
  SnapshotContents contents;
  readProtoFrame(in, contents.identity, "identity");
  checkIdentity(contents.identity);
  const int dim = static_cast<int>(contents.identity.dim());
  for (std::size_t s = 0; s < kSpaceCount; ++s) {
    readProtoFrame(in, contents.catalogs[s], "catalog");
    if (contents.catalogs[s].space() != static_cast<int>(s)) {
      throw IndexError("snapshot '" + path + "' is corrupt: catalogs out of order");
    }
    const uint64_t length = readFrameLength(in, "graph");
    in.resetCrc();
    contents.graphs[s] = HnswGraph::read(in, length, dim, spareCapacity);
    checkFrameCrc(in, "graph");
  }
  if (in.remaining() != 0) throw IndexError("snapshot '" + path + "' is corrupt: trailing bytes");
  return contents;
}

}  // namespace mcr::index::detail
