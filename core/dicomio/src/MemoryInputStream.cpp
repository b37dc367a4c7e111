#include "mcr/dicomio/MemoryInputStream.h"

namespace mcr::dicomio {

// The base class only stores the producer's address here (as DcmInputBufferStream does).
MemoryInputStream::MemoryInputStream(const void* data, std::size_t size, std::size_t offset)
    : DcmInputStream(&producer_), producer_(), data_(static_cast<const unsigned char*>(data)), size_(size),
      offset_(offset > size ? size : offset) {
  producer_.setBuffer(data_ + offset_, static_cast<offile_off_t>(size_ - offset_));
  producer_.setEos();  // the whole object is in the buffer: running out means truncation
}

DcmInputStreamFactory* MemoryInputStream::newFactory() const {
  if (currentProducer() != &producer_) return nullptr;
  return new MemoryInputStreamFactory(data_, size_, offset_ + static_cast<std::size_t>(tell()));
}

}  // namespace mcr::dicomio
