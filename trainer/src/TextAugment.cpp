#include "mcr/trainer/TextAugment.h"

#include <cctype>
#include <cstdint>
#include <stdexcept>

#include "mcr/report/ReportText.h"
#include "mcr/synth/Findings.h"
#include "mcr/synth/Random.h"
#include "mcr/synth/ReportGrammar.h"

namespace mcr::trainer {

void validate(const TextAugmentOptions& o) {
  auto inUnit = [](double r) { return r >= 0.0 && r <= 1.0; };
  if (!inUnit(o.rewriteRate)) throw std::invalid_argument("--rewrite-rate must lie in [0, 1]");
  if (!inUnit(o.sentenceRate)) throw std::invalid_argument("--sentence-rate must lie in [0, 1]");
}

std::vector<std::string> reportSentences(const std::string& text) {
  std::vector<std::string> sentences;
  std::string current;
  auto flush = [&] {
    // A section heading ("FINDINGS:", "IMPRESSION:") opens a paragraph: drop it.
    const auto colon = current.find(':');
    if (colon != std::string::npos) {
      bool heading = colon > 0;
      for (std::size_t i = 0; i < colon && heading; ++i)
        heading = std::isupper(static_cast<unsigned char>(current[i])) || current[i] == ' ';
      if (heading) current.erase(0, colon + 1);
    }
    const auto first = current.find_first_not_of(" \t");
    bool hasWord = false;
    for (char c : current) hasWord = hasWord || std::isalnum(static_cast<unsigned char>(c));
    if (first != std::string::npos && hasWord) sentences.push_back(current.substr(first));
    current.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      flush();
      continue;
    }
    current.push_back(c);
    const bool end = c == '.' || c == '!' || c == '?';
    // "1.5 cm" and "x-ray." mid-word are not sentence ends: require a space or the end next.
    if (end && (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n')) flush();
  }
  flush();
  return sentences;
}

std::string grammarRewrite(const Study& study, uint64_t seed) {
  if (!study.hasFindings) return {};
  synth::Rng rng(seed);
  return report::normaliseReportText(synth::describeFindings(synth::parseFindingList(study.findings), rng).text());
}

std::string augmentReport(const Study& study, const TextAugmentOptions& o, uint64_t seed) {
  synth::Rng rng(seed);
  std::string text = study.reportText;
  if (study.hasFindings && o.rewriteRate > 0 && rng.chance(o.rewriteRate)) text = grammarRewrite(study, rng.bits());
  if (o.sentenceRate > 0 && rng.chance(o.sentenceRate)) {
    const auto sentences = reportSentences(text);
    if (sentences.size() > 1) {
      std::vector<bool> keep(sentences.size());
      bool any = false;
      for (std::size_t i = 0; i < keep.size(); ++i) any = (keep[i] = rng.chance(0.5)) || any;
      if (!any) keep[static_cast<std::size_t>(rng.uniformInt(0, static_cast<int>(keep.size()) - 1))] = true;
      std::string cut;
      for (std::size_t i = 0; i < sentences.size(); ++i)
        if (keep[i]) cut += (cut.empty() ? "" : " ") + sentences[i];
      text = report::normaliseReportText(cut);
    }
  }
  return text;
}

}  // namespace mcr::trainer
