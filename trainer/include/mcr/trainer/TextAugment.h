#pragma once
// Report-text augmentation for training (torch-free).
//
// Two reasons to show the report encoder other texts than the one stored with the image:
// - Users type short queries ("right pleural effusion"), while every training report is a
//   whole report. Keeping a random subset of a report's sentences teaches the encoder that
//   one sentence of a report already points at the image (`sentenceRate`).
// - A few thousand reports repeat the same handful of phrasings. Where the manifest lists
//   the study's findings (mcr-synth's manifests, IU MeSH terms), the project's own report
//   grammar writes a fresh description of the same findings (`rewriteRate`), so the encoder
//   learns the findings rather than one site's wording. Studies without a findings column
//   are never rewritten.
// The choice for a (study, step) is a pure function of (seed, step, row): resume is exact.
#include <cstdint>
#include <string>
#include <vector>

#include "mcr/trainer/Manifest.h"

namespace mcr::trainer {

struct TextAugmentOptions {
  double rewriteRate = 0;   // share of reports replaced by grammar prose of their findings
  double sentenceRate = 0;  // share of (possibly rewritten) reports cut to a sentence subset
  bool active() const { return rewriteRate > 0 || sentenceRate > 0; }
};

// Throws std::invalid_argument unless both rates lie in [0, 1].
void validate(const TextAugmentOptions& options);

// The report text the step sees: the study's own text, a grammar rewrite of its findings
// and/or a subset of its sentences (each kept with probability 1/2, at least one, in order).
// Result is normalised like a stored report (report::normaliseReportText).
std::string augmentReport(const Study& study, const TextAugmentOptions& options, uint64_t seed);

// The sentences of a normalised report: split after '.', '!', '?' or a line break; section
// headings ("FINDINGS:") are dropped. Empty when the report has no words.
std::vector<std::string> reportSentences(const std::string& text);

// Grammar prose for a study's findings, for teaching the tokenizer the rewrite vocabulary.
// Empty when the study has no findings column.
std::string grammarRewrite(const Study& study, uint64_t seed);

}  // namespace mcr::trainer
