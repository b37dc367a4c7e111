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

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // [CLS] tokens... [SEP], truncated to maxLength ids in total; no padding.
  virtual std::vector<int64_t> encode(std::string_view text, std::size_t maxLength) const = 0;
  virtual std::string decode(const std::vector<int64_t>& ids) const = 0;  // for debugging
  virtual std::size_t vocabSize() const = 0;
  virtual std::string serialize() const = 0;  // stored inside the model bundle
};

// Learns a vocabulary from report texts; deterministic for a given corpus and size.
std::unique_ptr<Tokenizer> trainWordPiece(const std::vector<std::string>& corpus, std::size_t vocabSize);
// Throws std::runtime_error naming the problem for malformed input.
std::unique_ptr<Tokenizer> deserializeTokenizer(const std::string& serialized);

}  // namespace mcr::tokenizer
