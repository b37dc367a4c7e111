#pragma once
// Helpers shared by the indexer tests: scratch directories and synthetic vectors.
#include <ftw.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcr/index/VectorIndex.h"

namespace mcr::index::testing {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + std::string("/mcr-index-XXXXXX");
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    ::nftw(path_.c_str(), [](const char* p, const struct stat*, int, struct FTW*) { return ::remove(p); }, 16,
           FTW_DEPTH | FTW_PHYS);
  }
  const std::string& path() const { return path_; }
  std::string index() const { return path_ + "/index"; }

 private:
  std::string path_;
};

inline void normalise(std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += double(x) * x;
  const float inv = static_cast<float>(1.0 / std::sqrt(s));
  for (float& x : v) x *= inv;
}

inline std::vector<float> randomUnit(std::mt19937& rng, int dim) {
  std::normal_distribution<float> normal;
  std::vector<float> v(dim);
  for (float& x : v) x = normal(rng);
  normalise(v);
  return v;
}

// Points around `clusters` random centres (spread 0.3): structured like real embeddings.
inline std::vector<std::vector<float>> clustered(std::mt19937& rng, std::size_t n, int dim, int clusters) {
  std::vector<std::vector<float>> centres;
  for (int c = 0; c < clusters; ++c) centres.push_back(randomUnit(rng, dim));
  std::normal_distribution<float> noise(0.f, 0.3f / std::sqrt(float(dim)) * 3.f);
  std::vector<std::vector<float>> points;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<float> v = centres[i % clusters];
    for (float& x : v) x += noise(rng);
    normalise(v);
    points.push_back(std::move(v));
  }
  return points;
}

inline Record record(const std::string& patient, const std::string& study, const std::string& series,
                     const std::string& instance, const std::string& date = "20200101",
                     const std::string& modality = "CR") {
  Record r;
  r.patient = patient;
  r.study = study;
  r.series = series;
  r.instance = instance;
  r.sopInstanceUid = "1.2.3." + instance;
  r.studyDate = date;
  r.modality = modality;
  return r;
}

inline Options options(int dim, const std::string& fingerprint = "model-A") {
  Options o;
  o.dim = dim;
  o.modelFingerprint = fingerprint;
  o.initialCapacity = 64;
  return o;
}

inline float dotProduct(const std::vector<float>& a, const float* b) {
  float s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace mcr::index::testing
