// Tests for src/common/statistics.cpp: the sample skewness behind `--target-transform auto` and the plot's log axes.
#include "common/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace vgsales {
namespace {

TEST(Statistics, SymmetricSamplesHaveNoSkew) {
  EXPECT_EQ(sample_skewness(std::vector<float>{1, 2, 3, 4, 5}), 0.0);
  EXPECT_EQ(sample_skewness(std::vector<float>{-2, 0, 2}), 0.0);
}

TEST(Statistics, NoValuesOrNoSpreadGiveZero) {
  EXPECT_EQ(sample_skewness(std::vector<float>{}), 0.0);
  EXPECT_EQ(sample_skewness(std::vector<float>{7, 7, 7}), 0.0);
}

TEST(Statistics, ALongRightTailIsPositive) {
  // {0, 0, 0, 4}: mean 1, m2 = (1 + 1 + 1 + 9) / 4 = 3, m3 = (-1 - 1 - 1 + 27) / 4 = 6, so 6 / 3^1.5.
  EXPECT_DOUBLE_EQ(sample_skewness(std::vector<float>{0, 0, 0, 4}), 6 / std::pow(3.0, 1.5));
  EXPECT_DOUBLE_EQ(sample_skewness(std::vector<float>{0, 0, 0, -4}), -6 / std::pow(3.0, 1.5));
}

TEST(Statistics, ANonFiniteValueGivesZero) {
  // The moments become NaN, and NaN is not a spread above 0: `--target-transform auto` then keeps the target as is.
  EXPECT_EQ(sample_skewness(std::vector<float>{0, 0, 0, 4, NAN}), 0.0);
  EXPECT_EQ(sample_skewness(std::vector<float>{0, 0, 0, 4, INFINITY}), 0.0);
  EXPECT_EQ(sample_skewness(std::vector<float>{0, 0, 0, 4, -INFINITY}), 0.0);
}

}  // namespace
}  // namespace vgsales
