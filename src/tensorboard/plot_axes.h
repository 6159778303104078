// The predicted-vs-actual plot's shared axis: its range and ticks in target units, the tick labels, and where a
// value lands in pixels (png_plot.h's ScatterPlot::pixel_x and pixel_y).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "tensorboard/png_plot.h"

namespace vgsales::tensorboard {

// The smallest 1, 2 or 5 times a power of ten that splits `range` into at most `max_ticks` steps.
double nice_step(double range, int max_ticks);

// A tick's text, short and in the units (the rule of the web page's what-if axis, web/src/ticks.ts): thousands k,
// millions M, billions G, trillions T, money with its prefix after the sign: 350000 -> "$350k", 1500000 -> "1.5M",
// -20000 -> "-$20k". With the axis's `step` (linear axes) just the decimals the step needs: 0.30000000000000004 with
// step 0.1 -> "0.3", 1000.0015 with step 0.0005 -> "1,000.0015" (a letter only where it keeps at most 3 decimals);
// without (log axes' decades) up to 6 significant digits.
std::string tick_label(double value, const std::string& prefix, double step = 0);

// What the finite (actual, predicted) pairs span: the axes are fitted to it.
struct PlottedRange {
  double smallest = 0;           // of both columns
  double smallest_positive = 0;  // of the actual values, or `largest` when none is above 0
  double largest = 1;            // of both columns
  long long finite_pairs = 0;
};
PlottedRange plotted_range(std::span<const float> actual, std::span<const float> predicted);

// Sets plot.axis_min, axis_max and ticks for plot.axis.scale from the range, falling back to linear axes when log
// axes cannot hold the values (nothing above 0).
void fit_axis(ScatterPlot& plot, const PlottedRange& range);

// Log axes: true for a value below the lowest decade, drawn on the lower edge (a float 0.01f sits a hair under 0.01
// and belongs to its decade, not below).
bool below_log_axis(const ScatterPlot& plot, double value);

}  // namespace vgsales::tensorboard
