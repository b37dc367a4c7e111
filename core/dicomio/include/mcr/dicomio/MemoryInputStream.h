#pragma once
// Shared by mcr_image and mcr_report: both parse untrusted DICOM bytes from memory.
// A DCMTK input stream over a caller's buffer that, unlike DcmInputBufferStream, can hand
// out stream factories. With a factory DCMTK treats the buffer like a file: elements
// longer than maxReadLength are skipped with a bounds check and loaded on first access.
// Without one (DcmInputBufferStream), DCMTK allocates whatever length an element
// declares - up to 4 GiB for a damaged or hostile header - before noticing that the
// bytes are not there.
#include <cstddef>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcistrma.h>
#include <dcmtk/dcmdata/dcistrmb.h>

namespace mcr::dicomio {

class MemoryInputStream : public DcmInputStream {
 public:
  // `data` must outlive this stream, every factory it creates and every DCMTK object
  // that may still load deferred values from them.
  MemoryInputStream(const void* data, std::size_t size, std::size_t offset = 0);

  // nullptr while a filter (inflate, for deflated transfer syntaxes) is installed: then
  // positions in the stream are no longer positions in the buffer.
  DcmInputStreamFactory* newFactory() const override;

 private:
  DcmBufferProducer producer_;
  const unsigned char* data_;
  std::size_t size_;
  std::size_t offset_;
};

class MemoryInputStreamFactory : public DcmInputStreamFactory {
 public:
  MemoryInputStreamFactory(const void* data, std::size_t size, std::size_t offset)
      : data_(data), size_(size), offset_(offset) {}
  DcmInputStream* create() const override { return new MemoryInputStream(data_, size_, offset_); }
  DcmInputStreamFactory* clone() const override { return new MemoryInputStreamFactory(*this); }
  // DCMTK only distinguishes temporary files (deleted after use) from ordinary ones.
  DcmInputStreamFactoryType ident() const override { return DFT_DcmInputFileStreamFactory; }

 private:
  const void* data_;
  std::size_t size_;
  std::size_t offset_;
};

}  // namespace mcr::dicomio
