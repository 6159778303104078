// Tests for src/model/metrics.cpp against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>

#include "model/metrics.h"

namespace vgsales {
namespace {

TEST(Metrics, MatchHandComputedValues) {
  const std::vector<float> actual = {100, 200, 300, 400};
  const std::vector<float> predicted = {110, 190, 330, 400};
  const SplitMetrics m = compute_metrics(predicted, actual);
  EXPECT_DOUBLE_EQ(m.mse, (100.0 + 100.0 + 900.0 + 0.0) / 4);
  EXPECT_DOUBLE_EQ(m.rmse, std::sqrt(275.0));
  EXPECT_DOUBLE_EQ(m.mae, 12.5);
  EXPECT_NEAR(m.mape, 100.0 * (0.1 + 0.05 + 0.1 + 0.0) / 4, 1e-9);
  EXPECT_NEAR(m.r2, 1.0 - 1100.0 / 50000.0, 1e-12);
  EXPECT_EQ(m.rows, 4);
}

TEST(Metrics, MapeSkipsZeroTargets) {
  const SplitMetrics m = compute_metrics(std::vector<float>{1, 5}, std::vector<float>{0, 4});
  EXPECT_NEAR(m.mape, 25.0, 1e-9);
}

// Near zero: 0, or |target| below 5 % of the mean |target| (here 96.09, so below 4.80).
TEST(Metrics, CountsNearZeroTargets) {
  std::vector<float> actual(100, 100.0f);
  actual[0] = 0;
  actual[1] = 1.0f;
  actual[2] = -2.0f;
  actual[3] = 6.0f;
  const SplitMetrics m = compute_metrics(actual, actual);
  EXPECT_EQ(m.near_zero_targets, 3);
  EXPECT_FALSE(mape_is_meaningful(m));  // 3 % of the rows
}

TEST(Metrics, MapeIsMeaningfulWithAtMostOnePercentNearZero) {
  std::vector<float> actual(200, 50.0f);
  actual[7] = 0.1f;
  actual[9] = 0.0f;  // 2 of 200 = 1 %
  SplitMetrics m = compute_metrics(actual, actual);
  EXPECT_EQ(m.near_zero_targets, 2);
  EXPECT_TRUE(mape_is_meaningful(m));
  actual[11] = 1.0f;
  m = compute_metrics(actual, actual);
  EXPECT_FALSE(mape_is_meaningful(m));
  EXPECT_FALSE(mape_is_meaningful(SplitMetrics{}));  // no rows, no MAPE
}

}  // namespace
}  // namespace vgsales
