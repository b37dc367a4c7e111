#include "FileIo.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "mcr/index/VectorIndex.h"

namespace mcr::index::detail {
namespace {

constexpr std::size_t kBufferSize = 1 << 20;

[[noreturn]] void throwErrno(const std::string& action, const std::string& path) {
  throw IndexError(action + " '" + path + "': " + std::strerror(errno));
}

}  // namespace

uint32_t crc32Of(const void* data, std::size_t size, uint32_t crc) {
  auto* bytes = static_cast<const Bytef*>(data);
  while (size > 0) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
    crc = static_cast<uint32_t>(::crc32(crc, bytes, chunk));
    bytes += chunk;
    size -= chunk;
  }
  return crc;
}

FileWriter::FileWriter(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throwErrno("cannot create", path);
  buffer_.reserve(kBufferSize);
}

FileWriter::~FileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void FileWriter::write(const void* data, std::size_t size) {
  crc_ = crc32Of(data, size, crc_);
  written_ += size;
  auto* bytes = static_cast<const char*>(data);
  if (buffer_.size() + size > kBufferSize) flush();
  if (size >= kBufferSize) {
    while (size > 0) {
      const ssize_t n = ::write(fd_, bytes, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        throwErrno("cannot write", path_);
      }
      bytes += n;
      size -= static_cast<std::size_t>(n);
    }
    return;
  }
  buffer_.insert(buffer_.end(), bytes, bytes + size);
}

void FileWriter::flush() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throwErrno("cannot write", path_);
    }
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void FileWriter::syncAndClose() {
  flush();
  if (::fsync(fd_) != 0) throwErrno("cannot fsync", path_);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throwErrno("cannot close", path_);
}

FileReader::FileReader(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throwErrno("cannot open", path);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throwErrno("cannot stat", path);
  size_ = static_cast<uint64_t>(st.st_size);
  buffer_.resize(kBufferSize);
}

FileReader::~FileReader() {
  if (fd_ >= 0) ::close(fd_);
}

void FileReader::fill() {
  bufferBegin_ = 0;
  bufferEnd_ = 0;
  for (;;) {
    const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throwErrno("cannot read", path_);
    }
    bufferEnd_ = static_cast<std::size_t>(n);
    return;
  }
}

void FileReader::read(void* data, std::size_t size, const char* what) {
  if (size > remaining()) {
    throw IndexError(std::string("'") + path_ + "' is truncated: " + what + " needs " +
                     std::to_string(size) + " bytes at offset " + std::to_string(position_) +
                     ", only " + std::to_string(remaining()) + " remain");
  }
  auto* out = static_cast<char*>(data);
  std::size_t left = size;
  while (left > 0) {
    if (bufferBegin_ == bufferEnd_) {
      fill();
      if (bufferEnd_ == 0) throw IndexError("'" + path_ + "' shrank while being read");
    }
    const std::size_t n = std::min(left, bufferEnd_ - bufferBegin_);
    std::memcpy(out, buffer_.data() + bufferBegin_, n);
    bufferBegin_ += n;
    out += n;
    left -= n;
  }
  crc_ = crc32Of(data, size, crc_);
  position_ += size;
}

bool fileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

void makeDirectories(const std::string& path) {
  std::string prefix;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    prefix = path.substr(0, slash);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      throwErrno("cannot create directory", prefix);
    }
    start = slash + 1;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw IndexError("'" + path + "' is not a directory");
  }
}

void fsyncDirectory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throwErrno("cannot open directory", directory);
  const int rc = ::fsync(fd);
  const int savedErrno = errno;
  ::close(fd);
  errno = savedErrno;
  if (rc != 0) throwErrno("cannot fsync directory", directory);
}

void durableRename(const std::string& from, const std::string& to, const std::string& directory) {
  if (::rename(from.c_str(), to.c_str()) != 0) throwErrno("cannot rename to " + to + ":", from);
  fsyncDirectory(directory);
}

void removeFileIfExists(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) throwErrno("cannot remove", path);
}

std::vector<std::string> listDirectory(const std::string& directory) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(directory.c_str());
  if (!dir) throwErrno("cannot list", directory);
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

DirectoryLock::DirectoryLock(const std::string& directory) {
  const std::string path = directory + "/LOCK";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throwErrno("cannot open lock file", path);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int savedErrno = errno;
    ::close(fd_);
    fd_ = -1;
    if (savedErrno == EWOULDBLOCK) {
      throw IndexError("index '" + directory + "' is open in another process (" + path + " is locked)");
    }
    errno = savedErrno;
    throwErrno("cannot lock", path);
  }
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace mcr::index::detail
