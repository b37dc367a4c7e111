#include "WordPieceTokenizer.h"

#include <cstdint>
#include <stdexcept>
#include <unordered_set>

#include "PreTokenizer.h"

namespace mcr::tokenizer::detail {

namespace {

bool startsWithPrefix(const std::string& token) { return token.rfind(kContinuationPrefix, 0) == 0; }

// Why a vocabulary token is unusable, or nullptr when it is fine.
const char* tokenProblem(const std::string& token) {
  if (token.empty()) return "empty token";
  if (token == kContinuationPrefix) return "continuation prefix without characters";
  for (const char byte : token) {
    const auto c = static_cast<unsigned char>(byte);
    if (c <= 0x20 || c == 0x7f) return "whitespace or control character in token";
  }
  if (!report::isValidUtf8(token)) return "invalid UTF-8 in token";
  return nullptr;
}

}  // namespace

WordPieceTokenizer::WordPieceTokenizer(std::vector<std::string> vocabulary) : vocabulary_(std::move(vocabulary)) {
  if (vocabulary_.size() <= kNumSpecialTokens)
    throw std::runtime_error("tokenizer vocabulary has " + std::to_string(vocabulary_.size()) +
                             " tokens; it needs the " + std::to_string(kNumSpecialTokens) +
                             " special tokens and at least one more");
  for (std::size_t id = 0; id < kNumSpecialTokens; ++id) {
    if (vocabulary_[id] != kSpecialTokens[id])
      throw std::runtime_error("tokenizer vocabulary id " + std::to_string(id) + " must be " + kSpecialTokens[id] +
                               ", found '" + vocabulary_[id] + "'");
  }
  std::unordered_set<std::string> seen;
  for (std::size_t id = 0; id < vocabulary_.size(); ++id) {
    const std::string& token = vocabulary_[id];
    if (const char* problem = tokenProblem(token))
      throw std::runtime_error("tokenizer vocabulary id " + std::to_string(id) + ": " + problem);
    if (!seen.insert(token).second)
      throw std::runtime_error("tokenizer vocabulary id " + std::to_string(id) + ": duplicate token '" + token + "'");
    if (id < kNumSpecialTokens) continue;  // never produced from text
    if (startsWithPrefix(token)) {
      std::string body = token.substr(2);
      longestContinuation_ = std::max(longestContinuation_, body.size());
      continuationIds_.emplace(std::move(body), static_cast<int64_t>(id));
    } else {
      longestInitial_ = std::max(longestInitial_, token.size());
      initialIds_.emplace(token, static_cast<int64_t>(id));
    }
  }
}

void WordPieceTokenizer::encodeWord(const std::string& word, std::vector<int64_t>& ids) const {
  // Character boundaries: pieces never split a UTF-8 character (invalid bytes count as one).
  thread_local std::vector<std::size_t> boundaries;
  boundaries.clear();
  for (std::size_t pos = 0; pos < word.size();) {
    boundaries.push_back(pos);
    const std::size_t length = utf8CharLength(word, pos);
    pos += length == 0 ? 1 : length;
  }
  const std::size_t chars = boundaries.size();
  boundaries.push_back(word.size());
  if (chars > kMaxCharsPerWord) {
    ids.push_back(kUnkId);
    return;
  }
  thread_local std::string piece;
  std::size_t startChar = 0;
  while (startChar < chars) {
    const bool initial = startChar == 0;
    const auto& table = initial ? initialIds_ : continuationIds_;
    const std::size_t longest = initial ? longestInitial_ : longestContinuation_;
    const std::size_t startByte = boundaries[startChar];
    int64_t found = -1;
    std::size_t endChar = chars;
    // Longest match first: try the longest piece that can exist, then shorter ones.
    for (; endChar > startChar; --endChar) {
      const std::size_t length = boundaries[endChar] - startByte;
      if (length > longest) continue;
      piece.assign(word, startByte, length);
      const auto it = table.find(piece);
      if (it != table.end()) {
        found = it->second;
        break;
      }
    }
    if (found < 0) {  // no piece spells this character: it alone becomes [UNK]
      ids.push_back(kUnkId);
      startChar += 1;
    } else {
      ids.push_back(found);
      startChar = endChar;
    }
  }
}

std::vector<int64_t> WordPieceTokenizer::encode(std::string_view text, std::size_t maxLength) const {
  if (maxLength < 2)
    throw std::invalid_argument("tokenizer maxLength must leave room for [CLS] and [SEP], got " +
                                std::to_string(maxLength));
  std::vector<int64_t> ids;
  ids.push_back(kClsId);
  PreTokenizer splitter(text);
  std::string word;
  const std::size_t contentLimit = maxLength - 1;  // [SEP] goes last
  while (ids.size() < contentLimit && splitter.next(word)) encodeWord(word, ids);
  if (ids.size() > contentLimit) ids.resize(contentLimit);
  ids.push_back(kSepId);
  return ids;
}

std::string WordPieceTokenizer::decode(const std::vector<int64_t>& ids) const {
  std::string text;
  for (const int64_t id : ids) {
    if (id < 0 || static_cast<std::size_t>(id) >= vocabulary_.size())
      throw std::out_of_range("token id " + std::to_string(id) + " is outside the vocabulary of " +
                              std::to_string(vocabulary_.size()));
    if (id == kPadId || id == kClsId || id == kSepId) continue;
    const std::string& token = vocabulary_[static_cast<std::size_t>(id)];
    if (id >= static_cast<int64_t>(kNumSpecialTokens) && startsWithPrefix(token)) {
      text.append(token, 2, std::string::npos);
    } else {
      if (!text.empty()) text.push_back(' ');
      text.append(token);
    }
  }
  return text;
}

}  // namespace mcr::tokenizer::detail
