#pragma once
// Deflated Explicit VR Little Endian, inflated up front. DCMTK inflates through a stream
// filter, and a filtered stream cannot hand out the factories that let DCMTK check an
// element's declared length against the bytes really there (MemoryInputStream.h): a
// damaged deflated header then makes DCMTK allocate up to 4 GiB. Inflating first gives
// DCMTK a plain explicit little endian buffer with those checks.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mcr::image::detail {

// The File Meta Information group (0002,xxxx), read without DCMTK: where the data set
// starts and the declared transfer syntax. found == false when there is no meta group
// (or it is not parseable); the caller then lets DCMTK sort the input out.
struct MetaHeader {
  bool found = false;
  std::size_t datasetOffset = 0;
  std::string transferSyntaxUid;
};
MetaHeader scanMetaHeader(const std::uint8_t* data, std::size_t size);

// Largest inflated data set accepted: a deflate bomb must not exhaust memory.
constexpr std::size_t kMaxInflatedBytes = std::size_t{1} << 30;

// Raw deflate (RFC 1951, as PS3.5 A.5 specifies) to bytes. A stream that ends early
// yields what was inflated so far (the DICOM parser then reports the truncation);
// corrupt deflate data or output over kMaxInflatedBytes throw DecodeError(Corrupt).
std::vector<std::uint8_t> inflateDataset(const std::uint8_t* data, std::size_t size);

}  // namespace mcr::image::detail
