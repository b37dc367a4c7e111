// Retrieval metrics on hand-made embeddings whose answers are known.
#include "mcr/trainer/Metrics.h"

#include <gtest/gtest.h>

#include "mcr/trainer/LinearProbe.h"

#include <boost/json.hpp>

namespace mcr::trainer {
namespace {

// One-hot rows in `dim` dimensions.
std::vector<float> onehot(const std::vector<int>& hot, std::size_t dim) {
  std::vector<float> v(hot.size() * dim, 0.0f);
  for (std::size_t i = 0; i < hot.size(); ++i) v[i * dim + static_cast<std::size_t>(hot[i])] = 1.0f;
  return v;
}

TEST(RandomRecall, MatchesClosedForms) {
  EXPECT_NEAR(randomRecallAtK(100, 1, 1), 0.01, 1e-12);
  EXPECT_NEAR(randomRecallAtK(100, 1, 10), 0.10, 1e-12);
  EXPECT_NEAR(randomRecallAtK(4, 2, 1), 0.5, 1e-12);
  EXPECT_NEAR(randomRecallAtK(4, 2, 2), 1.0 - (2.0 / 4) * (1.0 / 3), 1e-12);
  EXPECT_DOUBLE_EQ(randomRecallAtK(5, 5, 1), 1.0);
  EXPECT_DOUBLE_EQ(randomRecallAtK(5, 0, 3), 0.0);
}

TEST(Metrics, PerfectAlignmentScoresOne) {
  EvalInputs in;
  in.n = 12;
  in.dim = 12;
  std::vector<int> hot;
  for (int i = 0; i < 12; ++i) {
    hot.push_back(i);
    in.exactKeys.push_back("report " + std::to_string(i));
    in.findingKeys.push_back(i % 2 ? "cardiomegaly;" : "");
  }
  in.images = onehot(hot, 12);
  in.texts = in.images;
  auto r = evaluateRetrieval(in);
  EXPECT_EQ(r.n, 12u);
  EXPECT_DOUBLE_EQ(r.i2t.exact.r1, 1.0);
  EXPECT_DOUBLE_EQ(r.t2i.exact.r10, 1.0);
  EXPECT_DOUBLE_EQ(r.i2t.findings->r1, 1.0);
  EXPECT_NEAR(r.randomI2t.exact.r1, 1.0 / 12, 1e-12);
  EXPECT_NEAR(r.randomI2t.findings->r1, 0.5, 1e-12);  // 6 of 12 share each query's finding set
}

TEST(Metrics, KnownMisrankingsGiveKnownRecalls) {
  // 4 studies. Image i points at text perm[i]: images 0,1 find their own report first,
  // image 2 finds report 3 first and its own second, image 3 finds report 2 first.
  EvalInputs in;
  in.n = 4;
  in.dim = 4;
  in.texts = onehot({0, 1, 2, 3}, 4);
  in.images = {1, 0, 0, 0,  0, 1, 0, 0,  0, 0, 0.5f, 0.9f,  0, 0, 0.9f, 0.5f};
  in.exactKeys = {"a", "b", "c", "d"};
  in.findingKeys = {"x;", "y;", "z;", "z;"};  // studies 2 and 3 share findings
  auto r = evaluateRetrieval(in);
  EXPECT_DOUBLE_EQ(r.i2t.exact.r1, 0.5);
  EXPECT_DOUBLE_EQ(r.i2t.exact.r5, 1.0);
  EXPECT_DOUBLE_EQ(r.i2t.findings->r1, 1.0);  // the swapped pair still has the same findings
  // Text 2 (one-hot at 2): image 3 scores 0.9, image 2 scores 0.5 -> wrong first.
  EXPECT_DOUBLE_EQ(r.t2i.exact.r1, 0.5);
  // Identical report text counts as an exact hit.
  in.exactKeys = {"a", "b", "c", "c"};
  auto same = evaluateRetrieval(in);
  EXPECT_DOUBLE_EQ(same.i2t.exact.r1, 1.0);
}

TEST(Metrics, AbnormalQueriesAreAveragedSeparately) {
  // 6 studies: 0..3 normal (empty finding set), 4 and 5 abnormal with different findings.
  // Every image ranks its own report first except image 5, which ranks report 0 first
  // and its own second.
  EvalInputs in;
  in.n = 6;
  in.dim = 6;
  in.texts = onehot({0, 1, 2, 3, 4, 5}, 6);
  in.images = onehot({0, 1, 2, 3, 4, 0}, 6);
  in.images[5 * 6 + 5] = 0.5f;
  in.exactKeys = {"a", "b", "c", "d", "e", "f"};
  in.findingKeys = {"", "", "", "", "cardiomegaly;", "pacemaker;"};
  auto r = evaluateRetrieval(in);
  // All six queries: 5 of 6 hit at rank 1 under "findings" (image 5's first report is normal).
  EXPECT_NEAR(r.i2t.findings->r1, 5.0 / 6, 1e-12);
  // Abnormal queries only (4 and 5): 1 of 2 at rank 1, both within 5.
  ASSERT_TRUE(r.i2t.findingsAbnormal.has_value());
  EXPECT_DOUBLE_EQ(r.i2t.findingsAbnormal->r1, 0.5);
  EXPECT_DOUBLE_EQ(r.i2t.findingsAbnormal->r5, 1.0);
  // Their random baseline: one relevant item among 6.
  EXPECT_NEAR(r.randomI2t.findingsAbnormal->r1, 1.0 / 6, 1e-12);
  // Normal queries have 4 relevant items of 6, so the all-query random baseline is higher.
  EXPECT_NEAR(r.randomI2t.findings->r1, (4 * (4.0 / 6) + 2 * (1.0 / 6)) / 6, 1e-12);
  auto v = boost::json::parse(r.toJson()).as_object();
  EXPECT_DOUBLE_EQ(v.at("i2t").at("findings_abnormal").at("R@1").as_double(), 0.5);
  // With only normal studies there is no abnormal query: null, not 0.
  in.findingKeys = {"", "", "", "", "", ""};
  auto normal = evaluateRetrieval(in);
  EXPECT_FALSE(normal.i2t.findingsAbnormal.has_value());
  EXPECT_TRUE(boost::json::parse(normal.toJson()).at("i2t").at("findings_abnormal").is_null());
}

TEST(Metrics, ProbesNeedFivePositivesAndScorePrecisionAtTen) {
  EvalInputs in;
  in.n = 20;
  in.dim = 2;
  for (int i = 0; i < 20; ++i) {
    // Images 0..7 lean to axis 0 (the "effusion" direction), the rest to axis 1.
    const bool pos = i < 8;
    in.images.push_back(pos ? 1.0f : 0.0f);
    in.images.push_back(pos ? 0.0f : 1.0f);
    in.texts.push_back(1.0f);
    in.texts.push_back(0.0f);
    in.exactKeys.push_back(std::to_string(i));
  }
  ProbeQuery effusion{"right pleural effusion", {1.0f, 0.0f}, {}, {}};
  for (int i = 0; i < 20; ++i) effusion.positive.push_back(i < 8);
  ProbeQuery rare{"pacemaker", {0.0f, 1.0f}, {}, {}};
  for (int i = 0; i < 20; ++i) rare.positive.push_back(i == 19);
  in.probes = {effusion, rare};
  auto r = evaluateRetrieval(in);
  ASSERT_EQ(r.probes.size(), 1u);  // "pacemaker" has 1 positive < 5: not scored
  EXPECT_DOUBLE_EQ(r.probes[0].precisionAt10, 0.8);  // 8 positives rank first, then 2 negatives
  EXPECT_DOUBLE_EQ(r.probes[0].random, 8.0 / 20);
  EXPECT_DOUBLE_EQ(*r.macroP10, 0.8);
  EXPECT_FALSE(r.i2t.findings.has_value());
}

// Rows of 3 values: axis 0 carries the class (weakly), axis 1 a larger nuisance that has
// nothing to do with it, axis 2 what every embedding shares.
void pushRow(std::vector<float>& rows, float cls, float nuisance) {
  rows.insert(rows.end(), {cls, nuisance, 0.9f});
}

TEST(Metrics, ProbeImageCeilingFindsAClassTheTextQueryMisses) {
  EvalInputs in;
  in.n = 20;
  in.dim = 3;
  ProbeQuery q{"pulmonary nodule", {0.0f, 1.0f, 0.0f}, {}, {}};  // the query points along the nuisance
  for (int i = 0; i < 20; ++i) {
    const bool pos = i < 6;
    pushRow(in.images, pos ? 0.3f : 0.0f, pos ? -0.3f + 0.01f * static_cast<float>(i) : 0.3f);
    pushRow(in.texts, 1.0f, 0.0f);
    in.exactKeys.push_back(std::to_string(i));
    q.positive.push_back(pos);
  }
  // References: 10 positives of 40, the nuisance alternating within both classes.
  for (int i = 0; i < 40; ++i) {
    pushRow(in.referenceImages, i < 10 ? 0.3f : 0.0f, i % 2 ? 0.3f : -0.3f);
    q.referencePositive.push_back(i < 10);
  }
  in.probes = {q};
  auto r = evaluateRetrieval(in);
  ASSERT_EQ(r.probes.size(), 1u);
  EXPECT_DOUBLE_EQ(r.probes[0].precisionAt10, 0.0);        // the text ranks the nuisance: negatives first
  ASSERT_TRUE(r.probes[0].imageCeiling.has_value());
  EXPECT_DOUBLE_EQ(*r.probes[0].imageCeiling, 0.6);        // all 6 positives first, then negatives
  EXPECT_DOUBLE_EQ(*r.macroImageCeiling, 0.6);
  auto v = boost::json::parse(r.toJson()).as_object();
  EXPECT_DOUBLE_EQ(v.at("probes").at("image_ceiling").at("per_query").at("pulmonary nodule").as_double(), 0.6);
  EXPECT_FALSE(v.at("random").at("probes").as_object().contains("image_ceiling"));
  EXPECT_NE(r.toTable().find("image ceiling 0.600"), std::string::npos);

  // A probe whose class has no reference positive gets no ceiling: the others keep theirs,
  // and the macro, no longer over every probe, is null.
  ProbeQuery unseen{"hiatal hernia", {1.0f, 0.0f, 0.0f}, q.positive, std::vector<bool>(40, false)};
  in.probes = {q, unseen};
  auto partial = evaluateRetrieval(in);
  ASSERT_EQ(partial.probes.size(), 2u);
  EXPECT_TRUE(partial.probes[0].imageCeiling.has_value());
  EXPECT_FALSE(partial.probes[1].imageCeiling.has_value());
  EXPECT_FALSE(partial.macroImageCeiling.has_value());
  auto ceiling = boost::json::parse(partial.toJson()).at("probes").at("image_ceiling").as_object();
  EXPECT_TRUE(ceiling.at("macro_P@10").is_null());
  EXPECT_EQ(ceiling.at("per_query").as_object().size(), 1u);

  in.probes = {q};
  in.referenceImages.clear();  // without references: no ceiling, no JSON key
  auto plain = evaluateRetrieval(in);
  EXPECT_FALSE(plain.probes[0].imageCeiling.has_value());
  EXPECT_FALSE(plain.macroImageCeiling.has_value());
  EXPECT_FALSE(boost::json::parse(plain.toJson()).at("probes").as_object().contains("image_ceiling"));
}

TEST(LinearProbe, RefusesOneClassAndMismatchedSizes) {
  std::vector<float> rows;
  for (int i = 0; i < 4; ++i) pushRow(rows, static_cast<float>(i), 0.0f);
  EXPECT_THROW(fitLinearProbe(rows, 3, {true, true, true, true}), std::invalid_argument);
  EXPECT_THROW(fitLinearProbe(rows, 3, {true, false, false}), std::invalid_argument);
  const auto probe = fitLinearProbe(rows, 3, {false, false, true, true});
  EXPECT_GT(probe.score(rows.data() + 9), probe.score(rows.data()));  // row 3 above row 0
  EXPECT_THROW(probe.scores(rows, 2), std::invalid_argument);
  EXPECT_THROW(precisionAtK(probe.scores(rows, 3), {true, false, false}, 2), std::invalid_argument);
  EXPECT_DOUBLE_EQ(precisionAtK(probe.scores(rows, 3), {false, false, true, true}, 2), 1.0);
}

TEST(Metrics, JsonHasTheDocumentedShape) {
  EvalInputs in;
  in.n = 6;
  in.dim = 6;
  in.images = onehot({0, 1, 2, 3, 4, 5}, 6);
  in.texts = in.images;
  for (int i = 0; i < 6; ++i) {
    in.exactKeys.push_back(std::to_string(i));
    in.findingKeys.push_back("");
  }
  ProbeQuery q{"cardiomegaly", {1, 0, 0, 0, 0, 0}, {true, true, true, true, true, false}, {}};
  in.probes = {q};
  auto v = boost::json::parse(evaluateRetrieval(in).toJson()).as_object();
  EXPECT_EQ(v.at("n").as_int64(), 6);
  for (const char* dir : {"i2t", "t2i"})
    for (const char* def : {"exact", "findings"})
      for (const char* k : {"R@1", "R@5", "R@10"}) {
        const double x = v.at(dir).at(def).at(k).as_double();
        EXPECT_GE(x, 0.0);
        EXPECT_LE(x, 1.0);
        EXPECT_TRUE(v.at("random").at(dir).at(def).at(k).is_double());
      }
  EXPECT_NEAR(v.at("probes").at("per_query").at("cardiomegaly").as_double(), 5.0 / 6, 1e-12);
  EXPECT_TRUE(v.at("probes").at("macro_P@10").is_double());
  EXPECT_NEAR(v.at("random").at("probes").at("macro_P@10").as_double(), 5.0 / 6, 1e-12);
}

TEST(Metrics, RejectsMismatchedSizes) {
  EvalInputs in;
  in.n = 2;
  in.dim = 2;
  in.images = {1, 0};
  in.texts = {1, 0, 0, 1};
  in.exactKeys = {"a", "b"};
  EXPECT_THROW(evaluateRetrieval(in), std::invalid_argument);
}

}  // namespace
}  // namespace mcr::trainer
