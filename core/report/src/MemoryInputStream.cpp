#include "MemoryInputStream.h"

#include <algorithm>
#include <cstring>

namespace mcr::report::detail {

offile_off_t MemoryProducer::read(void* buffer, offile_off_t length) {
  if (length <= 0) return 0;
  const std::size_t count = std::min(static_cast<std::size_t>(length), size_ - position_);
  if (count > 0) std::memcpy(buffer, data_ + position_, count);
  position_ += count;
  return static_cast<offile_off_t>(count);
}

offile_off_t MemoryProducer::skip(offile_off_t length) {
  if (length <= 0) return 0;
  const std::size_t count = std::min(static_cast<std::size_t>(length), size_ - position_);
  position_ += count;
  return static_cast<offile_off_t>(count);
}

void MemoryProducer::putback(offile_off_t count) {
  if (count <= 0) return;
  position_ -= std::min(static_cast<std::size_t>(count), position_);
}

MemoryInputStream::MemoryInputStream(const void* data, std::size_t size, std::size_t offset)
    // DCMTK's own file stream hands its producer member to the base the same way: the base
    // only stores the pointer.
    : DcmInputStream(&producer_),
      producer_(static_cast<const unsigned char*>(data), size, offset),
      data_(static_cast<const unsigned char*>(data)),
      size_(size),
      offset_(offset) {}

DcmInputStreamFactory* MemoryInputStream::newFactory() const {
  // With a decompression filter installed (deflated transfer syntax) positions in the
  // buffer no longer match stream positions: no deferred loading then, as for files.
  if (currentProducer() != &producer_) return nullptr;
  return new MemoryInputStreamFactory(data_, size_, offset_ + static_cast<std::size_t>(tell()));
}

}  // namespace mcr::report::detail
