// Calibration of the trained ensemble's estimates on the holdout rows (bench/accuracy/RESEARCH.md), as pure
// functions: the mean's bias correction for a log1p target, the median (the head or the mean plus an offset) and the
// split-conformal interval. They return the shifts and what they chose with the figures behind it; the training job
// announces the choices and applies them to the settings and the network.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "data/feature_pipeline.h"
#include "model/encoded_split.h"
#include "model/portable_network.h"
#include "model/training_settings.h"

namespace vgsales {

// Duan's smearing estimate as a shift of the network's output before expm1: log mean exp(r) over the residuals
// r = log1p(y) - mu; 0 when that is not a finite positive mean.
float smearing_shift(std::span<const double> residuals);

// The least-squares alternative: log c for the factor c minimising sum (c * exp(mu) - 1 - y)^2; nullopt when the
// estimates overflow.
std::optional<float> least_squares_shift(std::span<const double> means, std::span<const float> targets);

// The order statistics split conformal prediction takes as a `level` interval's bounds from h sorted holdout
// residuals (1-based): floor((h + 1) alpha / 2) and ceil((h + 1) (1 - alpha / 2)), alpha = 1 - level; {0, 0} when
// h is too small for the level (fewer than 9 rows at 80 %).
std::pair<size_t, size_t> conformal_ranks(size_t h, double level);

// The holdout's view of the ensemble, in the transformed target's space: t - mu per row, and the head's estimate.
struct HoldoutResiduals {
  std::vector<double> residuals;  // t_i - mu(x_i), mu = z0 * S + O
  std::vector<double> head;       // z1 * S + O (empty without a median head)
  std::vector<double> mean;       // mu(x_i)
};
HoldoutResiduals holdout_residuals(const PortableNetwork& network, const FeaturePipeline& pipeline,
                                   const EncodedSplit& split);

// The mean's correction of a log1p target: both candidate shifts and the one chosen.
struct MeanShiftFit {
  float smearing = 0.0f;
  std::optional<float> least_squares;  // nullopt: the estimates overflow
  bool least_squares_chosen = false;   // asked for and available; else the smearing shift
  float shift() const { return least_squares_chosen ? *least_squares : smearing; }
};

// The median's choice: the head or the mean plus the residuals' median, with each one's holdout MAE (target units).
struct MedianChoice {
  bool head_available = false;
  bool head_chosen = false;
  double median_residual = 0;  // the offset added to the mean when the head is not chosen
  double offset_mae = 0;
  double head_mae = 0;  // 0 without a head
};

// The split-conformal interval: the ranks of its bounds among the sorted residuals, and the bounds.
struct ConformalInterval {
  size_t low = 0, high = 0, rows = 0;
};

struct Calibration {
  OutputShifts shifts;
  size_t rows = 0;                            // the rows calibrated on
  bool held_out = false;                      // they are the holdout (else the training rows, for want of one)
  std::optional<MeanShiftFit> mean;           // a log1p target only
  std::optional<MedianChoice> median;         // with an interval only
  std::optional<ConformalInterval> interval;  // a holdout with enough rows for --interval only
};

// Calibrates `network` on `rows`: the holdout when `held_out`, else the training rows (then the mean is corrected
// but the model has no median or interval).
Calibration calibrate_estimates(const PortableNetwork& network, const FeaturePipeline& pipeline,
                                const TrainingSettings& settings, const EncodedSplit& rows, bool held_out);

}  // namespace vgsales
