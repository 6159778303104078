// Regression errors in the target's own units.
#pragma once

#include <span>

#include "model/training_observer.h"

namespace vgsales {

// MSE, RMSE, MAE, MAPE (percent, rows with a zero target left out) and R^2; `loss` is left at 0.
SplitMetrics compute_metrics(std::span<const float> predictions, std::span<const float> actuals);

// Adds the median's MAE and the interval's coverage and mean width to `metrics`.
void add_interval_metrics(SplitMetrics& metrics, std::span<const float> median, std::span<const float> lower,
                          std::span<const float> upper, std::span<const float> actuals);

// MAPE divides each error by its target, so a few targets close to zero decide it. A target is near zero
// when it is 0 or |target| < 5 % of the mean |target| of its split; MAPE is worth printing only when at
// most 1 % of the rows are. So it is not printed for real/vgsales.csv (10 % of its games sold under
// 27,000 copies against a mean of 537,000) and is for the reference earnings (the smallest is 28 % of
// the mean).
inline constexpr double kNearZeroTargetFraction = 0.05;
inline constexpr double kMapeMaxNearZeroShare = 0.01;
inline bool mape_is_meaningful(const SplitMetrics& metrics) {
  return metrics.rows > 0 &&
         static_cast<double>(metrics.near_zero_targets) <= kMapeMaxNearZeroShare * static_cast<double>(metrics.rows);
}

}  // namespace vgsales
