#pragma once
// The project's own report grammar: random finding sets whose distribution roughly follows
// the shared Indiana University reports (many normals; cardiomegaly, opacities, granulomas,
// atelectasis, degenerative spine, effusions ...), written as varied radiology prose with
// several phrasings per finding, side and severity words, pertinent negatives, normal
// boilerplate variants and an impression line. No shared text is used or needed.
#include <string>

#include "mcr/synth/Findings.h"
#include "mcr/synth/Random.h"

namespace mcr::synth {

struct SyntheticReport {
  FindingSet findings;
  std::string findingsText;
  std::string impressionText;
  // "FINDINGS: ...\nIMPRESSION: ..." (the layout the SR extractor returns).
  std::string text() const;
};

// A finding set drawn from the grammar's distribution (empty = normal study).
FindingSet sampleFindingSet(Rng& rng);
// Prose for a given finding set (any set of grammar findings; others get a generic sentence).
SyntheticReport describeFindings(const FindingSet& findings, Rng& rng);
// Both: sampleFindingSet then describeFindings.
SyntheticReport generateReport(Rng& rng);

// The canonical names the grammar can produce (a subset of canonicalFindingNames()).
const std::vector<std::string>& grammarFindingNames();

}  // namespace mcr::synth
