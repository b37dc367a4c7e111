// RFC 3629 section 4 as code: the lead byte gives the length and the smallest code point
// that length may encode; continuation bytes are 10xxxxxx.
#include "mcr/report/Utf8.h"

#include <cstdint>

namespace mcr::report {

namespace {

struct Lead {
  std::size_t length;
  std::uint32_t minimum;  // below it the form is overlong
  std::uint32_t bits;     // the code point bits the lead byte carries
};

Lead decodeLead(unsigned char lead) {
  if ((lead & 0xe0) == 0xc0) return {2, 0x80, lead & 0x1fu};
  if ((lead & 0xf0) == 0xe0) return {3, 0x800, lead & 0x0fu};
  if ((lead & 0xf8) == 0xf0) return {4, 0x10000, lead & 0x07u};
  return {0, 0, 0};  // a continuation byte or 0xf8..0xff
}

bool isSurrogate(std::uint32_t codePoint) { return codePoint >= 0xd800 && codePoint <= 0xdfff; }

}  // namespace

std::size_t utf8CharLength(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (byte(pos) < 0x80) return 1;
  const Lead lead = decodeLead(byte(pos));
  if (lead.length == 0 || lead.length > text.size() - pos) return 0;
  std::uint32_t codePoint = lead.bits;
  for (std::size_t i = 1; i < lead.length; ++i) {
    if ((byte(pos + i) & 0xc0) != 0x80) return 0;
    codePoint = (codePoint << 6) | (byte(pos + i) & 0x3fu);
  }
  if (codePoint < lead.minimum || codePoint > 0x10ffff || isSurrogate(codePoint)) return 0;
  return lead.length;
}

bool isValidUtf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = utf8CharLength(text, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

}  // namespace mcr::report
