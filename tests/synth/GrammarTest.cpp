#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <set>

#include "mcr/synth/Phantom.h"
#include "mcr/synth/ReportGrammar.h"

using namespace mcr::synth;

TEST(Grammar, SameSeedSameReport) {
  Rng a(7), b(7);
  for (int i = 0; i < 50; ++i) {
    const SyntheticReport x = generateReport(a), y = generateReport(b);
    EXPECT_EQ(x.text(), y.text());
    EXPECT_EQ(joinFindings(x.findings), joinFindings(y.findings));
  }
}

TEST(Grammar, DistributionFollowsTheSharedReportsRoughly) {
  Rng r(99);
  const int n = 3000;
  int normals = 0;
  std::map<std::string, int> counts;
  for (int i = 0; i < n; ++i) {
    const FindingSet set = sampleFindingSet(r);
    normals += set.empty();
    for (const auto& f : set) {
      ++counts[f.name];
      EXPECT_TRUE(isCanonicalFindingName(f.name)) << f.name;
      EXPECT_TRUE(canRender(f)) << f.str();
      for (const auto& q : f.qualifiers) EXPECT_TRUE(isKnownQualifier(q)) << f.str();
    }
  }
  // About a third normal (the shared reports: 1,161 of 3,266 "normal").
  EXPECT_GT(normals, n * 0.30);
  EXPECT_LT(normals, n * 0.46);
  // The common findings are common, the rare ones rare.
  EXPECT_GT(counts["cardiomegaly"], counts["pneumothorax"] * 4);
  EXPECT_GT(counts["opacity"], counts["mass"] * 5);
  for (const char* common : {"cardiomegaly", "opacity", "calcified granuloma", "atelectasis", "pleural effusion",
                             "degenerative spine"})
    EXPECT_GT(counts[common], n / 60) << common;
  EXPECT_GE(counts.size(), 30u);
}

TEST(Grammar, ProseIsVariedAndCarriesNegatives) {
  Rng r(5);
  std::set<std::string> normalTexts, impressions;
  for (int i = 0; i < 300; ++i) {
    const SyntheticReport rep = describeFindings({}, r);
    normalTexts.insert(rep.findingsText);
    impressions.insert(rep.impressionText);
    EXPECT_NE(rep.findingsText.find("neumothorax"), std::string::npos) << rep.findingsText;  // "no ... pneumothorax"
    EXPECT_EQ(rep.text().rfind("FINDINGS: ", 0), 0u);
    EXPECT_NE(rep.text().find("\nIMPRESSION: "), std::string::npos);
  }
  EXPECT_GT(normalTexts.size(), 20u);
  EXPECT_GE(impressions.size(), 4u);
}

TEST(Grammar, FindingsAppearInTheTextWithSideAndSeverity) {
  Rng r(3);
  for (int i = 0; i < 20; ++i) {
    const SyntheticReport rep = describeFindings(parseFindingList("pleural effusion/right/small"), r);
    std::string lower = rep.findingsText;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_NE(lower.find("right"), std::string::npos) << rep.findingsText;
    EXPECT_NE(lower.find("small"), std::string::npos) << rep.findingsText;
    EXPECT_EQ(rep.findingsText.find("No pleural effusion"), std::string::npos) << rep.findingsText;
    EXPECT_NE(rep.impressionText.find("effusion"), std::string::npos) << rep.impressionText;
  }
  const SyntheticReport card = describeFindings(parseFindingList("cardiomegaly/moderate"), r);
  EXPECT_NE(card.findingsText.find("oderate"), std::string::npos) << card.findingsText;
  EXPECT_EQ(card.findingsText.find("heart is normal"), std::string::npos);
  for (const auto& name : grammarFindingNames()) EXPECT_TRUE(isCanonicalFindingName(name)) << name;
}
