// Tests for src/model/calibration.cpp: the mean's smearing and least-squares shifts, the conformal ranks, and the
// decisions calibrate_estimates returns, on small hand-computed data.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "model/calibration.h"

namespace vgsales {
namespace {

TEST(Calibration, SmearingIsTheLogOfTheMeanExponentiatedResidual) {
  const std::vector<double> residuals{std::log(2.0), std::log(4.0)};  // exp: 2 and 4, mean 3
  EXPECT_FLOAT_EQ(smearing_shift(residuals), std::log(3.0f));
  EXPECT_EQ(smearing_shift(std::vector<double>{0.0, 0.0, 0.0}), 0.0f);  // unbiased already
  EXPECT_EQ(smearing_shift({}), 0.0f);                                  // no rows: no correction
  EXPECT_EQ(smearing_shift(std::vector<double>{1000.0}), 0.0f);         // exp overflows: no correction
}

TEST(Calibration, LeastSquaresFactorIsTheClosedFormMinimiser) {
  // means 0 and log 2, targets 1 and 7: c = (1 * 2 + 2 * 8) / (1 + 4) = 3.6.
  const std::vector<double> means{0.0, std::log(2.0)};
  const std::vector<float> targets{1.0f, 7.0f};
  const std::optional<float> shift = least_squares_shift(means, targets);
  ASSERT_TRUE(shift.has_value());
  EXPECT_FLOAT_EQ(*shift, std::log(3.6f));
  // The factor minimises the squared error in the target's units: nudging it either way costs.
  auto squared_error = [&](double factor) {
    double sum = 0;
    for (size_t i = 0; i < means.size(); ++i) sum += std::pow(factor * std::exp(means[i]) - 1 - targets[i], 2);
    return sum;
  };
  const double best = std::exp(static_cast<double>(*shift));
  EXPECT_LT(squared_error(best), squared_error(best * 1.01));
  EXPECT_LT(squared_error(best), squared_error(best / 1.01));
  // Estimates that overflow have no least-squares factor.
  EXPECT_FALSE(least_squares_shift(std::vector<double>{1000.0}, std::vector<float>{1.0f}).has_value());
}

TEST(Calibration, ConformalRanksAreTheSplitConformalOrderStatistics) {
  EXPECT_EQ(conformal_ranks(200, 0.8), (std::pair<size_t, size_t>{20, 181}));  // the reference job's holdout
  EXPECT_EQ(conformal_ranks(1328, 0.8),
            (std::pair<size_t, size_t>{132, 1197}));                      // a vgsales split's: 1329 x 0.9 = 1196.1
  EXPECT_EQ(conformal_ranks(9, 0.8), (std::pair<size_t, size_t>{1, 9}));  // the fewest rows for 80 %
  EXPECT_EQ(conformal_ranks(8, 0.8), (std::pair<size_t, size_t>{0, 0}));
  EXPECT_EQ(conformal_ranks(99, 0.9), (std::pair<size_t, size_t>{5, 95}));  // (h + 1) * 0.95 is exactly 95
}

// One numeric input x, unscaled, and a network y = x (a second column, the median head, y = x + head_bias).
struct OneInputModel {
  FeaturePipeline pipeline;
  PortableNetwork network;
};

OneInputModel one_input_model(TargetTransform transform, std::optional<float> head_bias = std::nullopt) {
  FeatureSpec x;
  x.name = "x";
  OneInputModel model{FeaturePipeline({x}, "y", MissingValueSet()), {}};
  model.pipeline.set_target_transform(transform);
  model.pipeline.set_scaling(PipelineScaling{{0.0f}, {1.0f}, 0.0f, 1.0f});
  model.network = network_frame(model.pipeline, "y", OutputShifts{});
  DenseLayer identity{1, 1, {1.0f}, {0.0f}, false};
  if (head_bias) identity = DenseLayer{1, 2, {1.0f, 1.0f}, {0.0f, *head_bias}, false};
  model.network.layers = {identity};
  return model;
}

EncodedSplit rows_of(const std::vector<float>& x, const std::vector<float>& y) {
  EncodedSplit split;
  split.role = SplitRole::validation;
  split.features = EncodedRows{x, x.size(), 1, 0};
  split.targets = y;
  return split;
}

// x = 0..9 and y = x + r with the residuals r = -5..-1, 1..5 in a shuffled order.
EncodedSplit ten_holdout_rows() {
  const std::vector<float> residuals{3, -1, 5, -4, 1, -5, 2, -2, 4, -3};
  std::vector<float> x, y;
  for (size_t i = 0; i < residuals.size(); ++i) {
    x.push_back(static_cast<float>(i));
    y.push_back(static_cast<float>(i) + residuals[i]);
  }
  return rows_of(x, y);
}

TEST(Calibration, TheIntervalTakesTheConformalOrderStatisticsOfTheHoldoutResiduals) {
  const OneInputModel model = one_input_model(TargetTransform::none);
  TrainingSettings settings;
  settings.interval = 0.8;  // 10 rows: ranks 1 and 10 of the sorted residuals
  const Calibration calibration =
      calibrate_estimates(model.network, model.pipeline, settings, ten_holdout_rows(), true);
  EXPECT_FALSE(calibration.mean.has_value());  // a raw target needs no mean correction
  ASSERT_TRUE(calibration.interval.has_value());
  EXPECT_EQ(calibration.interval->low, 1u);
  EXPECT_EQ(calibration.interval->high, 10u);
  EXPECT_EQ(calibration.interval->rows, 10u);
  EXPECT_TRUE(calibration.shifts.has_interval);
  EXPECT_EQ(calibration.shifts.lower, -5.0f);
  EXPECT_EQ(calibration.shifts.upper, 5.0f);
  // Without a head the median is the mean plus the residuals' median, (-1 + 1) / 2.
  ASSERT_TRUE(calibration.median.has_value());
  EXPECT_FALSE(calibration.median->head_available);
  EXPECT_FALSE(calibration.shifts.median_from_head);
  EXPECT_EQ(calibration.median->median_residual, 0.0);
  EXPECT_DOUBLE_EQ(calibration.median->offset_mae, 3.0);  // (5 + 4 + 3 + 2 + 1) * 2 / 10
}

TEST(Calibration, TheMedianHeadIsChosenWhenAskedOrWhenItsHoldoutErrorIsLower) {
  // The head answers x + 2: |2 - r| sums to 32 over the ten rows, against 30 for the offset.
  const OneInputModel model = one_input_model(TargetTransform::none, 2.0f);
  TrainingSettings settings;
  const Calibration automatic = calibrate_estimates(model.network, model.pipeline, settings, ten_holdout_rows(), true);
  ASSERT_TRUE(automatic.median.has_value());
  EXPECT_TRUE(automatic.median->head_available);
  EXPECT_FALSE(automatic.median->head_chosen);
  EXPECT_DOUBLE_EQ(automatic.median->head_mae, 3.2);
  EXPECT_DOUBLE_EQ(automatic.median->offset_mae, 3.0);
  EXPECT_FALSE(automatic.shifts.median_from_head);

  settings.median = MedianSetting::head;
  const Calibration head = calibrate_estimates(model.network, model.pipeline, settings, ten_holdout_rows(), true);
  EXPECT_TRUE(head.median->head_chosen);
  EXPECT_TRUE(head.shifts.median_from_head);
  EXPECT_EQ(head.shifts.median, 0.0f);  // the head's own column needs no offset
}

TEST(Calibration, TrainingRowsCorrectTheMeanButGiveNoInterval) {
  // log1p target; means 0 and log 2 (x), targets 1 and 7: smearing log 3, least squares log 3.6.
  const OneInputModel model = one_input_model(TargetTransform::log1p);
  const EncodedSplit rows = rows_of({0.0f, static_cast<float>(std::log(2.0))}, {1.0f, 7.0f});
  TrainingSettings settings;
  const Calibration least = calibrate_estimates(model.network, model.pipeline, settings, rows, false);
  ASSERT_TRUE(least.mean.has_value());
  EXPECT_EQ(least.rows, 2u);
  EXPECT_FALSE(least.held_out);
  EXPECT_TRUE(least.mean->least_squares_chosen);
  EXPECT_NEAR(least.shifts.mean, std::log(3.6), 1e-6);
  EXPECT_NEAR(least.mean->smearing, std::log(3.0), 1e-6);
  EXPECT_FALSE(least.interval.has_value());
  EXPECT_FALSE(least.median.has_value());
  EXPECT_FALSE(least.shifts.has_interval);

  settings.mean_correction = MeanCorrection::smearing;
  const Calibration smearing = calibrate_estimates(model.network, model.pipeline, settings, rows, false);
  EXPECT_FALSE(smearing.mean->least_squares_chosen);
  EXPECT_EQ(smearing.shifts.mean, smearing.mean->smearing);
}

TEST(Calibration, TooFewHoldoutRowsGiveNoInterval) {
  const OneInputModel model = one_input_model(TargetTransform::none);
  TrainingSettings settings;
  settings.interval = 0.8;
  const Calibration calibration = calibrate_estimates(model.network, model.pipeline, settings,
                                                      rows_of({0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}),
                                                      true);  // 8 rows: below the 9 an 80 % interval needs
  EXPECT_EQ(calibration.rows, 8u);
  EXPECT_FALSE(calibration.interval.has_value());
  EXPECT_FALSE(calibration.shifts.has_interval);
}

}  // namespace
}  // namespace vgsales
