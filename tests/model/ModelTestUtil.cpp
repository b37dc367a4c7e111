#include "ModelTestUtil.h"

namespace mcr::model::testing {

std::vector<std::string> tinyCorpus() {
  const std::vector<std::string> findings = {
      "the heart is enlarged. cardiomegaly is present.",
      "right pleural effusion with blunting of the costophrenic angle.",
      "a pacemaker is seen in the left chest wall.",
      "the lungs are clear. no acute cardiopulmonary abnormality.",
  };
  const std::vector<std::string> openers = {"frontal view of the chest.", "pa and lateral views.",
                                            "portable chest radiograph.", "single view of the chest."};
  std::vector<std::string> out;
  for (int i = 0; i < 16; ++i) out.push_back(openers[(i / 4) % 4] + " " + findings[i % 4]);
  return out;
}

std::unique_ptr<tokenizer::Tokenizer> tinyTokenizer() { return tokenizer::trainWordPiece(tinyCorpus(), 120); }

ModelConfig tinyConfig(Aggregation aggregation) {
  ModelConfig c = presetConfig("tiny");
  c.imageSize = 32;
  c.patchSize = 8;
  c.maxTokens = 32;
  c.vocabSize = static_cast<int>(tinyTokenizer()->vocabSize());
  c.aggregation = aggregation;
  return c;
}

TrainBatch syntheticBatch(const ModelConfig& c, const tokenizer::Tokenizer& tok, int batchSize, int offset) {
  const auto corpus = tinyCorpus();
  TrainBatch b;
  b.images = torch::zeros({batchSize, 1, c.imageSize, c.imageSize});
  b.ids = torch::zeros({batchSize, c.maxTokens}, torch::kLong);
  b.groups = torch::zeros({batchSize}, torch::kLong);
  for (int i = 0; i < batchSize; ++i) {
    const int item = (i + offset) % static_cast<int>(corpus.size());
    const int finding = item % 4;
    // Finding k lights quadrant k; the opener sets a faint background level.
    const int half = c.imageSize / 2;
    b.images[i][0].fill_(0.05 * (item / 4));
    b.images[i][0].narrow(0, (finding / 2) * half, half).narrow(1, (finding % 2) * half, half).fill_(0.9);
    auto ids = tok.encode(corpus[item], c.maxTokens);
    for (std::size_t j = 0; j < ids.size(); ++j) b.ids[i][j] = ids[j];
    b.groups[i] = item;
  }
  // Trim the padding columns no report uses.
  auto used = b.ids.ne(0).any(0).nonzero().max().item<int64_t>() + 1;
  b.ids = b.ids.narrow(1, 0, used).contiguous();
  return b;
}

}  // namespace mcr::model::testing
