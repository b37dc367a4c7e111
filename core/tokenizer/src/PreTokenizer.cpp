#include "PreTokenizer.h"

#include "mcr/tokenizer/Tokenizer.h"

namespace mcr::tokenizer::detail {

namespace {
// Bytes that separate words; U+00A0 (no-break space, C2 A0) is checked separately.
bool isSeparator(unsigned char c) { return c <= 0x20 || c == 0x7f; }
bool isNoBreakSpace(std::string_view text, std::size_t pos) {
  return pos + 1 < text.size() && static_cast<unsigned char>(text[pos]) == 0xc2 &&
         static_cast<unsigned char>(text[pos + 1]) == 0xa0;
}
}  // namespace

bool PreTokenizer::next(std::string& word) {
  word.clear();
  while (pos_ < text_.size()) {
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (isSeparator(c)) {
      ++pos_;
      if (!word.empty()) return true;
    } else if (isNoBreakSpace(text_, pos_)) {
      pos_ += 2;
      if (!word.empty()) return true;
    } else if (isAsciiPunctuation(c)) {
      if (!word.empty()) return true;  // the punctuation starts the next word
      word.push_back(static_cast<char>(c));
      ++pos_;
      return true;
    } else if (c < 0x80) {
      word.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
      ++pos_;
    } else {
      const std::size_t length = utf8CharLength(text_, pos_);
      const std::size_t take = length == 0 ? 1 : length;  // an invalid byte is a character of its own
      word.append(text_.substr(pos_, take));
      pos_ += take;
    }
  }
  return !word.empty();
}

}  // namespace mcr::tokenizer::detail

namespace mcr::tokenizer {

std::vector<std::string> preTokenize(std::string_view text) {
  std::vector<std::string> words;
  detail::PreTokenizer splitter(text);
  std::string word;
  while (splitter.next(word)) words.push_back(word);
  return words;
}

}  // namespace mcr::tokenizer
