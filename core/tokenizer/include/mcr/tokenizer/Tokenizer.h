#pragma once
// The project's own subword tokenizer (WordPiece). Not SentencePiece: Debian's
// libsentencepiece embeds protobuf-lite 3.14 and aborts in a process with LibTorch's 3.21.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mcr::tokenizer {

// Special token ids are fixed, so a model can rely on them.
constexpr int64_t kPadId = 0;
constexpr int64_t kUnkId = 1;
constexpr int64_t kClsId = 2;
constexpr int64_t kSepId = 3;
constexpr int64_t kMaskId = 4;
constexpr std::size_t kNumSpecialTokens = 5;
// Their spellings in the vocabulary, indexed by id.
inline constexpr const char* kSpecialTokens[kNumSpecialTokens] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // [CLS] tokens... [SEP], truncated to maxLength ids in total; no padding. Truncation
  // drops word pieces from the end and keeps [SEP] last; maxLength < 2 throws
  // std::invalid_argument. Characters the vocabulary cannot spell become [UNK].
  virtual std::vector<int64_t> encode(std::string_view text, std::size_t maxLength) const = 0;
  // For debugging: pieces joined ("##" pieces glued to the previous one), [PAD], [CLS]
  // and [SEP] left out. An id outside the vocabulary throws std::out_of_range.
  virtual std::string decode(const std::vector<int64_t>& ids) const = 0;
  virtual std::size_t vocabSize() const = 0;
  virtual std::string serialize() const = 0;  // stored inside the model bundle
};

// The pre-tokenisation that training and encoding share (docs/tokenizer.md): ASCII
// lowercased, split on whitespace and control characters, every ASCII punctuation
// character its own word, digits kept inside words. decode() of in-vocabulary text gives
// these words joined by single spaces.
std::vector<std::string> preTokenize(std::string_view text);

// Learns a vocabulary from report texts; deterministic for a given corpus and size.
// vocabSize is a maximum (special tokens included): merging stops earlier when no pair
// of pieces occurs minPairFrequency times. Throws std::invalid_argument for vocabSize <= 5
// or a corpus without a single valid character. Algorithm: docs/tokenizer.md.
struct WordPieceTrainingOptions {
  // 2: a pair seen once would only memorise one word. 1: fill vocabSize if at all possible.
  int64_t minPairFrequency = 2;
};
std::unique_ptr<Tokenizer> trainWordPiece(const std::vector<std::string>& corpus, std::size_t vocabSize,
                                          const WordPieceTrainingOptions& options = {});
// Throws std::runtime_error naming the problem for malformed input.
std::unique_ptr<Tokenizer> deserializeTokenizer(const std::string& serialized);

}  // namespace mcr::tokenizer
