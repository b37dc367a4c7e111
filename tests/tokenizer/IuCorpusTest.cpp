// Round trip and determinism on the IU chest X-ray report text (shared research data,
// outside the repository; skipped when absent).
#include <gtest/gtest.h>

#include <algorithm>

#include "IuReportCorpus.h"
#include "mcr/report/ReportText.h"
#include "mcr/tokenizer/Tokenizer.h"

namespace mcr::tokenizer {
namespace {

std::string joinWords(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& word : words) joined += (joined.empty() ? "" : " ") + word;
  return joined;
}

class IuReports : public ::testing::Test {
 protected:
  void SetUp() override {
    auto texts = testing::readIuReportTexts(MCR_IU_REPORTS_CSV);
    if (!texts)
      GTEST_SKIP() << "IU report table not found at " << MCR_IU_REPORTS_CSV
                   << " (shared research data, not part of the repository; see README)";
    for (const auto& text : *texts) {
      std::string normalised = report::normaliseReportText(text);
      if (!normalised.empty()) texts_.push_back(std::move(normalised));
    }
  }
  std::vector<std::string> texts_;
};

TEST_F(IuReports, TableParsesIntoTheDocumentedNumberOfReports) {
  // PROVENANCE.md of the shared folder: 3,266 reports, 3,245 with findings or impression.
  const auto table = testing::readIuTable(MCR_IU_REPORTS_CSV);
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->rows.size(), 3266u);
  EXPECT_EQ(texts_.size(), 3245u);
}

TEST_F(IuReports, EveryReportRoundTripsWithoutUnknownPieces) {
  const auto tokenizer = trainWordPiece(texts_, 6000);
  EXPECT_GT(tokenizer->vocabSize(), 2000u);
  EXPECT_LE(tokenizer->vocabSize(), 6000u);
  for (const auto& text : texts_) {
    const auto ids = tokenizer->encode(text, 100000);
    ASSERT_EQ(std::count(ids.begin(), ids.end(), kUnkId), 0) << text;
    ASSERT_EQ(tokenizer->decode(ids), joinWords(preTokenize(text))) << text;
  }
}

TEST_F(IuReports, TrainingIsDeterministicAndSurvivesSerialization) {
  const auto first = trainWordPiece(texts_, 4000);
  const auto second = trainWordPiece(texts_, 4000);
  const std::string serialized = first->serialize();
  ASSERT_EQ(second->serialize(), serialized);
  std::vector<std::string> reversed(texts_.rbegin(), texts_.rend());
  EXPECT_EQ(trainWordPiece(reversed, 4000)->serialize(), serialized) << "corpus order must not matter";
  const auto loaded = deserializeTokenizer(serialized);
  for (const auto& text : texts_) ASSERT_EQ(loaded->encode(text, 128), first->encode(text, 128)) << text;
}

TEST_F(IuReports, TypicalReportsFitTheModelLength) {
  // Not a speed or quality threshold, a sanity check of the subword granularity: with a
  // 4k vocabulary nearly every word is one piece, so pieces per word stay close to 1.
  const auto tokenizer = trainWordPiece(texts_, 4000);
  std::size_t pieces = 0, words = 0;
  for (const auto& text : texts_) {
    pieces += tokenizer->encode(text, 100000).size() - 2;
    words += preTokenize(text).size();
  }
  EXPECT_LT(static_cast<double>(pieces) / static_cast<double>(words), 1.1);
}

}  // namespace
}  // namespace mcr::tokenizer
