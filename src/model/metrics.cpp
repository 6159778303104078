// Metrics accumulated in double precision: float sums drift over millions of rows.
#include "model/metrics.h"

#include <cmath>

namespace vgsales {

SplitMetrics compute_metrics(std::span<const float> predictions, std::span<const float> actuals) {
  SplitMetrics metrics;
  const size_t n = actuals.size();
  metrics.rows = static_cast<long long>(n);
  if (n == 0) return metrics;
  double squared = 0, absolute = 0, percent = 0, mean = 0, mean_magnitude = 0;
  long long percent_rows = 0;
  for (size_t i = 0; i < n; ++i) {
    mean += actuals[i];
    mean_magnitude += std::abs(actuals[i]);
  }
  mean /= static_cast<double>(n);
  mean_magnitude /= static_cast<double>(n);
  for (size_t i = 0; i < n; ++i)
    metrics.near_zero_targets += actuals[i] == 0 || std::abs(actuals[i]) < kNearZeroTargetFraction * mean_magnitude;
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    const double error = static_cast<double>(predictions[i]) - actuals[i];
    squared += error * error;
    absolute += std::abs(error);
    total += (actuals[i] - mean) * (actuals[i] - mean);
    if (actuals[i] != 0) {
      percent += std::abs(error / actuals[i]);
      ++percent_rows;
    }
  }
  metrics.mse = squared / static_cast<double>(n);
  metrics.rmse = std::sqrt(metrics.mse);
  metrics.mae = absolute / static_cast<double>(n);
  metrics.mape = percent_rows ? 100.0 * percent / static_cast<double>(percent_rows) : 0.0;
  metrics.r2 = total > 0 ? 1.0 - squared / total : 0.0;
  return metrics;
}

void add_interval_metrics(SplitMetrics& metrics, std::span<const float> median, std::span<const float> lower,
                          std::span<const float> upper, std::span<const float> actuals) {
  const size_t n = actuals.size();
  if (n == 0) return;
  double absolute = 0, inside = 0, width = 0;
  for (size_t i = 0; i < n; ++i) {
    absolute += std::abs(static_cast<double>(median[i]) - actuals[i]);
    inside += lower[i] <= actuals[i] && actuals[i] <= upper[i] ? 1.0 : 0.0;
    width += static_cast<double>(upper[i]) - lower[i];
  }
  metrics.median_mae = absolute / static_cast<double>(n);
  metrics.coverage = inside / static_cast<double>(n);
  metrics.mean_interval_width = width / static_cast<double>(n);
}

}  // namespace vgsales
