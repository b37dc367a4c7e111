#pragma once
// The append-only log of adds and removes since the last snapshot.
//
//   "MCRLOG01" | frame(IndexIdentity) | frame(LogRecord) | frame(LogRecord) | ...
//   frame = u32 length (little endian) | u32 CRC32 of the payload | payload (Protobuf)
//
// Each append is one write(2) followed by fdatasync(2): when append() returns the record is
// on stable storage. At most one record can be in flight, so damage from a crash is
// limited to the last record ("torn tail"), which the scan drops with a warning. A bad
// record followed by anything but zeros is corruption, not a torn tail, and is an error.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "mcr_index.pb.h"

namespace mcr::index::detail {

struct LogScan {
  pb::IndexIdentity identity;
  uint64_t validBytes = 0;      // length of the intact prefix
  uint64_t records = 0;         // intact records after the identity
  std::optional<std::string> tornTail;  // what was dropped, if anything
};

// Reads a log, hands its identity to `onIdentity` (which may throw), then each intact record
// to `apply` in order. Throws IndexError when the log is corrupt other than at its tail.
LogScan scanLog(const std::string& path, const std::function<void(const pb::IndexIdentity&)>& onIdentity,
                const std::function<void(const pb::LogRecord&)>& apply);

class LogWriter {
 public:
  // Writes a new log (to a temporary name, fsynced, renamed) holding only `identity`.
  static void create(const std::string& path, const std::string& directory,
                     const pb::IndexIdentity& identity);
  // Opens an existing log for appending, cutting it to `validBytes` (dropping a torn tail).
  LogWriter(const std::string& path, uint64_t validBytes, uint64_t records);
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  void append(const pb::LogRecord& record);
  uint64_t records() const { return records_; }
  uint64_t bytes() const { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t records_ = 0;
  uint64_t bytes_ = 0;
};

std::string logFileName(uint64_t generation);

}  // namespace mcr::index::detail
