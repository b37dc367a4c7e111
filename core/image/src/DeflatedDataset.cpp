#include "DeflatedDataset.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <zlib.h>

#include "mcr/image/DicomImageDecoder.h"

namespace mcr::image::detail {
namespace {

std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint32_t le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
}

// VRs with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 7.1.2).
bool hasLongLength(const std::uint8_t* vr) {
  static const char* const kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"};
  return std::any_of(std::begin(kLong), std::end(kLong), [vr](const char* v) { return vr[0] == v[0] && vr[1] == v[1]; });
}

}  // namespace

MetaHeader scanMetaHeader(const std::uint8_t* data, std::size_t size) {
  MetaHeader meta;
  std::size_t at = (size >= 132 && std::memcmp(data + 128, "DICM", 4) == 0) ? 132 : 0;
  // The meta group is always explicit VR little endian.
  while (at + 8 <= size && le16(data + at) == 0x0002) {
    const std::uint16_t element = le16(data + at + 2);
    const std::uint8_t* vr = data + at + 4;
    std::size_t length, header;
    if (hasLongLength(vr)) {
      if (at + 12 > size) return {};
      length = le32(data + at + 8);
      header = 12;
    } else {
      length = le16(data + at + 6);
      header = 8;
    }
    if (length == 0xFFFFFFFFu || length > size - at - header) return {};
    if (element == 0x0010) {
      meta.transferSyntaxUid.assign(reinterpret_cast<const char*>(data + at + header), length);
      while (!meta.transferSyntaxUid.empty() &&
             (meta.transferSyntaxUid.back() == '\0' || meta.transferSyntaxUid.back() == ' ')) {
        meta.transferSyntaxUid.pop_back();
      }
    }
    at += header + length;
    meta.found = true;
  }
  meta.datasetOffset = at;
  return meta;
}

std::vector<std::uint8_t> inflateDataset(const std::uint8_t* data, std::size_t size) {
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw DecodeError(DecodeErrorCode::Corrupt, "zlib cannot start inflating");
  std::vector<std::uint8_t> out;
  std::size_t consumed = 0;
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    if (z.avail_in == 0 && consumed < size) {
      const std::size_t chunk = std::min<std::size_t>(size - consumed, 1u << 30);
      z.next_in = const_cast<Bytef*>(data + consumed);
      z.avail_in = static_cast<uInt>(chunk);
      consumed += chunk;
    }
    if (out.size() >= kMaxInflatedBytes) {
      inflateEnd(&z);
      throw DecodeError(DecodeErrorCode::Corrupt, "deflated data set inflates to more than 1 GiB");
    }
    const std::size_t before = out.size();
    out.resize(std::min(kMaxInflatedBytes, std::max<std::size_t>(before * 2, 1u << 16)));
    z.next_out = out.data() + before;
    z.avail_out = static_cast<uInt>(out.size() - before);
    status = inflate(&z, Z_NO_FLUSH);
    out.resize(out.size() - z.avail_out);
    if (status == Z_BUF_ERROR && z.avail_in == 0 && consumed == size) break;  // input ended early
    if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
      inflateEnd(&z);
      throw DecodeError(DecodeErrorCode::Corrupt, std::string("damaged deflate stream: ") + (z.msg ? z.msg : "zlib error"));
    }
  }
  inflateEnd(&z);
  return out;
}

}  // namespace mcr::image::detail
