#pragma once
// The WordPiece encoder/decoder behind the Tokenizer interface.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "mcr/tokenizer/Tokenizer.h"

namespace mcr::tokenizer::detail {

constexpr const char* kContinuationPrefix = "##";
// Longer words become a single [UNK] (as in BERT): keeps encoding linear-time on hostile input.
constexpr std::size_t kMaxCharsPerWord = 100;

class WordPieceTokenizer final : public Tokenizer {
 public:
  // `vocabulary[id]` is the token of that id; ids 0..4 must be the special tokens, every
  // token non-empty, well-formed UTF-8 without separators, and unique. Throws
  // std::runtime_error naming the first problem.
  explicit WordPieceTokenizer(std::vector<std::string> vocabulary);

  std::vector<int64_t> encode(std::string_view text, std::size_t maxLength) const override;
  std::string decode(const std::vector<int64_t>& ids) const override;
  std::size_t vocabSize() const override { return vocabulary_.size(); }
  std::string serialize() const override;

  const std::vector<std::string>& vocabulary() const { return vocabulary_; }

 private:
  // Appends the pieces of one pre-tokenised word to `ids`.
  void encodeWord(const std::string& word, std::vector<int64_t>& ids) const;

  std::vector<std::string> vocabulary_;
  // Word-initial pieces and "##" continuation pieces (keyed without the prefix).
  std::unordered_map<std::string, int64_t> initialIds_;
  std::unordered_map<std::string, int64_t> continuationIds_;
  std::size_t longestInitial_ = 0;       // in bytes
  std::size_t longestContinuation_ = 0;  // in bytes, without the prefix
};

}  // namespace mcr::tokenizer::detail
