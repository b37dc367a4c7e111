#pragma once
// Small POSIX file helpers for the index: buffered CRC-tracking reader/writer, durable
// rename and directory fsync, and the directory lock. Every failure is an IndexError
// naming the file and the errno text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mcr::index::detail {

uint32_t crc32Of(const void* data, std::size_t size, uint32_t crc = 0);

// Writes through a buffer to a new file (truncated), tracking a running CRC32 of
// everything written since the last resetCrc().
class FileWriter {
 public:
  explicit FileWriter(const std::string& path);
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  void write(const void* data, std::size_t size);
  template <typename T>
  void writePod(const T& value) { write(&value, sizeof(T)); }
  void resetCrc() { crc_ = 0; }
  uint32_t crc() const { return crc_; }
  uint64_t written() const { return written_; }
  // Flushes the buffer and fsyncs the file, then closes it.
  void syncAndClose();

 private:
  void flush();
  std::string path_;
  int fd_ = -1;
  std::vector<char> buffer_;
  uint32_t crc_ = 0;
  uint64_t written_ = 0;
};

// Reads a whole existing file sequentially; never reads past its end (throws instead).
class FileReader {
 public:
  explicit FileReader(const std::string& path);
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  uint64_t size() const { return size_; }
  uint64_t position() const { return position_; }
  uint64_t remaining() const { return size_ - position_; }
  // Throws IndexError("<what>: truncated ...") when fewer than `size` bytes remain.
  void read(void* data, std::size_t size, const char* what);
  template <typename T>
  T readPod(const char* what) {
    T value;
    read(&value, sizeof(T), what);
    return value;
  }
  void resetCrc() { crc_ = 0; }
  uint32_t crc() const { return crc_; }
  const std::string& path() const { return path_; }

 private:
  void fill();
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t position_ = 0;
  std::vector<char> buffer_;
  std::size_t bufferBegin_ = 0;
  std::size_t bufferEnd_ = 0;
  uint32_t crc_ = 0;
};

bool fileExists(const std::string& path);
void makeDirectories(const std::string& path);
void fsyncDirectory(const std::string& directory);
// rename(2) then fsync of the directory: after it returns the new name survives a crash.
void durableRename(const std::string& from, const std::string& to, const std::string& directory);
void removeFileIfExists(const std::string& path);
std::vector<std::string> listDirectory(const std::string& directory);

// An exclusive flock(2) on <directory>/LOCK held for the lifetime of the object, so that two
// processes (the plugin and mcr-index compact, say) never write one index at once.
class DirectoryLock {
 public:
  explicit DirectoryLock(const std::string& directory);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace mcr::index::detail
