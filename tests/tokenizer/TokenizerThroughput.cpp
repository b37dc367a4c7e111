// Tokenizer throughput on the IU report text (shared research data): training time for
// a few vocabulary sizes and encoded reports per second. A measurement, not a test:
//   build-*/tests/tokenizer/tokenizer_throughput [csv]
// Results go to docs/tokenizer.md and docs/benchmarks.md.
#include <chrono>
#include <cstdio>
#include <string>

#include "IuReportCorpus.h"
#include "mcr/report/ReportText.h"
#include "mcr/tokenizer/Tokenizer.h"

namespace {
double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

int main(int argc, char** argv) {
  using namespace mcr;
  const std::string csv = argc > 1 ? argv[1] : MCR_IU_REPORTS_CSV;
  const auto raw = tokenizer::testing::readIuReportTexts(csv);
  if (!raw) {
    std::fprintf(stderr, "IU report table not found at %s\n", csv.c_str());
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<std::string> texts;
  for (const auto& text : *raw) texts.push_back(report::normaliseReportText(text));
  std::printf("normaliseReportText: %zu reports in %.4f s\n", texts.size(), secondsSince(start));

  for (const std::size_t size : {1000u, 4000u, 8000u}) {
    double best = 1e9;
    std::unique_ptr<tokenizer::Tokenizer> trained;
    for (int repeat = 0; repeat < 3; ++repeat) {
      start = std::chrono::steady_clock::now();
      trained = tokenizer::trainWordPiece(texts, size);
      best = std::min(best, secondsSince(start));
    }
    std::printf("train vocabSize %zu -> %zu tokens: %.4f s (best of 3)\n", size, trained->vocabSize(), best);
  }
  {
    start = std::chrono::steady_clock::now();
    const auto filled = tokenizer::trainWordPiece(texts, 8000, tokenizer::WordPieceTrainingOptions{1});
    std::printf("train vocabSize 8000, minPairFrequency 1 -> %zu tokens: %.4f s\n", filled->vocabSize(),
                secondsSince(start));
  }
  const auto tokenizer = tokenizer::trainWordPiece(texts, 4000);
  std::size_t ids = 0;
  const int rounds = 20;
  start = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round)
    for (const auto& text : texts) ids += tokenizer->encode(text, 128).size();
  const double seconds = secondsSince(start);
  std::printf("encode (maxLength 128): %.0f reports/s, %.1f ids per report, one thread\n",
              rounds * texts.size() / seconds, static_cast<double>(ids) / (rounds * texts.size()));
  return 0;
}
