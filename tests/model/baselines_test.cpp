// Tests for src/model/baselines.cpp: the linear baseline recovers an exact linear relation, and the mean baseline
// predicts the training mean.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "model/baselines.h"

namespace vgsales {
namespace {

// y = 2 x0 - 3 x1 + 5 on a small grid.
EncodedSplit linear_rows(SplitRole role, int first, int count) {
  EncodedSplit split;
  split.role = role;
  for (int i = first; i < first + count; ++i) {
    const float x0 = static_cast<float>(i % 7), x1 = static_cast<float>(i % 5) * 0.5f;
    split.features.values.insert(split.features.values.end(), {x0, x1});
    split.targets.push_back(2 * x0 - 3 * x1 + 5);
  }
  split.features.rows = static_cast<size_t>(count);
  split.features.width = 2;
  return split;
}

TEST(Baselines, TheLinearBaselineRecoversAnExactLinearRelation) {
  const EncodedSplit train = linear_rows(SplitRole::train, 0, 40);
  const LinearBaseline linear =
      fit_linear_baseline(train.features.values.data(), train.targets.data(), train.features.rows, 2);
  ASSERT_EQ(linear.coefficients.size(), 3u);  // two inputs, then the intercept
  EXPECT_NEAR(linear.coefficients[0], 2.0, 1e-5);
  EXPECT_NEAR(linear.coefficients[1], -3.0, 1e-5);
  EXPECT_NEAR(linear.coefficients[2], 5.0, 1e-5);
  const float row[] = {4.0f, 1.0f};
  const std::vector<float> predicted = linear.predict(row, 1, 2);
  ASSERT_EQ(predicted.size(), 1u);
  EXPECT_NEAR(predicted[0], 10.0f, 1e-4);
}

TEST(Baselines, CollinearOneHotColumnsStillFit) {
  // A one-hot pair sums to one, like the intercept: the ridge term keeps the system solvable.
  EncodedSplit split;
  for (int i = 0; i < 10; ++i) {
    const float a = static_cast<float>(i % 2);
    split.features.values.insert(split.features.values.end(), {a, 1 - a});
    split.targets.push_back(a ? 3.0f : 1.0f);
  }
  const LinearBaseline linear = fit_linear_baseline(split.features.values.data(), split.targets.data(), 10, 2);
  const std::vector<float> predicted = linear.predict(split.features.values.data(), 10, 2);
  for (size_t i = 0; i < predicted.size(); ++i) EXPECT_NEAR(predicted[i], split.targets[i], 1e-4) << i;
}

TEST(Baselines, MeasuresTheMeanAndLinearBaselinesOnTheHeldOutRows) {
  const EncodedSplit train = linear_rows(SplitRole::train, 0, 40);
  const EncodedSplit test = linear_rows(SplitRole::test, 40, 15);
  const auto baselines = measure_baselines(train, test);
  ASSERT_EQ(baselines.size(), 2u);
  EXPECT_EQ(baselines.at("mean").rows, 15);
  EXPECT_EQ(baselines.at("linear").rows, 15);
  EXPECT_LT(baselines.at("linear").rmse, 1e-4);
  // The mean baseline predicts the training mean for every row: its MAE is the mean distance to it.
  double mean = 0;
  for (float y : train.targets) mean += y;
  mean /= static_cast<double>(train.targets.size());
  double distance = 0;
  for (float y : test.targets) distance += std::abs(y - static_cast<float>(mean));
  EXPECT_NEAR(baselines.at("mean").mae, distance / 15, 1e-5);
  EXPECT_GT(baselines.at("mean").rmse, baselines.at("linear").rmse);
}

}  // namespace
}  // namespace vgsales
