#pragma once
// A DCMTK input stream over a caller's memory buffer that, unlike DcmInputBufferStream,
// supports DCMTK's deferred value loading (newFactory). With it, an element longer than
// the read limit is skipped, not copied, and a length beyond the end of the buffer is
// found without first allocating it: a corrupt 4-byte length in a small buffer would
// otherwise make DCMTK allocate up to 4 GiB before noticing the data is not there.
// The buffer must outlive every DcmFileFormat read from it.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcistrma.h>

#include <cstddef>

namespace mcr::report::detail {

class MemoryProducer : public DcmProducer {
 public:
  MemoryProducer(const unsigned char* data, std::size_t size, std::size_t offset)
      : data_(data), size_(size), position_(offset <= size ? offset : size) {}
  OFBool good() const override { return OFTrue; }
  OFCondition status() const override { return EC_Normal; }
  OFBool eos() override { return position_ >= size_; }
  offile_off_t avail() override { return static_cast<offile_off_t>(size_ - position_); }
  offile_off_t read(void* buffer, offile_off_t length) override;
  offile_off_t skip(offile_off_t length) override;
  void putback(offile_off_t count) override;

 private:
  const unsigned char* data_;
  std::size_t size_;
  std::size_t position_;
};

class MemoryInputStream : public DcmInputStream {
 public:
  MemoryInputStream(const void* data, std::size_t size, std::size_t offset = 0);
  DcmInputStreamFactory* newFactory() const override;

 private:
  MemoryProducer producer_;
  const unsigned char* data_;
  std::size_t size_;
  std::size_t offset_;
};

class MemoryInputStreamFactory : public DcmInputStreamFactory {
 public:
  MemoryInputStreamFactory(const unsigned char* data, std::size_t size, std::size_t offset)
      : data_(data), size_(size), offset_(offset) {}
  DcmInputStream* create() const override { return new MemoryInputStream(data_, size_, offset_); }
  DcmInputStreamFactory* clone() const override { return new MemoryInputStreamFactory(*this); }
  // DCMTK knows only file-backed factories; this one behaves like one (random access,
  // stable content), as VXL's stream factory over its own streams also declares.
  DcmInputStreamFactoryType ident() const override { return DFT_DcmInputFileStreamFactory; }

 private:
  const unsigned char* data_;
  std::size_t size_;
  std::size_t offset_;
};

}  // namespace mcr::report::detail
