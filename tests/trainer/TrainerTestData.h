#pragma once
// A tiny learnable study set on disk: 48 px PNGs whose bright quadrant encodes the finding,
// matching report texts, and a manifest.csv in mcr-synth's column layout.
#include <string>

namespace mcr::trainer::testing {

// Writes `studies` studies (patients of 2 studies each) under `dir`; returns the manifest path.
std::string writeTinyStudySet(const std::string& dir, int studies);
std::string uniqueTempDir(const std::string& name);

}  // namespace mcr::trainer::testing
