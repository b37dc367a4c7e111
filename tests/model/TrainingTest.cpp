// The objectives learn: the loss falls over 30 AdamW steps on a tiny synthetic set.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "ModelTestUtil.h"

namespace mcr::model {
namespace {

struct Curves {
  std::vector<double> total, contrastive;
};

Curves train(Objective objective, Aggregation aggregation, int steps) {
  torch::set_num_threads(1);  // deterministic and fair to the other tests on 2 cores
  auto tok = testing::tinyTokenizer();
  auto c = testing::tinyConfig(aggregation);
  auto model = makeModel(c, 11);
  torch::optim::AdamW opt(model->parameters(), torch::optim::AdamWOptions(1e-3).weight_decay(0.01));
  Curves curves;
  for (int step = 0; step < steps; ++step) {
    auto batch = testing::syntheticBatch(c, *tok, 16, step);
    auto l = model->losses(batch, sampleMasks(c, batch.ids, 16, 1000 + step), objective);
    opt.zero_grad();
    l.total.backward();
    opt.step();
    curves.total.push_back(l.total.item<double>());
    curves.contrastive.push_back(l.contrastive.item<double>());
    if (std::getenv("MCR_TEST_VERBOSE")) std::printf("%d total %.3f con %.3f rec %.3f mlm %.3f\n", step, l.total.item<double>(), l.contrastive.item<double>(), l.reconstruction.item<double>(), l.mlm.item<double>());
  }
  return curves;
}

double mean(const std::vector<double>& v, std::size_t from, std::size_t count) {
  return std::accumulate(v.begin() + from, v.begin() + from + count, 0.0) / count;
}

// Both the total and its contrastive part fall: the pairs, not only the pixels, are learnt.
void expectLearning(const Curves& c) {
  EXPECT_LT(mean(c.total, 25, 5), 0.85 * mean(c.total, 0, 5)) << "first " << c.total.front() << " last " << c.total.back();
  EXPECT_LT(mean(c.contrastive, 25, 5), mean(c.contrastive, 0, 5) - 0.1)
      << "contrastive first " << c.contrastive.front() << " last " << c.contrastive.back();
}

TEST(Training, LossDecreasesOver30StepsMCR) { expectLearning(train(Objective::MCR, Aggregation::MbA, 30)); }

TEST(Training, LossDecreasesOver30StepsDualStreamAbM) {
  expectLearning(train(Objective::DualStream, Aggregation::AbM, 30));
}

}  // namespace
}  // namespace mcr::model
