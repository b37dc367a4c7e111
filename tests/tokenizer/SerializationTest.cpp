// The tokenizer's text format: round trip, and every kind of malformed file rejected
// with a std::runtime_error that names the problem.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mcr/tokenizer/Tokenizer.h"

namespace mcr::tokenizer {
namespace {

const std::vector<std::string> kCorpus = {
    "No acute cardiopulmonary process. Heart size normal.",
    "Small right pleural effusion with adjacent atelectasis.",
    "Interval resolution of the left lower lobe opacity. No effusion.",
};

std::string header(std::size_t vocabSize) {
  return "mcr-wordpiece-tokenizer\nversion 1\nlowercase ascii\nmax-chars-per-word 100\nvocab-size " +
         std::to_string(vocabSize) + "\n";
}
std::string specials() {
  std::string lines;
  for (const auto* token : kSpecialTokens) lines += std::string(token) + "\n";
  return lines;
}

TEST(TokenizerFormat, RoundTripKeepsVocabularyAndEncoding) {
  const auto trained = trainWordPiece(kCorpus, 120);
  const std::string text = trained->serialize();
  EXPECT_EQ(text.rfind("mcr-wordpiece-tokenizer\nversion 1\n", 0), 0u) << "self-describing, versioned";
  const auto loaded = deserializeTokenizer(text);
  EXPECT_EQ(loaded->serialize(), text);
  EXPECT_EQ(loaded->vocabSize(), trained->vocabSize());
  for (const auto& report : kCorpus) {
    EXPECT_EQ(loaded->encode(report, 64), trained->encode(report, 64));
    EXPECT_EQ(loaded->decode(loaded->encode(report, 64)), trained->decode(trained->encode(report, 64)));
  }
}

TEST(TokenizerFormat, AcceptsAMinimalHandWrittenFile) {
  const auto tokenizer = deserializeTokenizer(header(7) + specials() + "a\n##b\nend\n");
  EXPECT_EQ(tokenizer->vocabSize(), 7u);
  EXPECT_EQ(tokenizer->encode("ab", 8), (std::vector<int64_t>{kClsId, 5, 6, kSepId}));
}

struct Malformed {
  const char* what;
  std::string file;
  const char* messagePart;  // the error must name the problem
};

TEST(TokenizerFormat, RejectsMalformedFilesNamingTheProblem) {
  const std::string good = header(7) + specials() + "a\n##b\nend\n";
  const std::vector<Malformed> cases = {
      {"empty", "", "ends early"},
      {"another format", "{\"vocab\": []}\n", "not a tokenizer file"},
      {"windows line ends", "mcr-wordpiece-tokenizer\r\nversion 1\r\n", "not a tokenizer file"},
      {"future version", "mcr-wordpiece-tokenizer\nversion 2\n", "version '2' is not supported"},
      {"missing version", "mcr-wordpiece-tokenizer\nlowercase ascii\n", "expected 'version"},
      {"other lowercase mode", "mcr-wordpiece-tokenizer\nversion 1\nlowercase unicode\n", "lowercase mode"},
      {"other word limit", "mcr-wordpiece-tokenizer\nversion 1\nlowercase ascii\nmax-chars-per-word 50\n",
       "max-chars-per-word 50"},
      {"count not a number", "mcr-wordpiece-tokenizer\nversion 1\nlowercase ascii\nmax-chars-per-word 100\nvocab-size -3\n",
       "decimal number"},
      {"absurd count", header(999999999999ull), "exceeds the limit"},
      {"fewer tokens than declared", header(9) + specials() + "a\n##b\nend\n", "ends after 8 of 9"},
      {"more tokens than declared", header(6) + specials() + "a\n##b\nend\n", "vocab-size does not match"},
      {"truncated", good.substr(0, good.size() - 10), "ends"},
      {"no final newline", good.substr(0, good.size() - 1), "no terminating newline"},
      {"data after end", good + "extra\n", "after its 'end'"},
      {"special token moved", header(7) + "[UNK]\n[PAD]\n[CLS]\n[SEP]\n[MASK]\na\n##b\nend\n", "must be [PAD]"},
      {"only special tokens", header(5) + specials() + "end\n", "at least one more"},
      {"duplicate token", header(7) + specials() + "a\na\nend\n", "duplicate token 'a'"},
      {"empty token", header(7) + specials() + "a\n\nend\n", "empty token"},
      {"bare prefix", header(7) + specials() + "a\n##\nend\n", "continuation prefix"},
      {"space in token", header(7) + specials() + "a b\n##b\nend\n", "whitespace"},
      {"invalid UTF-8", header(7) + specials() + "a\n\xc3\x28\nend\n", "invalid UTF-8"},
  };
  for (const auto& c : cases) {
    try {
      deserializeTokenizer(c.file);
      ADD_FAILURE() << c.what << ": accepted";
    } catch (const std::runtime_error& error) {
      EXPECT_NE(std::string(error.what()).find(c.messagePart), std::string::npos)
          << c.what << ": message '" << error.what() << "' does not mention '" << c.messagePart << "'";
    }
  }
}

TEST(TokenizerFormat, EveryTruncationOfARealFileIsRejected) {
  const std::string text = trainWordPiece(kCorpus, 80)->serialize();
  for (std::size_t length = 0; length < text.size(); ++length)
    EXPECT_THROW(deserializeTokenizer(text.substr(0, length)), std::runtime_error) << "length " << length;
}

}  // namespace
}  // namespace mcr::tokenizer
