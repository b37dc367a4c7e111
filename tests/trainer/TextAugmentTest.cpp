// Report-text augmentation: sentence splitting, determinism, what is rewritten and when.
#include "mcr/trainer/TextAugment.h"

#include <gtest/gtest.h>

#include <set>

#include "mcr/report/ReportText.h"

namespace mcr::trainer {
namespace {

Study study(const std::string& text, const std::string& findings, bool hasFindings) {
  Study s;
  s.studyId = "s1";
  s.patientId = "p1";
  s.split = "train";
  s.reportText = report::normaliseReportText(text);
  s.findings = findings;
  s.hasFindings = hasFindings;
  return s;
}

TEST(ReportSentences, SplitsSentencesAndDropsHeadings) {
  auto s = reportSentences("FINDINGS: Heart size is normal. A 1.5 cm nodule in the right base.\nIMPRESSION: No acute disease.");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], "Heart size is normal.");
  EXPECT_EQ(s[1], "A 1.5 cm nodule in the right base.");  // "1.5" is not a sentence end
  EXPECT_EQ(s[2], "No acute disease.");
  EXPECT_TRUE(reportSentences("IMPRESSION: .").empty());
}

TEST(TextAugment, OffLeavesTheReportAlone) {
  const auto s = study("FINDINGS: Cardiomegaly. No effusion.", "cardiomegaly", true);
  EXPECT_EQ(augmentReport(s, {}, 42), s.reportText);
}

TEST(TextAugment, SameSeedSameTextAndSeedsVary) {
  const auto s = study("FINDINGS: The heart is enlarged. There is a small right pleural effusion. No pneumothorax. "
                       "Degenerative changes of the spine.\nIMPRESSION: Cardiomegaly and right effusion.",
                       "cardiomegaly;pleural effusion/right/small", true);
  TextAugmentOptions o{0.5, 0.5};
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    const auto a = augmentReport(s, o, seed);
    EXPECT_EQ(a, augmentReport(s, o, seed));  // a pure function of the seed: resume is exact
    EXPECT_FALSE(a.empty());
    seen.insert(a);
  }
  EXPECT_GT(seen.size(), 10u);  // the original, rewrites and sentence subsets
  EXPECT_TRUE(seen.count(s.reportText));
}

TEST(TextAugment, SentenceSubsetsKeepOrderAndOnlyTheReportsSentences) {
  const auto s = study("FINDINGS: Alpha one. Beta two. Gamma three.", "", true);
  const auto all = reportSentences(s.reportText);
  TextAugmentOptions o{0.0, 1.0};
  for (uint64_t seed = 0; seed < 30; ++seed) {
    const auto kept = reportSentences(augmentReport(s, o, seed));
    ASSERT_FALSE(kept.empty());
    ASSERT_LE(kept.size(), all.size());
    std::size_t at = 0;  // each kept sentence appears in the original, in order
    for (const auto& k : kept) {
      while (at < all.size() && all[at] != k) ++at;
      ASSERT_LT(at, all.size()) << k;
      ++at;
    }
  }
}

TEST(TextAugment, RewritesDescribeTheFindingsAndNeedAFindingsColumn) {
  const auto withFindings = study("FINDINGS: Something unusual was written here.", "cardiomegaly", true);
  TextAugmentOptions always{1.0, 0.0};
  const auto rewritten = augmentReport(withFindings, always, 7);
  EXPECT_NE(rewritten, withFindings.reportText);
  // The grammar's prose for cardiomegaly names the heart.
  std::string lower;
  for (char c : rewritten) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  EXPECT_TRUE(lower.find("heart") != std::string::npos || lower.find("cardio") != std::string::npos) << rewritten;
  // A generic manifest without findings is never rewritten.
  const auto noColumn = study("FINDINGS: Something unusual was written here.", "", false);
  EXPECT_EQ(augmentReport(noColumn, always, 7), noColumn.reportText);
  EXPECT_TRUE(grammarRewrite(noColumn, 7).empty());
}

TEST(TextAugment, RatesOutsideTheUnitIntervalAreRefused) {
  EXPECT_THROW(validate(TextAugmentOptions{1.5, 0.0}), std::invalid_argument);
  EXPECT_THROW(validate(TextAugmentOptions{0.0, -0.1}), std::invalid_argument);
  EXPECT_NO_THROW(validate(TextAugmentOptions{0.5, 0.3}));
}

}  // namespace
}  // namespace mcr::trainer
