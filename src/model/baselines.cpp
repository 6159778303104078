// The mean and linear baselines.
#include "model/baselines.h"

#include <algorithm>
#include <cmath>

#include "model/metrics.h"

namespace vgsales {

std::vector<float> LinearBaseline::predict(const float* features, size_t rows, size_t width) const {
  std::vector<float> out(rows);
  for (size_t r = 0; r < rows; ++r) {
    double y = coefficients.back();
    for (size_t c = 0; c < width; ++c) y += coefficients[c] * features[r * width + c];
    out[r] = static_cast<float>(y);
  }
  return out;
}

LinearBaseline fit_linear_baseline(const float* features, const float* targets, size_t rows, size_t width) {
  // Normal equations with a tiny ridge term, solved by Cholesky: one-hot columns are collinear
  // (each group sums to one), and the ridge keeps the system positive definite.
  const size_t n = width + 1;
  std::vector<double> gram(n * n, 0.0), rhs(n, 0.0), x(n);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < width; ++c) x[c] = features[r * width + c];
    x[width] = 1.0;
    for (size_t i = 0; i < n; ++i) {
      rhs[i] += x[i] * targets[r];
      for (size_t j = 0; j <= i; ++j) gram[i * n + j] += x[i] * x[j];
    }
  }
  double trace = 0;
  for (size_t i = 0; i < n; ++i) trace += gram[i * n + i];
  const double ridge = 1e-8 * trace / static_cast<double>(n) + 1e-12;
  for (size_t i = 0; i < n; ++i) gram[i * n + i] += ridge;
  std::vector<double> lower(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j <= i; ++j) {
      double sum = gram[i * n + j];
      for (size_t k = 0; k < j; ++k) sum -= lower[i * n + k] * lower[j * n + k];
      lower[i * n + j] = i == j ? std::sqrt(std::max(sum, 1e-300)) : sum / lower[j * n + j];
    }
  std::vector<double> z(n), beta(n);
  for (size_t i = 0; i < n; ++i) {
    double sum = rhs[i];
    for (size_t k = 0; k < i; ++k) sum -= lower[i * n + k] * z[k];
    z[i] = sum / lower[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {
    double sum = z[i];
    for (size_t k = i + 1; k < n; ++k) sum -= lower[k * n + i] * beta[k];
    beta[i] = sum / lower[i * n + i];
  }
  return LinearBaseline{beta};
}

std::map<std::string, SplitMetrics> measure_baselines(const EncodedSplit& train, const EncodedSplit& held_out) {
  std::map<std::string, SplitMetrics> baselines;
  double mean = 0;
  for (float y : train.targets) mean += y;
  mean /= static_cast<double>(train.targets.size());
  const std::vector<float> constant(held_out.targets.size(), static_cast<float>(mean));
  baselines["mean"] = compute_metrics(constant, held_out.targets);
  const size_t width = train.features.width;
  const LinearBaseline linear =
      fit_linear_baseline(train.features.values.data(), train.targets.data(), train.features.rows, width);
  baselines["linear"] =
      compute_metrics(linear.predict(held_out.features.values.data(), held_out.features.rows, width), held_out.targets);
  return baselines;
}

}  // namespace vgsales
