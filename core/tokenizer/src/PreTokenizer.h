#pragma once
// Streaming pre-tokeniser shared by training and encoding (see docs/tokenizer.md).
#include <cstddef>
#include <string>
#include <string_view>

#include "mcr/report/Utf8.h"

namespace mcr::tokenizer::detail {

// Character boundaries come from the project's one UTF-8 definition (RFC 3629, strict).
using report::utf8CharLength;

// An ASCII punctuation character: always a word of its own.
inline bool isAsciiPunctuation(unsigned char c) {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
         (c >= 0x7b && c <= 0x7e);
}

// Splits text into words: ASCII lowercased; whitespace, ASCII control characters and
// U+00A0 separate words; each ASCII punctuation character is a word; everything else
// (letters, digits, other UTF-8 characters, invalid bytes) stays inside words.
class PreTokenizer {
 public:
  explicit PreTokenizer(std::string_view text) : text_(text) {}
  // Writes the next word into `word` (reusing its storage); false at the end.
  bool next(std::string& word);

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace mcr::tokenizer::detail
