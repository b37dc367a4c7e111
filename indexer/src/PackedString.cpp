#include "PackedString.h"

#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <stdexcept>

namespace mcr::index::detail {
namespace {

constexpr std::size_t kOrthancIdLength = 44;
constexpr std::size_t kOrthancIdBytes = 20;
constexpr unsigned char kDecimalEnd = 0xf;  // pads an odd number of digits
constexpr unsigned char kDot = 10;

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // uppercase hex is not what Orthanc writes: such text stays raw
}

bool isDashPosition(std::size_t i) { return i % 9 == 8; }

bool isOrthancId(std::string_view text) {
  if (text.size() != kOrthancIdLength) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (isDashPosition(i) ? text[i] != '-' : hexValue(text[i]) < 0) return false;
  }
  return true;
}

bool isDecimal(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

PackedString::PackedString(std::string_view text) {
  if (isOrthancId(text)) {
    unsigned char raw[kOrthancIdBytes];
    std::size_t out = 0;
    for (std::size_t i = 0; i < text.size(); i += 2) {
      if (isDashPosition(i)) ++i;  // groups of 8 hex digits: a dash never splits a byte
      raw[out++] = static_cast<unsigned char>(hexValue(text[i]) << 4 | hexValue(text[i + 1]));
    }
    store(kOrthancId, raw, out);
  } else if (isDecimal(text)) {
    std::string nibbles((text.size() + 1) / 2, '\0');
    for (std::size_t i = 0; i < text.size(); ++i) {
      const unsigned char digit = text[i] == '.' ? kDot : static_cast<unsigned char>(text[i] - '0');
      nibbles[i / 2] = static_cast<char>(nibbles[i / 2] | (i % 2 ? digit : digit << 4));
    }
    if (text.size() % 2) nibbles.back() = static_cast<char>(nibbles.back() | kDecimalEnd);
    store(kDecimal, reinterpret_cast<const unsigned char*>(nibbles.data()), nibbles.size());
  } else {
    store(kRaw, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
}

void PackedString::store(Kind kind, const unsigned char* data, std::size_t size) {
  if (size <= kInline) {
    std::memcpy(bytes_, data, size);
    bytes_[kInline] = static_cast<unsigned char>(kind << 6 | size);
    return;
  }
  if (size > UINT32_MAX) throw std::length_error("string too long for the catalog");
  void* heap = std::malloc(size);
  if (!heap) throw std::bad_alloc();
  std::memcpy(heap, data, size);
  const auto length = static_cast<uint32_t>(size);
  std::memcpy(bytes_, &heap, sizeof heap);
  std::memcpy(bytes_ + 8, &length, sizeof length);
  bytes_[kInline] = static_cast<unsigned char>(kind << 6 | kHeapFlag);
}

void PackedString::release() {
  if (onHeap()) {
    void* heap;
    std::memcpy(&heap, bytes_, sizeof heap);
    std::free(heap);
  }
  std::memset(bytes_, 0, sizeof bytes_);
}

PackedString::PackedString(PackedString&& other) noexcept {
  std::memcpy(bytes_, other.bytes_, sizeof bytes_);
  std::memset(other.bytes_, 0, sizeof other.bytes_);
}

PackedString& PackedString::operator=(PackedString&& other) noexcept {
  if (this != &other) {
    release();
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    std::memset(other.bytes_, 0, sizeof other.bytes_);
  }
  return *this;
}

std::string_view PackedString::encoded() const {
  if (!onHeap()) return {reinterpret_cast<const char*>(bytes_), static_cast<std::size_t>(tag() & kLengthMask)};
  const char* heap;
  uint32_t length;
  std::memcpy(&heap, bytes_, sizeof heap);
  std::memcpy(&length, bytes_ + 8, sizeof length);
  return {heap, length};
}

std::size_t PackedString::heapBytes() const { return onHeap() ? encoded().size() : 0; }

uint64_t PackedString::hash() const {
  return std::hash<std::string_view>{}(encoded()) ^ (uint64_t{kind()} * 0x9e3779b97f4a7c15ull);
}

std::string PackedString::str() const {
  const std::string_view data = encoded();
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  std::string text;
  switch (kind()) {
    case kRaw:
      text.assign(data);
      break;
    case kOrthancId: {
      static const char kHex[] = "0123456789abcdef";
      text.reserve(kOrthancIdLength);
      for (std::size_t i = 0; i < data.size(); ++i) {
        if (i > 0 && i % 4 == 0) text += '-';
        text += kHex[bytes[i] >> 4];
        text += kHex[bytes[i] & 0xf];
      }
      break;
    }
    case kDecimal:
      text.reserve(data.size() * 2);
      for (std::size_t i = 0; i < data.size() * 2; ++i) {
        const unsigned char digit = i % 2 ? bytes[i / 2] & 0xf : bytes[i / 2] >> 4;
        if (digit == kDecimalEnd) break;
        text += digit == kDot ? '.' : static_cast<char>('0' + digit);
      }
      break;
  }
  return text;
}

}  // namespace mcr::index::detail
