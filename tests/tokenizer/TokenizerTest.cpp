// WordPiece training, encoding and decoding on hand-written report sentences.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "mcr/tokenizer/Tokenizer.h"

namespace mcr::tokenizer {
namespace {

const std::vector<std::string> kCorpus = {
    "The heart is normal in size. The mediastinum is unremarkable.",
    "The lungs are clear. No pleural effusion or pneumothorax.",
    "Mild cardiomegaly. Small left pleural effusion. No pneumothorax.",
    "Heart size is normal. Lungs are clear bilaterally. No focal consolidation.",
    "Stable cardiomediastinal silhouette. Degenerative changes of the thoracic spine.",
    "Right lower lobe consolidation, concerning for pneumonia. Follow-up in 4-6 weeks.",
    "No acute cardiopulmonary abnormality. Normal heart size.",
    "Calcified granuloma in the right upper lobe, 5 mm. Clear lungs.",
    "Low lung volumes with bibasilar atelectasis. No effusion.",
    "Sternotomy wires are intact. The heart is enlarged. Pulmonary vascular congestion.",
};

std::string joinWords(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& word : words) joined += (joined.empty() ? "" : " ") + word;
  return joined;
}

std::vector<std::string> vocabularyOf(const Tokenizer& tokenizer) {
  // The serialization lists the tokens, one a line, between the 5 header lines and "end".
  std::vector<std::string> lines;
  std::string line;
  for (const char c : tokenizer.serialize()) {
    if (c == '\n') lines.push_back(std::move(line)), line.clear();
    else line.push_back(c);
  }
  return {lines.begin() + 5, lines.end() - 1};
}

TEST(PreTokenize, LowercasesSplitsPunctuationKeepsDigits) {
  EXPECT_EQ(preTokenize("Heart size NORMAL, no effusion."),
            (std::vector<std::string>{"heart", "size", "normal", ",", "no", "effusion", "."}));
  EXPECT_EQ(preTokenize(" T12-L1\t3.5cm\n\n(stable) "),
            (std::vector<std::string>{"t12", "-", "l1", "3", ".", "5cm", "(", "stable", ")"}));
  EXPECT_TRUE(preTokenize(" \t\r\n ").empty());
}

TEST(PreTokenize, KeepsNonAsciiCharactersInsideWords) {
  // Only ASCII is lowercased; a no-break space separates; invalid UTF-8 stays a character.
  EXPECT_EQ(preTokenize("Größe\xc2\xa0" "Ödem"), (std::vector<std::string>{"größe", "Ödem"}));
  EXPECT_EQ(preTokenize("a\xff" "b"), (std::vector<std::string>{"a\xff" "b"}));
}

TEST(WordPiece, SpecialTokensHaveFixedIds) {
  const auto tokenizer = trainWordPiece(kCorpus, 200);
  const auto vocabulary = vocabularyOf(*tokenizer);
  ASSERT_EQ(vocabulary.size(), tokenizer->vocabSize());
  for (std::size_t id = 0; id < kNumSpecialTokens; ++id) EXPECT_EQ(vocabulary[id], kSpecialTokens[id]);
  EXPECT_EQ(vocabulary[kPadId], "[PAD]");
  EXPECT_EQ(vocabulary[kUnkId], "[UNK]");
  EXPECT_EQ(vocabulary[kClsId], "[CLS]");
  EXPECT_EQ(vocabulary[kSepId], "[SEP]");
  EXPECT_EQ(vocabulary[kMaskId], "[MASK]");
}

TEST(WordPiece, RoundTripsTrainingTextsAndNewSentencesOfKnownWords) {
  const auto tokenizer = trainWordPiece(kCorpus, 200);
  EXPECT_LE(tokenizer->vocabSize(), 200u);
  std::vector<std::string> texts = kCorpus;
  texts.push_back("Clear lungs, normal heart. No consolidation or effusion in the right upper lobe.");
  texts.push_back("PNEUMOTHORAX  is  not   seen,   follow-up 6 weeks");
  for (const auto& text : texts) {
    const auto ids = tokenizer->encode(text, 512);
    ASSERT_GE(ids.size(), 2u);
    EXPECT_EQ(ids.front(), kClsId);
    EXPECT_EQ(ids.back(), kSepId);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), kUnkId), 0) << text;
    EXPECT_EQ(tokenizer->decode(ids), joinWords(preTokenize(text)));
  }
}

TEST(WordPiece, FrequentWordsBecomeSinglePieces) {
  const auto tokenizer = trainWordPiece(kCorpus, 400);
  const auto vocabulary = vocabularyOf(*tokenizer);
  for (const std::string word : {"the", "heart", "effusion", "pneumothorax", "lungs"}) {
    const auto ids = tokenizer->encode(word, 16);
    ASSERT_EQ(ids.size(), 3u) << word;
    EXPECT_EQ(vocabulary[static_cast<std::size_t>(ids[1])], word);
  }
}

TEST(WordPiece, UnseenWordsAreSpelledWithContinuationPieces) {
  const auto tokenizer = trainWordPiece(kCorpus, 150);
  const auto vocabulary = vocabularyOf(*tokenizer);
  const auto ids = tokenizer->encode("hyperinflation", 64);
  ASSERT_GT(ids.size(), 3u);  // not a vocabulary word: several pieces
  EXPECT_EQ(vocabulary[static_cast<std::size_t>(ids[1])].rfind("##", 0), std::string::npos);
  for (std::size_t i = 2; i + 1 < ids.size(); ++i) EXPECT_EQ(vocabulary[static_cast<std::size_t>(ids[i])].rfind("##", 0), 0u);
  EXPECT_EQ(tokenizer->decode(ids), "hyperinflation");
}

TEST(WordPiece, UnknownCharactersBecomeUnk) {
  const auto tokenizer = trainWordPiece(kCorpus, 200);
  const auto ids = tokenizer->encode("heart \xe2\x98\x83 normal h\xe2\x82\xac" "art \xff", 64);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), kUnkId), 3);
  EXPECT_EQ(tokenizer->decode(ids), "heart [UNK] normal h [UNK]art [UNK]")
      << "each unknown character alone becomes [UNK]; the rest of its word is still spelled";
  // Far longer than any word: one [UNK] (bounded work on hostile input).
  const auto longWord = tokenizer->encode(std::string(500, 'a'), 64);
  EXPECT_EQ(longWord, (std::vector<int64_t>{kClsId, kUnkId, kSepId}));
}

TEST(WordPiece, GreedyLongestMatchFirst) {
  // The classic example with a hand-made vocabulary: "unaffable" -> un ##aff ##able.
  std::string file = "mcr-wordpiece-tokenizer\nversion 1\nlowercase ascii\nmax-chars-per-word 100\nvocab-size 14\n";
  for (const auto* token : kSpecialTokens) file += std::string(token) + "\n";
  for (const auto* token : {"u", "un", "##a", "##aff", "##able", "##ab", "##le", "##f", "##n"}) file += std::string(token) + "\n";
  file += "end\n";
  const auto tokenizer = deserializeTokenizer(file);
  EXPECT_EQ(tokenizer->encode("unaffable", 16), (std::vector<int64_t>{kClsId, 6, 8, 9, kSepId}));
  EXPECT_EQ(tokenizer->encode("unable", 16), (std::vector<int64_t>{kClsId, 6, 9, kSepId}));
  EXPECT_EQ(tokenizer->encode("una", 16), (std::vector<int64_t>{kClsId, 6, 7, kSepId}));
  EXPECT_EQ(tokenizer->encode("unz", 16), (std::vector<int64_t>{kClsId, 6, kUnkId, kSepId}));
  EXPECT_EQ(tokenizer->decode({kClsId, 6, 8, 9, kSepId, kPadId}), "unaffable");
}

TEST(WordPiece, MergesTheMostFrequentPairAndBreaksTiesLexicographically) {
  // a,b,c,d each as initial and "##" piece: 8 alphabet tokens, room for exactly 1 merge.
  // (c,##d) occurs 3 times and wins; with equal counts (a,##b) would win over (c,##d).
  const auto frequent = vocabularyOf(*trainWordPiece({"ab ab cd cd cd"}, kNumSpecialTokens + 8 + 1));
  EXPECT_EQ(frequent.back(), "cd");
  const auto tied = vocabularyOf(*trainWordPiece({"cd cd ab ab"}, kNumSpecialTokens + 8 + 1));
  EXPECT_EQ(tied.back(), "ab");
  // Pairs seen once are not merged: the vocabulary stays smaller than asked.
  EXPECT_EQ(trainWordPiece({"ab cd"}, 1000)->vocabSize(), kNumSpecialTokens + 8);
  // ... unless asked to fill the vocabulary: then "ab" and "cd" are merged too.
  EXPECT_EQ(trainWordPiece({"ab cd"}, 1000, WordPieceTrainingOptions{1})->vocabSize(), kNumSpecialTokens + 8 + 2);
  EXPECT_THROW(trainWordPiece({"ab cd"}, 1000, WordPieceTrainingOptions{0}), std::invalid_argument);
}

TEST(WordPiece, TruncationKeepsClsAndSep) {
  const auto tokenizer = trainWordPiece(kCorpus, 200);
  const std::string text = kCorpus[0] + " " + kCorpus[1] + " " + kCorpus[2];
  const auto full = tokenizer->encode(text, 10000);
  ASSERT_GT(full.size(), 20u);
  const auto cut = tokenizer->encode(text, 12);
  ASSERT_EQ(cut.size(), 12u);
  EXPECT_EQ(cut.back(), kSepId);
  EXPECT_TRUE(std::equal(cut.begin(), cut.end() - 1, full.begin())) << "the first pieces are kept";
  EXPECT_EQ(tokenizer->encode(text, 2), (std::vector<int64_t>{kClsId, kSepId}));
  EXPECT_EQ(tokenizer->encode(text, full.size()), full);
  EXPECT_EQ(tokenizer->encode("", 8), (std::vector<int64_t>{kClsId, kSepId}));
  EXPECT_THROW(tokenizer->encode(text, 1), std::invalid_argument);
  EXPECT_THROW(tokenizer->encode(text, 0), std::invalid_argument);
}

TEST(WordPiece, DecodeSkipsPaddingAndRejectsForeignIds) {
  const auto tokenizer = trainWordPiece(kCorpus, 200);
  auto ids = tokenizer->encode("clear lungs", 16);
  ids.insert(ids.end(), 5, kPadId);
  EXPECT_EQ(tokenizer->decode(ids), "clear lungs");
  EXPECT_EQ(tokenizer->decode({kClsId, kMaskId, kSepId}), "[MASK]");
  EXPECT_THROW(tokenizer->decode({static_cast<int64_t>(tokenizer->vocabSize())}), std::out_of_range);
  EXPECT_THROW(tokenizer->decode({-1}), std::out_of_range);
}

TEST(WordPiece, TrainingIsDeterministicAndIndependentOfCorpusOrder) {
  const std::string first = trainWordPiece(kCorpus, 180)->serialize();
  EXPECT_EQ(trainWordPiece(kCorpus, 180)->serialize(), first);
  std::vector<std::string> shuffled = kCorpus;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  EXPECT_EQ(trainWordPiece(shuffled, 180)->serialize(), first);
}

TEST(WordPiece, TinyVocabularyKeepsTheMostFrequentCharacters) {
  const auto tokenizer = trainWordPiece(kCorpus, 20);
  EXPECT_LE(tokenizer->vocabSize(), 20u);
  const auto ids = tokenizer->encode("the heart", 64);  // 'e' is the most frequent letter
  EXPECT_NE(std::count(ids.begin(), ids.end(), kUnkId), static_cast<long>(ids.size()) - 2);
  EXPECT_THROW(trainWordPiece(kCorpus, kNumSpecialTokens), std::invalid_argument);
  EXPECT_THROW(trainWordPiece({}, 100), std::invalid_argument);
  EXPECT_THROW(trainWordPiece({" \n ", ""}, 100), std::invalid_argument);
  EXPECT_THROW(trainWordPiece({"\xff\xffmcr\xff"}, 100), std::invalid_argument) << "found by fuzz_tokenizer";
}

}  // namespace
}  // namespace mcr::tokenizer
