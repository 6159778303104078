// The baselines a trained network must beat: the training mean, and a least-squares linear regression on the
// encoded features.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "model/encoded_split.h"
#include "model/training_observer.h"

namespace vgsales {

// Least-squares linear regression on encoded features (the "linear" baseline).
struct LinearBaseline {
  std::vector<double> coefficients;  // per encoded input, then the intercept last
  std::vector<float> predict(const float* features, size_t rows, size_t width) const;
};
LinearBaseline fit_linear_baseline(const float* features, const float* targets, size_t rows, size_t width);

// The "mean" and "linear" baselines fitted on `train`, measured on `held_out`.
std::map<std::string, SplitMetrics> measure_baselines(const EncodedSplit& train, const EncodedSplit& held_out);

}  // namespace vgsales
