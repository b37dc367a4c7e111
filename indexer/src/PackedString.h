#pragma once
// A string stored in 24 bytes, for the catalog (one per record: the key, the SOP Instance
// UID; one per distinct id in the StringPool). Most strings the catalog holds fit inline,
// with no heap allocation:
//   * an Orthanc id (44 characters: lowercase hex in five groups of 8 joined by '-', a
//     SHA-1) is stored as its 20 bytes;
//   * a decimal string (only '0'-'9' and '.', e.g. a DICOM UID or a date) as 4-bit digits,
//     up to 46 characters inline;
//   * anything else as its bytes, up to 23 inline.
// Longer strings go to the heap. The encoding is a function of the text, so two strings
// are equal exactly when their encodings are: equality and hashing never decode.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mcr::index::detail {

class PackedString {
 public:
  PackedString() = default;
  explicit PackedString(std::string_view text);
  ~PackedString() { release(); }
  PackedString(PackedString&& other) noexcept;
  PackedString& operator=(PackedString&& other) noexcept;
  PackedString(const PackedString&) = delete;
  PackedString& operator=(const PackedString&) = delete;

  std::string str() const;
  bool empty() const { return tag() == 0; }
  bool operator==(const PackedString& other) const {
    return tag() == other.tag() && encoded() == other.encoded();
  }
  bool operator!=(const PackedString& other) const { return !(*this == other); }
  uint64_t hash() const;
  std::size_t heapBytes() const;  // bytes allocated outside the 24 (0 when inline)

 private:
  enum Kind : unsigned char { kRaw = 0, kOrthancId = 1, kDecimal = 2 };
  static constexpr std::size_t kInline = 23;
  static constexpr unsigned char kHeapFlag = 0x20;
  static constexpr unsigned char kLengthMask = 0x1f;

  // Last byte: bits 0-4 inline encoded length, bit 5 heap, bits 6-7 kind. Heap: bytes 0-7
  // the pointer, bytes 8-11 the encoded length.
  unsigned char tag() const { return bytes_[kInline]; }
  Kind kind() const { return static_cast<Kind>(tag() >> 6); }
  bool onHeap() const { return (tag() & kHeapFlag) != 0; }
  std::string_view encoded() const;
  void store(Kind kind, const unsigned char* data, std::size_t size);
  void release();

  alignas(8) unsigned char bytes_[24] = {};
};
static_assert(sizeof(PackedString) == 24);

}  // namespace mcr::index::detail
