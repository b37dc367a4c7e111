// libFuzzer target: opening an index from arbitrary snapshot and log bytes must give an
// IndexError or a working index, never a crash, hang or absurd allocation.
//
// Input: byte 0 selects how the rest becomes files. Bit 0: the snapshot's frames get valid
// checksums (so the fuzzer reaches the structural checks behind them); bit 1: the same for
// the log. Byte 1 is the log's generation (its file name). The rest is split into chunks
// (u16 length prefix); the first chunks are the snapshot's frames, those after an empty
// chunk the log's records. make_fuzz_seeds.py turns real index directories into seeds.
#include <dirent.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <zlib.h>

#include <sys/stat.h>

#include "IndexTestSupport.h"

namespace {

std::vector<std::string> chunks(const uint8_t* data, std::size_t size, std::size_t& pos) {
  std::vector<std::string> out;
  while (pos + 2 <= size) {
    const std::size_t length = data[pos] | (data[pos + 1] << 8);
    pos += 2;
    if (length == 0) break;
    const std::size_t n = std::min(length, size - pos);
    out.emplace_back(reinterpret_cast<const char*>(data + pos), n);
    pos += n;
  }
  return out;
}

uint32_t crc(const std::string& s) {
  return static_cast<uint32_t>(::crc32(0, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0];
  const std::string logName = "/log-" + std::to_string(data[1]) + ".mcrl";
  std::size_t pos = 2;
  const auto snapshotFrames = chunks(data, size, pos);
  const auto logRecords = chunks(data, size, pos);

  // tmpfs when there is one: the index fsyncs, and a disk's fsync would cap the fuzzer at a
  // few runs per second.
  static const bool useShm = ::access("/dev/shm", W_OK) == 0 && ::setenv("TMPDIR", "/dev/shm", 1) == 0;
  (void)useShm;
  static mcr::index::testing::ScratchDir scratch;
  const std::string dir = scratch.path() + "/idx";
  ::mkdir(dir.c_str(), 0755);

  if (!snapshotFrames.empty()) {
    std::string snapshot = "MCRSNAP1";
    for (const std::string& frame : snapshotFrames) {
      if (mode & 1) {
        put<uint64_t>(snapshot, frame.size());
        snapshot += frame;
        put<uint32_t>(snapshot, crc(frame));
      } else {
        snapshot += frame;
      }
    }
    mcr::index::testing::writeFile(dir + "/snapshot.mcrx", snapshot);
  }
  std::string log = "MCRLOG01";
  for (const std::string& record : logRecords) {
    if (mode & 2) {
      put<uint32_t>(log, static_cast<uint32_t>(record.size()));
      put<uint32_t>(log, crc(record));
    }
    log += record;
  }
  if (!logRecords.empty()) mcr::index::testing::writeFile(dir + logName, log);

  mcr::index::Options options;  // dim 0, no fingerprint: take what the files say
  options.initialCapacity = 4;
  options.warn = [](const std::string&) {};
  try {
    auto index = mcr::index::VectorIndex::open(dir, options);
    index->verify();
    const auto stats = index->stats();
    if (stats.dim > 0 && stats.dim <= 4096) {
      std::vector<float> query(static_cast<std::size_t>(stats.dim), 0.f);
      query[0] = 1.f;
      mcr::index::Filter filter;
      filter.modality = "CR";
      for (auto space : {mcr::index::Space::Images, mcr::index::Space::Reports, mcr::index::Space::Studies}) {
        index->search(space, query.data(), 5);
        index->search(space, query.data(), 5, filter);
      }
      index->remove("p0");
    }
  } catch (const mcr::index::IndexError& e) {
    if (std::getenv("MCR_INDEX_FUZZ_VERBOSE")) std::fprintf(stderr, "IndexError: %s\n", e.what());
  }
  // Leave nothing behind that could change the next input's meaning.
  if (DIR* listing = ::opendir(dir.c_str())) {
    while (const dirent* entry = ::readdir(listing)) {
      if (entry->d_name[0] != '.') ::unlink((dir + "/" + entry->d_name).c_str());
    }
    ::closedir(listing);
  }
  return 0;
}
