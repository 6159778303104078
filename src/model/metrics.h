// Regression errors in the target's own units.
#pragma once

#include <span>

#include "model/training_observer.h"

namespace vgsales {

// MSE, RMSE, MAE, MAPE (percent, rows with a zero target left out) and R^2; `loss` is left at 0.
SplitMetrics compute_metrics(std::span<const float> predictions, std::span<const float> actuals);

}  // namespace vgsales
