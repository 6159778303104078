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

}  // namespace
}  // namespace vgsales
