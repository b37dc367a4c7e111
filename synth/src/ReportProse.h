#pragma once
// Internal: the grammar's phrasing of single findings.
#include <string>

#include "mcr/synth/Findings.h"
#include "mcr/synth/Random.h"

namespace mcr::synth::detail {

std::string capitalise(std::string s);
// One findings-section sentence for a finding.
std::string findingSentence(const Finding& f, Rng& r);
// The finding as an impression item (no final period).
std::string impressionPhrase(const Finding& f, Rng& r);
// Chronic or incidental findings that do not make an impression item on their own.
bool isIncidental(const std::string& name);

}  // namespace mcr::synth::detail
