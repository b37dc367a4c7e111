#pragma once
// The image side's ceiling for a text probe (`mcr-train eval --probe-ceiling`): a linear
// classifier fitted on reference image embeddings (the train split) ranks the gallery
// images for one finding class. A probe that the text query misses but the classifier
// finds is a miss of the text side (the query does not point where the images are); one
// that both miss is not separated by the image encoder at all. Torch-free.
#include <cstddef>
#include <vector>

namespace mcr::trainer {

struct LinearProbe {
  std::vector<float> centre;   // class-balanced mean of the reference features, subtracted before scoring
  std::vector<float> weights;  // dim values
  // No bias: centred on the balanced mean, the balanced +1/-1 targets average 0, and so
  // does the least-squares offset. A ranking needs none anyway.
  double score(const float* feature) const;
  // One score per row of `rows` (n x dim); throws std::invalid_argument for another dim.
  std::vector<double> scores(const std::vector<float>& rows, std::size_t dim) const;
};

// A class-balanced ridge (least-squares) classifier on the features (n x dim, row-major),
// solved in closed form: deterministic, no step size. Throws std::invalid_argument when sizes
// disagree or the labels hold only one class.
LinearProbe fitLinearProbe(const std::vector<float>& features, std::size_t dim, const std::vector<bool>& positive);

}  // namespace mcr::trainer
