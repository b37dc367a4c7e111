// One trained tokenizer shared by several threads (as in the plugin): encode and decode
// are const and must give each thread the single-threaded result. Run under TSan.
#include <gtest/gtest.h>

#include <thread>

#include "mcr/tokenizer/Tokenizer.h"

namespace mcr::tokenizer {
namespace {

TEST(TokenizerConcurrency, ThreadsShareOneTokenizer) {
  const std::vector<std::string> texts = {
      "The heart is normal in size. No pleural effusion.",
      "Right lower lobe consolidation, concerning for pneumonia.",
      "Calcified granuloma in the left upper lobe, 5 mm. Clear lungs.",
      "Sternotomy wires are intact. Mild cardiomegaly \xe2\x98\x83 unchanged.",
  };
  const auto tokenizer = trainWordPiece(texts, 120);
  std::vector<std::vector<int64_t>> expected;
  for (const auto& text : texts) expected.push_back(tokenizer->encode(text, 32));

  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 500; ++round) {
        const std::size_t i = static_cast<std::size_t>(round + t) % texts.size();
        const auto ids = tokenizer->encode(texts[i], 32);
        if (ids != expected[i] || tokenizer->decode(ids) != tokenizer->decode(expected[i])) ++mismatches[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace mcr::tokenizer
