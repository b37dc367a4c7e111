#pragma once
// Deterministic randomness for the phantom and the report grammar.
//
// The engine is std::mt19937_64, whose output sequence the C++ standard fixes. The standard
// distributions (uniform_real_distribution, normal_distribution, ...) are NOT fixed across
// standard libraries, so every distribution used here is implemented in Random.cpp: the same
// seed gives the same pixels and the same prose with any compiler and libstdc++/libc++.
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace mcr::synth {

// FNV-1a, 64 bit: stable hashes of ids and finding strings (std::hash is not portable).
std::uint64_t stableHash(std::string_view text);
// SplitMix64 finaliser of a ^ rotated b: derives independent sub-seeds.
std::uint64_t mixSeed(std::uint64_t a, std::uint64_t b);

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t bits() { return engine_(); }
  double uniform();                          // [0, 1), 53 random bits
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  int uniformInt(int lo, int hi);            // inclusive bounds
  double normal();                           // standard normal, Marsaglia polar method
  double normal(double mean, double sd) { return mean + sd * normal(); }
  bool chance(double p) { return uniform() < p; }
  // Index drawn with probability proportional to weights (all >= 0, not all 0).
  std::size_t weighted(const std::vector<double>& weights);
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(uniformInt(0, static_cast<int>(items.size()) - 1))];
  }

 private:
  std::mt19937_64 engine_;
  bool haveSpare_ = false;
  double spare_ = 0;
};

}  // namespace mcr::synth
