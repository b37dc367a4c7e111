#include "LogFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "FileIo.h"
#include "mcr/index/VectorIndex.h"

namespace mcr::index::detail {
namespace {

constexpr char kMagic[8] = {'M', 'C', 'R', 'L', 'O', 'G', '0', '1'};
constexpr uint32_t kMaxRecordBytes = 1u << 30;

[[noreturn]] void throwErrno(const std::string& action, const std::string& path) {
  throw IndexError(action + " '" + path + "': " + std::strerror(errno));
}

std::string frame(const std::string& payload) {
  if (payload.size() > kMaxRecordBytes) throw IndexError("log record too large (split the batch)");
  std::string out(8, '\0');
  const uint32_t length = static_cast<uint32_t>(payload.size());
  const uint32_t crc = crc32Of(payload.data(), payload.size());
  std::memcpy(&out[0], &length, 4);
  std::memcpy(&out[4], &crc, 4);
  out += payload;
  return out;
}

void writeAll(int fd, const std::string& bytes, const std::string& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throwErrno("cannot append to log", path);
    }
    done += static_cast<std::size_t>(n);
  }
}

bool restIsZero(FileReader& in) {
  char buffer[4096];
  while (in.remaining() > 0) {
    const auto n = static_cast<std::size_t>(std::min<uint64_t>(sizeof buffer, in.remaining()));
    in.read(buffer, n, "log tail");
    for (std::size_t i = 0; i < n; ++i) {
      if (buffer[i] != 0) return false;
    }
  }
  return true;
}

}  // namespace

std::string logFileName(uint64_t generation) {
  return "log-" + std::to_string(generation) + ".mcrl";
}

LogScan scanLog(const std::string& path, const std::function<void(const pb::IndexIdentity&)>& onIdentity,
                const std::function<void(const pb::LogRecord&)>& apply) {
  FileReader in(path);
  char magic[8];
  in.read(magic, sizeof magic, "log magic");
  if (std::memcmp(magic, kMagic, sizeof magic) != 0) throw IndexError("'" + path + "' is not an index log");
  LogScan scan;
  std::string payload;
  bool first = true;
  for (;;) {
    const uint64_t offset = in.position();
    if (in.remaining() == 0) break;
    std::string problem;
    bool endsTheFile = false;  // the damage provably reaches the end of the file
    uint32_t length = 0;
    uint32_t crc = 0;
    if (in.remaining() < 8) {
      problem = "a partial record header";
      endsTheFile = true;
    } else {
      length = in.readPod<uint32_t>("log record length");
      crc = in.readPod<uint32_t>("log record checksum");
      if (length == 0 || length > kMaxRecordBytes) {
        // Zeros are what a crash leaves where a record had not reached the disk.
        problem = "an invalid record length " + std::to_string(length);
        endsTheFile = length == 0 && crc == 0 && restIsZero(in);
      } else if (length > in.remaining()) {
        problem = "a record of " + std::to_string(length) + " bytes cut at " + std::to_string(in.remaining());
        endsTheFile = true;
      } else {
        payload.resize(length);
        in.read(payload.data(), length, "log record");
        if (crc32Of(payload.data(), length) != crc) {
          problem = "a record with a wrong checksum";
          endsTheFile = restIsZero(in);
        }
      }
    }
    if (!problem.empty()) {
      const uint64_t dropped = in.size() - offset;
      // A crash can damage only the last record; anything else is corruption.
      if (first) throw IndexError("log '" + path + "' has a damaged identity record");
      if (!endsTheFile) {
        throw IndexError("log '" + path + "' is corrupt at offset " + std::to_string(offset) + " (" +
                         problem + " followed by more data): move the index away and rebuild it");
      }
      scan.tornTail = problem + " at offset " + std::to_string(offset) + " (" + std::to_string(dropped) +
                      " bytes dropped)";
      break;
    }
    if (first) {
      if (!scan.identity.ParseFromString(payload)) throw IndexError("log '" + path + "' has an unreadable identity");
      onIdentity(scan.identity);
      first = false;
    } else {
      pb::LogRecord record;
      if (!record.ParseFromString(payload)) {
        throw IndexError("log '" + path + "' has an unreadable record at offset " + std::to_string(offset));
      }
      apply(record);
      ++scan.records;
    }
    scan.validBytes = in.position();
  }
  if (first) throw IndexError("log '" + path + "' has no identity record");
  return scan;
}

void LogWriter::create(const std::string& path, const std::string& directory,
                       const pb::IndexIdentity& identity) {
  const std::string temporary = path + ".tmp";
  {
    FileWriter out(temporary);
    out.write(kMagic, sizeof kMagic);
    const std::string framed = frame(identity.SerializeAsString());
    out.write(framed.data(), framed.size());
    out.syncAndClose();
  }
  durableRename(temporary, path, directory);
}

LogWriter::LogWriter(const std::string& path, uint64_t validBytes, uint64_t records)
    : path_(path), records_(records), bytes_(validBytes) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) throwErrno("cannot open log", path);
  if (::ftruncate(fd_, static_cast<off_t>(validBytes)) != 0 || ::fdatasync(fd_) != 0) {
    const int saved = errno;
    ::close(fd_);
    fd_ = -1;
    errno = saved;
    throwErrno("cannot cut the torn tail of", path);
  }
  if (::lseek(fd_, static_cast<off_t>(validBytes), SEEK_SET) < 0) throwErrno("cannot seek in", path);
}

LogWriter::~LogWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void LogWriter::append(const pb::LogRecord& record) {
  if (fd_ < 0) throw IndexError("log '" + path_ + "' is closed after an earlier write failure");
  const std::string framed = frame(record.SerializeAsString());
  try {
    writeAll(fd_, framed, path_);
    if (::fdatasync(fd_) != 0) throwErrno("cannot flush log", path_);
  } catch (...) {
    // The file may now end in a partial record: cut it back so the log stays well formed.
    // If even that fails, refuse further writes (reopening the index recovers).
    if (::ftruncate(fd_, static_cast<off_t>(bytes_)) != 0 ||
        ::lseek(fd_, static_cast<off_t>(bytes_), SEEK_SET) < 0) {
      ::close(fd_);
      fd_ = -1;
    }
    throw;
  }
  bytes_ += framed.size();
  ++records_;
}

}  // namespace mcr::index::detail
