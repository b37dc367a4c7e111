// The tokenizer's text format (docs/tokenizer.md):
//   mcr-wordpiece-tokenizer
//   version 1
//   lowercase ascii
//   max-chars-per-word 100
//   vocab-size N
//   <N lines: the token of id 0, 1, ...>
//   end
// Every line ends with '\n'. Anything else is rejected with a message naming the line.
#include <stdexcept>
#include <string>
#include <vector>

#include "WordPieceTokenizer.h"

namespace mcr::tokenizer {

namespace {

constexpr const char* kMagic = "mcr-wordpiece-tokenizer";
constexpr int kFormatVersion = 1;
// Cap on the vocabulary size a file may declare, so a corrupt count cannot make us reserve
// gigabytes before noticing the file is short.
constexpr std::size_t kMaxVocabSize = 10'000'000;

class LineReader {
 public:
  explicit LineReader(const std::string& text) : text_(text) {}
  std::string next(const char* what) {
    if (pos_ >= text_.size())
      throw std::runtime_error("tokenizer file ends early: expected " + std::string(what) + " on line " +
                               std::to_string(line_ + 1));
    const std::size_t end = text_.find('\n', pos_);
    if (end == std::string::npos)
      throw std::runtime_error("tokenizer file: line " + std::to_string(line_ + 1) + " (" + what +
                               ") has no terminating newline");
    std::string line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    ++line_;
    return line;
  }
  std::size_t lineNumber() const { return line_; }
  bool atEnd() const { return pos_ == text_.size(); }

 private:
  const std::string& text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 0;
};

// "key value" with the expected key; returns value.
std::string expectField(LineReader& reader, const std::string& key) {
  const std::string line = reader.next(key.c_str());
  if (line.rfind(key + " ", 0) != 0)
    throw std::runtime_error("tokenizer file line " + std::to_string(reader.lineNumber()) + ": expected '" + key +
                             " ...', found '" + line.substr(0, 80) + "'");
  return line.substr(key.size() + 1);
}

std::size_t parseCount(const std::string& value, const std::string& key, std::size_t lineNumber) {
  if (value.empty() || value.size() > 12 || value.find_first_not_of("0123456789") != std::string::npos)
    throw std::runtime_error("tokenizer file line " + std::to_string(lineNumber) + ": " + key +
                             " must be a decimal number, found '" + value.substr(0, 40) + "'");
  return std::stoull(value);
}

}  // namespace

std::string detail::WordPieceTokenizer::serialize() const {
  std::string out;
  out += std::string(kMagic) + "\n";
  out += "version " + std::to_string(kFormatVersion) + "\n";
  out += "lowercase ascii\n";
  out += "max-chars-per-word " + std::to_string(kMaxCharsPerWord) + "\n";
  out += "vocab-size " + std::to_string(vocabulary_.size()) + "\n";
  for (const std::string& token : vocabulary_) out += token + "\n";
  out += "end\n";
  return out;
}

std::unique_ptr<Tokenizer> deserializeTokenizer(const std::string& serialized) {
  LineReader reader(serialized);
  const std::string magic = reader.next("the format name");
  if (magic != kMagic)
    throw std::runtime_error("not a tokenizer file: first line must be '" + std::string(kMagic) + "', found '" +
                             magic.substr(0, 80) + "'");
  const std::string version = expectField(reader, "version");
  if (version != std::to_string(kFormatVersion))
    throw std::runtime_error("tokenizer file version '" + version.substr(0, 40) + "' is not supported (this build reads version " +
                             std::to_string(kFormatVersion) + ")");
  const std::string lowercase = expectField(reader, "lowercase");
  if (lowercase != "ascii")
    throw std::runtime_error("tokenizer file: lowercase mode '" + lowercase.substr(0, 40) + "' is not supported (only 'ascii')");
  const std::string maxChars = expectField(reader, "max-chars-per-word");
  if (parseCount(maxChars, "max-chars-per-word", reader.lineNumber()) != detail::kMaxCharsPerWord)
    throw std::runtime_error("tokenizer file: max-chars-per-word " + maxChars + " is not supported (only " +
                             std::to_string(detail::kMaxCharsPerWord) + ")");
  const std::size_t vocabSize = parseCount(expectField(reader, "vocab-size"), "vocab-size", reader.lineNumber());
  if (vocabSize > kMaxVocabSize)
    throw std::runtime_error("tokenizer file: vocab-size " + std::to_string(vocabSize) + " exceeds the limit of " +
                             std::to_string(kMaxVocabSize));
  std::vector<std::string> vocabulary;
  for (std::size_t id = 0; id < vocabSize; ++id) {
    if (reader.atEnd())
      throw std::runtime_error("tokenizer file ends after " + std::to_string(id) + " of " + std::to_string(vocabSize) +
                               " vocabulary tokens");
    vocabulary.push_back(reader.next("a vocabulary token"));
  }
  const std::string end = reader.next("'end'");
  if (end != "end")
    throw std::runtime_error("tokenizer file line " + std::to_string(reader.lineNumber()) +
                             ": expected 'end' after " + std::to_string(vocabSize) + " tokens, found '" +
                             end.substr(0, 80) + "' (vocab-size does not match the token lines?)");
  if (!reader.atEnd())
    throw std::runtime_error("tokenizer file has data after its 'end' line " + std::to_string(reader.lineNumber()));
  return std::make_unique<detail::WordPieceTokenizer>(std::move(vocabulary));
}

}  // namespace mcr::tokenizer
