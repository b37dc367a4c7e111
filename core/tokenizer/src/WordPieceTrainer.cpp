// Vocabulary learning (docs/tokenizer.md): start from the characters of the corpus, then
// repeatedly merge the most frequent adjacent pair of pieces inside words (the BPE-style
// procedure HuggingFace's WordPiece trainer uses), ties broken by the pair's spelling so
// the result depends only on the corpus. Pair counts are kept incrementally: a merge only
// revisits the words that contain the merged pair.
#include <algorithm>
#include <cstdint>
#include <map>
#include <queue>
#include <stdexcept>
#include <unordered_map>

#include "PreTokenizer.h"
#include "WordPieceTokenizer.h"

namespace mcr::tokenizer {

namespace {

using detail::kContinuationPrefix;
using SymbolId = int32_t;
using PairKey = uint64_t;

PairKey pairKey(SymbolId left, SymbolId right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}
SymbolId leftOf(PairKey key) { return static_cast<SymbolId>(key >> 32); }
SymbolId rightOf(PairKey key) { return static_cast<SymbolId>(key & 0xffffffffu); }

struct Word {
  std::vector<SymbolId> symbols;
  int64_t frequency = 0;
};

class MergeTrainer {
 public:
  MergeTrainer(std::vector<Word> words, std::vector<std::string> symbols, std::size_t targetSize,
               int64_t minPairFrequency, std::vector<std::string> vocabulary)
      : words_(std::move(words)), symbols_(std::move(symbols)), targetSize_(targetSize),
        minPairFrequency_(minPairFrequency), vocabulary_(std::move(vocabulary)) {
    for (SymbolId id = 0; id < static_cast<SymbolId>(symbols_.size()); ++id) symbolIds_.emplace(symbols_[id], id);
    for (const auto& token : vocabulary_) inVocabulary_.emplace(token, true);
  }

  std::vector<std::string> run() {
    for (std::size_t w = 0; w < words_.size(); ++w) addPairs(static_cast<int32_t>(w), -1);
    for (const auto& [key, count] : pairCounts_) queue_.push({count, key});
    while (vocabulary_.size() < targetSize_ && !queue_.empty()) {
      const Candidate best = queue_.top();
      queue_.pop();
      const int64_t current = countOf(best.key);
      if (current != best.count) {  // stale entry: counts only fall, so re-queue the true count
        if (current > 0) queue_.push({current, best.key});
        continue;
      }
      if (current < minPairFrequency_) break;  // the queue's best is too rare; so is everything else
      merge(best.key);
    }
    return std::move(vocabulary_);
  }

 private:
  struct Candidate {
    int64_t count;
    PairKey key;
  };
  // Highest count first; equal counts: the lexicographically smaller (left, right) spelling.
  struct Lower {
    const MergeTrainer* trainer;
    bool operator()(const Candidate& a, const Candidate& b) const {
      if (a.count != b.count) return a.count < b.count;
      const auto& s = trainer->symbols_;
      const int byLeft = s[leftOf(a.key)].compare(s[leftOf(b.key)]);
      if (byLeft != 0) return byLeft > 0;
      return s[rightOf(a.key)].compare(s[rightOf(b.key)]) > 0;
    }
  };

  int64_t countOf(PairKey key) const {
    const auto it = pairCounts_.find(key);
    return it == pairCounts_.end() ? 0 : it->second;
  }

  // Counts the pairs of word w; pairs containing `indexSymbol` (or all, when -1) also
  // record that w contains them.
  void addPairs(int32_t w, SymbolId indexSymbol) {
    const Word& word = words_[static_cast<std::size_t>(w)];
    for (std::size_t i = 0; i + 1 < word.symbols.size(); ++i) {
      const PairKey key = pairKey(word.symbols[i], word.symbols[i + 1]);
      pairCounts_[key] += word.frequency;
      if (indexSymbol < 0 || word.symbols[i] == indexSymbol || word.symbols[i + 1] == indexSymbol) {
        auto& list = wordsWithPair_[key];
        if (list.empty() || list.back() != w) list.push_back(w);
        if (indexSymbol >= 0) touched_.push_back(key);
      }
    }
  }
  void removePairs(int32_t w) {
    const Word& word = words_[static_cast<std::size_t>(w)];
    for (std::size_t i = 0; i + 1 < word.symbols.size(); ++i)
      pairCounts_[pairKey(word.symbols[i], word.symbols[i + 1])] -= word.frequency;
  }

  SymbolId symbolFor(const std::string& spelling) {
    const auto it = symbolIds_.find(spelling);
    if (it != symbolIds_.end()) return it->second;
    const auto id = static_cast<SymbolId>(symbols_.size());
    symbols_.push_back(spelling);
    symbolIds_.emplace(spelling, id);
    return id;
  }

  void merge(PairKey key) {
    const SymbolId left = leftOf(key), right = rightOf(key);
    const std::string spelling = symbols_[left] + symbols_[right].substr(2);  // right is always "##..."
    const SymbolId merged = symbolFor(spelling);
    if (inVocabulary_.emplace(spelling, true).second) vocabulary_.push_back(spelling);

    std::vector<int32_t> affected = std::move(wordsWithPair_[key]);
    wordsWithPair_.erase(key);
    touched_.clear();
    for (const int32_t w : affected) {
      std::vector<SymbolId>& symbols = words_[static_cast<std::size_t>(w)].symbols;
      bool contains = false;
      for (std::size_t i = 0; i + 1 < symbols.size() && !contains; ++i)
        contains = symbols[i] == left && symbols[i + 1] == right;
      if (!contains) continue;  // an earlier merge already consumed the pair in this word
      removePairs(w);
      std::vector<SymbolId> rewritten;
      rewritten.reserve(symbols.size());
      for (std::size_t i = 0; i < symbols.size(); ++i) {
        if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
          rewritten.push_back(merged);
          ++i;
        } else {
          rewritten.push_back(symbols[i]);
        }
      }
      symbols = std::move(rewritten);
      addPairs(w, merged);
    }
    pairCounts_.erase(key);
    std::sort(touched_.begin(), touched_.end());
    touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
    for (const PairKey newKey : touched_) {
      const int64_t count = countOf(newKey);
      if (count > 0) queue_.push({count, newKey});
    }
  }

  std::vector<Word> words_;
  std::vector<std::string> symbols_;  // spelling of every symbol, "##" for continuations
  std::unordered_map<std::string, SymbolId> symbolIds_;
  std::size_t targetSize_;
  int64_t minPairFrequency_;
  std::vector<std::string> vocabulary_;
  std::unordered_map<std::string, bool> inVocabulary_;
  std::unordered_map<PairKey, int64_t> pairCounts_;
  std::unordered_map<PairKey, std::vector<int32_t>> wordsWithPair_;
  std::vector<PairKey> touched_;
  std::priority_queue<Candidate, std::vector<Candidate>, Lower> queue_{Lower{this}};
};

// Splits a word into its characters; false when it holds invalid UTF-8.
bool splitCharacters(const std::string& word, std::vector<std::string>& characters) {
  characters.clear();
  for (std::size_t pos = 0; pos < word.size();) {
    const std::size_t length = detail::utf8CharLength(word, pos);
    if (length == 0) return false;
    characters.push_back(word.substr(pos, length));
    pos += length;
  }
  return true;
}

}  // namespace

std::unique_ptr<Tokenizer> trainWordPiece(const std::vector<std::string>& corpus, std::size_t vocabSize,
                                          const WordPieceTrainingOptions& options) {
  if (vocabSize <= kNumSpecialTokens)
    throw std::invalid_argument("tokenizer vocabSize must exceed the " + std::to_string(kNumSpecialTokens) +
                                " special tokens, got " + std::to_string(vocabSize));
  if (options.minPairFrequency < 1)
    throw std::invalid_argument("minPairFrequency must be at least 1, got " + std::to_string(options.minPairFrequency));
  // Word frequencies, then words in lexicographic order so nothing depends on hashing.
  std::unordered_map<std::string, int64_t> frequencies;
  std::string word;
  for (const std::string& text : corpus) {
    detail::PreTokenizer splitter(text);
    while (splitter.next(word)) {
      if (word.size() <= 4 * detail::kMaxCharsPerWord) ++frequencies[word];  // longer: [UNK] anyway
    }
  }
  if (frequencies.empty()) throw std::invalid_argument("the tokenizer training corpus has no words");
  std::map<std::string, int64_t> sortedWords(frequencies.begin(), frequencies.end());

  // The alphabet: each character as a word-initial piece and (unless punctuation, which
  // never continues a word) as a "##" piece. If it does not fit, the rarest characters
  // (ties: larger spelling first) are left out and become [UNK].
  std::map<std::string, int64_t> characterFrequencies;
  std::vector<std::string> characters;
  for (const auto& [text, frequency] : sortedWords) {
    if (!splitCharacters(text, characters)) continue;
    for (const auto& character : characters) characterFrequencies[character] += frequency;
  }
  auto piecesOf = [](const std::string& character) {
    return character.size() == 1 && detail::isAsciiPunctuation(static_cast<unsigned char>(character[0])) ? 1u : 2u;
  };
  std::vector<std::pair<std::string, int64_t>> byFrequency(characterFrequencies.begin(), characterFrequencies.end());
  std::stable_sort(byFrequency.begin(), byFrequency.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::size_t budget = vocabSize - kNumSpecialTokens;
  std::vector<std::string> alphabetTokens;
  std::map<std::string, bool> keptCharacters;
  for (const auto& [character, frequency] : byFrequency) {
    if (piecesOf(character) > budget) break;
    budget -= piecesOf(character);
    keptCharacters.emplace(character, true);
    alphabetTokens.push_back(character);
    if (piecesOf(character) == 2) alphabetTokens.push_back(kContinuationPrefix + character);
  }
  if (alphabetTokens.empty())
    throw std::invalid_argument("the tokenizer training corpus has no valid UTF-8 characters");
  std::sort(alphabetTokens.begin(), alphabetTokens.end());

  std::vector<std::string> vocabulary(kSpecialTokens, kSpecialTokens + kNumSpecialTokens);
  vocabulary.insert(vocabulary.end(), alphabetTokens.begin(), alphabetTokens.end());

  // Words as symbol sequences over the alphabet; words with a left-out character, or of a
  // single character, have nothing to merge.
  std::vector<std::string> symbols(alphabetTokens.begin(), alphabetTokens.end());
  std::unordered_map<std::string, SymbolId> symbolIds;
  for (SymbolId id = 0; id < static_cast<SymbolId>(symbols.size()); ++id) symbolIds.emplace(symbols[id], id);
  std::vector<Word> words;
  for (const auto& [text, frequency] : sortedWords) {
    if (!splitCharacters(text, characters) || characters.size() < 2) continue;
    Word entry{{}, frequency};
    bool usable = true;
    for (std::size_t i = 0; i < characters.size() && usable; ++i) {
      const auto it = symbolIds.find(i == 0 ? characters[i] : kContinuationPrefix + characters[i]);
      usable = it != symbolIds.end();
      if (usable) entry.symbols.push_back(it->second);
    }
    if (usable) words.push_back(std::move(entry));
  }
  MergeTrainer trainer(std::move(words), std::move(symbols), vocabSize, options.minPairFrequency,
                       std::move(vocabulary));
  return std::make_unique<detail::WordPieceTokenizer>(trainer.run());
}

}  // namespace mcr::tokenizer
