#include "mcr/trainer/LinearProbe.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mcr::trainer {
namespace {

// Ridge strength relative to the mean feature variance: enough to keep the normal
// equations well-posed for a rare class (a few dozen positives in 128 dimensions), small
// enough not to flatten the direction the classes differ in.
constexpr double kRidge = 1e-2;

// Solves A v = r in place (A: m x m, symmetric positive definite) by Cholesky.
std::vector<double> solveSpd(std::vector<double> a, std::vector<double> r, std::size_t m) {
  for (std::size_t j = 0; j < m; ++j) {
    double d = a[j * m + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * m + k] * a[j * m + k];
    if (!(d > 0)) throw std::invalid_argument("linear probe: the features are degenerate");
    d = std::sqrt(d);
    a[j * m + j] = d;
    for (std::size_t i = j + 1; i < m; ++i) {
      double s = a[i * m + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * m + k] * a[j * m + k];
      a[i * m + j] = s / d;
    }
  }
  for (std::size_t i = 0; i < m; ++i) {  // L y = r
    for (std::size_t k = 0; k < i; ++k) r[i] -= a[i * m + k] * r[k];
    r[i] /= a[i * m + i];
  }
  for (std::size_t i = m; i-- > 0;) {  // L^T v = y
    for (std::size_t k = i + 1; k < m; ++k) r[i] -= a[k * m + i] * r[k];
    r[i] /= a[i * m + i];
  }
  return r;
}

}  // namespace

double LinearProbe::score(const float* feature) const {
  double s = 0;
  for (std::size_t d = 0; d < weights.size(); ++d) s += weights[d] * (feature[d] - centre[d]);
  return s;
}

std::vector<double> LinearProbe::scores(const std::vector<float>& rows, std::size_t dim) const {
  if (dim != weights.size() || rows.size() % dim != 0)
    throw std::invalid_argument("linear probe: rows are not of the probe's dimension");
  std::vector<double> out(rows.size() / dim);
  for (std::size_t j = 0; j < out.size(); ++j) out[j] = score(rows.data() + j * dim);
  return out;
}

// A class-balanced least-squares (ridge) classifier, solved in closed form: targets +1 /
// -1, each class weighing half of the loss however rare it is. Its direction is a
// ridge-regularised Fisher discriminant; unlike an iterative logistic fit it needs no step
// size or stopping rule.
LinearProbe fitLinearProbe(const std::vector<float>& features, std::size_t dim, const std::vector<bool>& positive) {
  const std::size_t n = positive.size();
  if (dim == 0 || features.size() != n * dim) throw std::invalid_argument("linear probe: features and labels disagree in size");
  const auto positives = static_cast<std::size_t>(std::count(positive.begin(), positive.end(), true));
  if (positives == 0 || positives == n) throw std::invalid_argument("linear probe: the labels hold only one class");
  const double wPos = 0.5 / static_cast<double>(positives), wNeg = 0.5 / static_cast<double>(n - positives);
  auto weightOf = [&](std::size_t i) { return positive[i] ? wPos : wNeg; };

  LinearProbe p;
  std::vector<double> centre(dim, 0.0);  // the balanced mean
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < dim; ++d) centre[d] += weightOf(i) * features[i * dim + d];
  p.centre.assign(centre.begin(), centre.end());

  std::vector<double> gram(dim * dim, 0.0), rhs(dim, 0.0), x(dim);
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = weightOf(i), y = positive[i] ? 1.0 : -1.0;
    for (std::size_t d = 0; d < dim; ++d) x[d] = features[i * dim + d] - centre[d];
    for (std::size_t a = 0; a < dim; ++a) {
      rhs[a] += wi * x[a] * y;
      for (std::size_t c = 0; c <= a; ++c) gram[a * dim + c] += wi * x[a] * x[c];
    }
  }
  double trace = 0;
  for (std::size_t a = 0; a < dim; ++a) {
    trace += gram[a * dim + a];
    for (std::size_t c = 0; c < a; ++c) gram[c * dim + a] = gram[a * dim + c];
  }
  const double ridge = kRidge * std::max(trace / static_cast<double>(dim), 1e-12);
  for (std::size_t a = 0; a < dim; ++a) gram[a * dim + a] += ridge;
  const auto w = solveSpd(std::move(gram), std::move(rhs), dim);
  p.weights.assign(w.begin(), w.end());
  return p;
}

}  // namespace mcr::trainer
