// The calibration's statistics and decisions; the training job announces and applies them.
#include "model/calibration.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "model/native_forward.h"

namespace vgsales {

// A network fitted to log(1 + y) predicts roughly the conditional median of y, which sits below the mean for
// long-tailed targets and costs RMSE on the blockbusters. Duan's smearing estimate scales exp() of the prediction
// by the mean ratio (1 + y) / (1 + y_hat); since expm1(z + log s) = s * exp(z) - 1, it is a shift of the network's
// output before expm1, which every export carries unchanged. Here, from residuals r = log1p(y) - z: log mean exp(r).
float smearing_shift(std::span<const double> residuals) {
  double sum = 0;
  for (double r : residuals) sum += std::exp(r);
  const double smearing = residuals.empty() ? 1.0 : sum / static_cast<double>(residuals.size());
  return std::isfinite(smearing) && smearing > 0 ? static_cast<float>(std::log(smearing)) : 0.0f;
}

// The least-squares alternative: the factor c = exp(shift) minimising sum (c * exp(mu) - 1 - y)^2, the squared error
// of the corrected estimate in the target's units, which is what RMSE and revenue totals weigh: Duan's factor weighs
// every game alike, this one the big sellers most. Closed form: c = sum exp(mu) (1 + y) / sum exp(2 mu).
std::optional<float> least_squares_shift(std::span<const double> means, std::span<const float> targets) {
  double cross = 0, square = 0;
  for (size_t i = 0; i < means.size(); ++i) {
    const double base = std::exp(means[i]);
    cross += base * (1.0 + static_cast<double>(targets[i]));
    square += base * base;
  }
  const double factor = cross / square;
  if (!(std::isfinite(factor) && factor > 0 && std::isfinite(square) && square > 0)) return std::nullopt;
  return static_cast<float>(std::log(factor));
}

HoldoutResiduals holdout_residuals(const PortableNetwork& network, const FeaturePipeline& pipeline,
                                   const EncodedSplit& split) {
  const NativeForward forward(network);
  const size_t n = split.features.rows;
  const auto columns = static_cast<size_t>(forward.output_columns());
  std::vector<float> z(n * columns);
  forward.predict_network_columns(split.features.values, n, z);
  const double scale = pipeline.scaling().target_scale, offset = pipeline.scaling().target_offset;
  const bool log1p = pipeline.target_transform() == TargetTransform::log1p;
  HoldoutResiduals out;
  for (size_t i = 0; i < n; ++i) {
    const double t = log1p ? std::log1p(static_cast<double>(split.targets[i])) : split.targets[i];
    const double mu = z[i * columns] * scale + offset;
    out.mean.push_back(mu);
    out.residuals.push_back(t - mu);
    if (columns == 2) out.head.push_back(z[i * columns + 1] * scale + offset);
  }
  return out;
}

std::pair<size_t, size_t> conformal_ranks(size_t h, double level) {
  const double alpha = 1.0 - level;
  const double rows = static_cast<double>(h) + 1.0;
  // In floating point (h + 1) * 0.9 can land just above an integer, hence the tolerance.
  const auto low = static_cast<size_t>(std::floor(rows * alpha / 2 + 1e-9));
  const auto high = static_cast<size_t>(std::ceil(rows * (1 - alpha / 2) - 1e-9));
  if (low < 1 || high > h || low > high) return {0, 0};
  return {low, high};
}

namespace {

MeanShiftFit correct_mean(const HoldoutResiduals& fitted, const EncodedSplit& rows, const TrainingSettings& settings) {
  MeanShiftFit correction;
  correction.smearing = smearing_shift(fitted.residuals);
  correction.least_squares = least_squares_shift(fitted.mean, rows.targets);
  correction.least_squares_chosen = settings.mean_correction == MeanCorrection::least_squares &&
                                    correction.least_squares;
  return correction;
}

// The head, or the mean plus the residuals' median: whichever --median asks for, or under auto the one with the
// lower holdout MAE in the target's units.
MedianChoice choose_median(const HoldoutResiduals& fitted, const std::vector<double>& sorted, const EncodedSplit& rows,
                           bool log1p, const TrainingSettings& settings) {
  const size_t h = sorted.size();
  MedianChoice choice;
  choice.median_residual = h % 2 ? sorted[h / 2] : (sorted[h / 2 - 1] + sorted[h / 2]) / 2;
  // As the model will answer: back in the target's units, clipped to its range.
  const TargetRange range = settings.target_range.kind == TargetRangeSetting::Kind::fixed ? settings.target_range.range
                                                                                          : TargetRange{};
  auto to_units = [log1p, range](double t) { return range.clip(log1p ? std::expm1(t) : t); };
  double offset_error = 0, head_error = 0;
  for (size_t i = 0; i < h; ++i) {
    offset_error += std::abs(to_units(fitted.mean[i] + choice.median_residual) - rows.targets[i]);
    if (!fitted.head.empty()) head_error += std::abs(to_units(fitted.head[i]) - rows.targets[i]);
  }
  const MedianSetting asked = settings.median;
  choice.head_available = !fitted.head.empty();
  choice.head_chosen = !fitted.head.empty() && (asked == MedianSetting::head ||
                                                (asked == MedianSetting::automatic && head_error < offset_error));
  choice.offset_mae = offset_error / static_cast<double>(h);
  choice.head_mae = head_error / static_cast<double>(h);
  return choice;
}

}  // namespace

Calibration calibrate_estimates(const PortableNetwork& network, const FeaturePipeline& pipeline,
                                const TrainingSettings& settings, const EncodedSplit& rows, bool held_out) {
  const bool log1p = pipeline.target_transform() == TargetTransform::log1p;
  Calibration calibration;
  calibration.rows = rows.targets.size();
  calibration.held_out = held_out;
  const HoldoutResiduals fitted = holdout_residuals(network, pipeline, rows);
  if (log1p) {
    calibration.mean = correct_mean(fitted, rows, settings);
    calibration.shifts.mean = calibration.mean->shift();
  }
  const auto [low, high] = held_out ? conformal_ranks(fitted.residuals.size(), settings.interval)
                                    : std::pair<size_t, size_t>{0, 0};
  if (settings.interval > 0 && low > 0) {
    std::vector<double> sorted = fitted.residuals;
    std::sort(sorted.begin(), sorted.end());
    const MedianChoice& median = calibration.median.emplace(choose_median(fitted, sorted, rows, log1p, settings));
    calibration.interval = ConformalInterval{low, high, sorted.size()};
    OutputShifts& shifts = calibration.shifts;
    shifts.has_interval = true;
    shifts.median_from_head = median.head_chosen;
    shifts.median = median.head_chosen ? 0.0f : static_cast<float>(median.median_residual);
    shifts.lower = static_cast<float>(sorted[low - 1]);
    shifts.upper = static_cast<float>(sorted[high - 1]);
  }
  return calibration;
}

}  // namespace vgsales
