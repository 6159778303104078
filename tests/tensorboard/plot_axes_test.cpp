// Tests for src/tensorboard/plot_axes.cpp: tick steps and labels, the range fitted to the finite rows, linear and
// log axes, and where a value lands in pixels.
#include "tensorboard/plot_axes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace vgsales::tensorboard {
namespace {

TEST(TensorboardPlotAxes, StepsAreOneTwoOrFiveTimesAPowerOfTen) {
  EXPECT_DOUBLE_EQ(nice_step(10, 8), 2);        // 1.25 per step rounds up to 2
  EXPECT_DOUBLE_EQ(nice_step(8, 8), 1);         // exactly 1 per step
  EXPECT_DOUBLE_EQ(nice_step(350000, 8), 5e4);  // 43,750 per step
  EXPECT_DOUBLE_EQ(nice_step(0.9, 8), 0.2);     // 0.1125 per step
}

TEST(TensorboardPlotAxes, TickLabelsAreShortWithThePrefixAfterTheSign) {
  EXPECT_EQ(tick_label(350000, "$"), "$350k");
  EXPECT_EQ(tick_label(1500000, ""), "1.5M");
  EXPECT_EQ(tick_label(2e9, "$"), "$2G");
  EXPECT_EQ(tick_label(-20000, "$"), "-$20k");
  EXPECT_EQ(tick_label(0.25, ""), "0.25");
  EXPECT_EQ(tick_label(1e-13, ""), "0");  // what is left of 0 after adding up steps
  EXPECT_EQ(tick_label(2e12, "$"), "$2T");
  EXPECT_EQ(tick_label(0.02, ""), "0.02");  // a log axis's tick, without a step
}

// With the axis's step, the decimals the step needs (the web page's rule, tests/web/unit/ticks.test.ts).
TEST(TensorboardPlotAxes, TickLabelsWithAStepWriteTheStepsDecimals) {
  EXPECT_EQ(tick_label(0.30000000000000004, "", 0.1), "0.3");
  EXPECT_EQ(tick_label(1.5, "", 0.5), "1.5");
  EXPECT_EQ(tick_label(1, "", 0.5), "1");
  EXPECT_EQ(tick_label(2500000, "", 500000), "2.5M");
  EXPECT_EQ(tick_label(100000, "$", 50000), "$100k");
  EXPECT_EQ(tick_label(1234500, "$", 500), "$1,234.5k");
  EXPECT_EQ(tick_label(2e15, "$", 5e14), "$2,000T");
  EXPECT_EQ(tick_label(-1e-17, "$", 0.5), "$0");  // never "-$0"
  EXPECT_EQ(tick_label(-0.5, "", 0.5), "-0.5");
  // A tiny step keeps its decimals rather than a letter: not "1.0000015k".
  EXPECT_EQ(tick_label(1000.0015, "", 0.0005), "1,000.0015");
  EXPECT_EQ(tick_label(0.12345, "", 0.00005), "0.12345");
}

// Ticks are the decimal numbers they name, so that the drawn positions and texts agree: 0.3, not 0.1 + 0.1 + 0.1.
TEST(TensorboardPlotAxes, LinearTicksAreExactMultiplesOfTheStep) {
  ScatterPlot plot;
  fit_axis(plot, {.smallest = 0, .smallest_positive = 0.1, .largest = 0.7, .finite_pairs = 3});
  EXPECT_DOUBLE_EQ(plot.tick_step, 0.1);
  EXPECT_EQ(plot.ticks, (std::vector<double>{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7}));
  // Sales in million copies, 0 to 1.7: 0, 0.5, 1, 1.5, 2.
  fit_axis(plot, {.smallest = 0, .smallest_positive = 0.01, .largest = 1.7, .finite_pairs = 3});
  EXPECT_EQ(plot.ticks, (std::vector<double>{0, 0.5, 1, 1.5, 2}));
  std::vector<std::string> texts;
  for (const double tick : plot.ticks) texts.push_back(tick_label(tick, "", plot.tick_step));
  EXPECT_EQ(texts, (std::vector<std::string>{"0", "0.5", "1", "1.5", "2"}));
  // Negative to positive: 0 is a tick (not -0) and the ends are multiples of the step.
  fit_axis(plot, {.smallest = -1.3, .smallest_positive = 0.2, .largest = 1.2, .finite_pairs = 3});
  EXPECT_EQ(plot.ticks, (std::vector<double>{-1.5, -1, -0.5, 0, 0.5, 1, 1.5}));
  EXPECT_FALSE(std::signbit(plot.ticks[3]));
  // Huge money values: $100M steps, written "$100M".
  fit_axis(plot, {.smallest = 0, .smallest_positive = 1e6, .largest = 7.2e8, .finite_pairs = 3});
  EXPECT_DOUBLE_EQ(plot.tick_step, 1e8);
  EXPECT_EQ(tick_label(plot.ticks[1], "$", plot.tick_step), "$100M");
  EXPECT_EQ(tick_label(plot.ticks.back(), "$", plot.tick_step), "$800M");
  // A flat series (every value 0.25): a span of 1 from 0, still nice.
  fit_axis(plot, {.smallest = 0.25, .smallest_positive = 0.25, .largest = 0.25, .finite_pairs = 3});
  EXPECT_EQ(plot.ticks.front(), 0);
  EXPECT_DOUBLE_EQ(plot.tick_step, 0.05);
  // Log axes have no step: their labels are the decades' own digits.
  plot.axis.scale = AxisScale::log;
  fit_axis(plot, {.smallest = 0.5, .smallest_positive = 0.5, .largest = 5, .finite_pairs = 10});
  EXPECT_EQ(plot.tick_step, 0);
}

TEST(TensorboardPlotAxes, TheRangeCoversTheFinitePairsOfBothColumns) {
  const std::vector<float> actual = {2, NAN, 0, 5, 1};
  const std::vector<float> predicted = {3, 100, -1, INFINITY, 0.5f};
  const PlottedRange range = plotted_range(actual, predicted);
  EXPECT_EQ(range.finite_pairs, 3);  // rows 1 and 3 have a non-finite value
  EXPECT_EQ(range.smallest, -1);
  EXPECT_EQ(range.largest, 3);
  EXPECT_EQ(range.smallest_positive, 1);  // of the actual values only
}

TEST(TensorboardPlotAxes, WithoutRowsOrPositiveValuesTheRangeFallsBack) {
  const PlottedRange empty = plotted_range({}, {});
  EXPECT_EQ(empty.finite_pairs, 0);
  EXPECT_EQ(empty.smallest, 0);
  EXPECT_EQ(empty.largest, 1);
  EXPECT_EQ(empty.smallest_positive, 1);
  const std::vector<float> zeros = {0, 0};
  const std::vector<float> predicted = {0.5f, 2};
  EXPECT_EQ(plotted_range(zeros, predicted).smallest_positive, 2);  // no positive actual: the largest value
}

TEST(TensorboardPlotAxes, LinearAxesStartAtZeroAndStepEvenly) {
  ScatterPlot plot;
  fit_axis(plot, {.smallest = 0.5, .smallest_positive = 0.5, .largest = 9.3, .finite_pairs = 4});
  EXPECT_EQ(plot.axis.scale, AxisScale::linear);
  EXPECT_EQ(plot.axis_min, 0);
  EXPECT_EQ(plot.axis_max, 10);
  EXPECT_EQ(plot.ticks, (std::vector<double>{0, 2, 4, 6, 8, 10}));
  fit_axis(plot, {.smallest = -3, .smallest_positive = 1, .largest = 1, .finite_pairs = 2});
  EXPECT_EQ(plot.axis_min, -3);  // refitting replaces the ticks
  EXPECT_EQ(plot.ticks.front(), -3);
  EXPECT_EQ(plot.ticks.back(), 1);
}

TEST(TensorboardPlotAxes, LogAxesSpanWholeDecadesAndLabelTwoAndFiveWhenFew) {
  ScatterPlot plot;
  plot.axis.scale = AxisScale::log;
  fit_axis(plot, {.smallest = 0, .smallest_positive = 0.01f, .largest = 80, .finite_pairs = 10});
  EXPECT_DOUBLE_EQ(plot.axis_min, 0.01);  // the float 0.01f stays in its decade
  EXPECT_DOUBLE_EQ(plot.axis_max, 100);
  EXPECT_EQ(plot.ticks.size(), 5u);
  fit_axis(plot, {.smallest = 0.5, .smallest_positive = 0.5, .largest = 5, .finite_pairs = 10});
  EXPECT_EQ(plot.ticks, (std::vector<double>{0.1, 0.2, 0.5, 1, 2, 5, 10}));
  // At most 6 decades below the largest value, however small the smallest.
  fit_axis(plot, {.smallest = 0, .smallest_positive = 1e-9, .largest = 1000, .finite_pairs = 10});
  EXPECT_DOUBLE_EQ(plot.axis_min, 1e-3);
}

TEST(TensorboardPlotAxes, LogAxesWithNothingAboveZeroBecomeLinear) {
  ScatterPlot plot;
  plot.axis.scale = AxisScale::log;
  fit_axis(plot, {.smallest = -2, .smallest_positive = 0, .largest = 0, .finite_pairs = 3});
  EXPECT_EQ(plot.axis.scale, AxisScale::linear);
  EXPECT_FALSE(below_log_axis(plot, -2));  // nothing is on the edge of a linear axis
}

TEST(TensorboardPlotAxes, ValuesBelowTheLowestDecadeGoToTheEdge) {
  ScatterPlot plot;
  plot.axis.scale = AxisScale::log;
  plot.axis_min = 0.01;
  plot.axis_max = 100;
  EXPECT_TRUE(below_log_axis(plot, 0.001));
  EXPECT_TRUE(below_log_axis(plot, 0));
  EXPECT_TRUE(below_log_axis(plot, -1));
  EXPECT_FALSE(below_log_axis(plot, 0.01f));  // 0.0099999998 belongs to the decade
  EXPECT_FALSE(below_log_axis(plot, 5));
}

TEST(TensorboardPlotAxes, PixelsArePaddedInsideTheSquareAndYGrowsUpwards) {
  ScatterPlot plot;
  plot.axis_min = 0;
  plot.axis_max = 10;
  plot.plot_left = 50;
  plot.plot_top = 20;
  plot.plot_size = 112;  // 6 pixels of padding on each side leave 100 for the range
  EXPECT_DOUBLE_EQ(plot.pixel_x(0), 56);
  EXPECT_DOUBLE_EQ(plot.pixel_x(10), 156);
  EXPECT_DOUBLE_EQ(plot.pixel_x(2.5), 81);
  EXPECT_DOUBLE_EQ(plot.pixel_y(0), 126);
  EXPECT_DOUBLE_EQ(plot.pixel_y(10), 26);
  EXPECT_DOUBLE_EQ(plot.pixel_x(20), 156);  // clamped to the area
}

TEST(TensorboardPlotAxes, NonFiniteValuesDoNotChooseTheAxes) {
  std::vector<float> actual = {0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 50};
  const AxisScaleChoice finite_only = choose_axis_scale(actual);
  EXPECT_EQ(finite_only.scale, AxisScale::log);
  actual.push_back(NAN);
  actual.push_back(-INFINITY);
  const AxisScaleChoice with_non_finite = choose_axis_scale(actual);
  EXPECT_EQ(with_non_finite.scale, AxisScale::log);
  EXPECT_EQ(with_non_finite.skewness, finite_only.skewness);
}

}  // namespace
}  // namespace vgsales::tensorboard
