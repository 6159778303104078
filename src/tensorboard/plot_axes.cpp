// Linear axes step in 1-2-5 multiples of a power of ten; log axes in whole decades. Both axes share one range, so
// that y = x is the plotting square's diagonal.
#include "tensorboard/plot_axes.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <vector>

#include "common/number_format.h"
#include "common/statistics.h"

namespace vgsales::tensorboard {
namespace {

// Maps a value to [0, 1] along an axis; on log axes everything at or below the lower end maps to 0.
struct AxisMap {
  AxisScale scale = AxisScale::linear;
  double low = 0;
  double high = 1;
  double fraction(double value) const {
    if (scale == AxisScale::linear) return (value - low) / (high - low);
    if (value <= low) return 0;
    return std::min(1.0, (std::log10(value) - std::log10(low)) / (std::log10(high) - std::log10(low)));
  }
};

// Pixels from the frame to where axis_min and axis_max sit, so that rows at either end are not cut in half
// by the frame; a value below a log axis's range is drawn on the frame itself. Both axes are padded alike,
// so y = x is still the plotting square's diagonal.
constexpr double kPadPixels = 6;

double offset_along_axis(const ScatterPlot& plot, double value) {
  if (plot.axis.scale == AxisScale::log && !(value >= plot.axis_min * (1 - 1e-6))) return 0;
  const AxisMap map{plot.axis.scale, plot.axis_min, plot.axis_max};
  return kPadPixels + std::clamp(map.fraction(value), 0.0, 1.0) * (plot.plot_size - 2 * kPadPixels);
}

// Decimal places a multiple of a 1-2-5 `step` needs: 0.5 -> 1, 0.02 -> 2, 100 -> 0.
int step_decimals(double step) { return std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 20); }

// k * step as the decimal number it names: 3 * 0.1 is 0.30000000000000004 in floating point, the tick is 0.3.
double step_multiple(long long k, double step) {
  const double exact = std::stod(fmt::format("{:.{}f}", static_cast<double>(k) * step, step_decimals(step)));
  return exact == 0 ? 0.0 : exact;  // no -0
}

// Linear axes: 1-2-5 steps from min(0, data) to the data's maximum.
void fit_linear_axis(ScatterPlot& plot, double smallest, double largest) {
  double low = std::min(0.0, smallest);  // sales and earnings are not negative: starting at 0 keeps the scale honest
  double high = std::max(0.0, largest);
  if (high <= low) high = low + 1;
  const double step = nice_step(high - low, 8);
  const auto first = static_cast<long long>(std::floor(low / step + 1e-9));
  const auto last = static_cast<long long>(std::ceil(high / step - 1e-9));
  plot.tick_step = step;
  plot.axis_min = step_multiple(first, step);
  plot.axis_max = step_multiple(last, step);
  for (long long k = first; k <= last; ++k) plot.ticks.push_back(step_multiple(k, step));
}

// Log axes: whole decades from the smallest positive actual value (at most 6 decades below the maximum) to the
// largest value; a prediction below that, or a value of 0 or less, sits on the lower edge. One stray tiny
// prediction so does not squeeze every other row into the top of the picture.
void fit_log_axis(ScatterPlot& plot, double smallest_positive, double largest) {
  // The slack keeps a float such as 0.01f (0.0099999998) in its own decade.
  const double top = std::ceil(std::log10(largest) - 1e-6);
  double bottom = std::floor(std::log10(std::max(smallest_positive, largest * 1e-6)) + 1e-6);
  if (top - bottom < 1) bottom = top - 1;
  plot.axis_min = std::pow(10.0, bottom);
  plot.axis_max = std::pow(10.0, top);
  const bool fine = top - bottom <= 2;  // few decades: label 2 and 5 too
  for (double decade = bottom; decade <= top; ++decade) {
    const double base = std::pow(10.0, decade);
    plot.ticks.push_back(base);
    if (fine && decade < top) {
      plot.ticks.push_back(2 * base);
      plot.ticks.push_back(5 * base);
    }
  }
  std::sort(plot.ticks.begin(), plot.ticks.end());
}

}  // namespace

double nice_step(double range, int max_ticks) {
  const double raw = range / max_ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    if (factor * magnitude >= raw) return factor * magnitude;
  }
  return 10.0 * magnitude;
}

std::string tick_label(double value, const std::string& prefix, double step) {
  const double magnitude = std::abs(value);
  const bool fixed = step > 0;
  // What is left of 0 after arithmetic on the steps is 0.
  if (magnitude < (fixed ? step * 1e-9 : 1e-12)) return prefix + "0";
  struct Scale {
    double size;
    const char* letter;
  };
  Scale scale{1, ""};
  for (const Scale candidate : {Scale{1e12, "T"}, Scale{1e9, "G"}, Scale{1e6, "M"}, Scale{1e3, "k"}}) {
    if (magnitude >= candidate.size && (!fixed || step >= candidate.size / 1000)) {
      scale = candidate;
      break;
    }
  }
  std::string digits;
  if (fixed) {
    digits = fmt::format("{:.{}f}", magnitude / scale.size, step_decimals(step / scale.size));
    if (digits.find('.') != std::string::npos) {
      digits.erase(digits.find_last_not_of('0') + 1);
      if (digits.back() == '.') digits.pop_back();
    }
  } else {
    digits = fmt::format("{:g}", magnitude / scale.size);
  }
  if (digits.find('e') == std::string::npos) digits = group_thousands(digits);
  return fmt::format("{}{}{}{}", value < 0 ? "-" : "", prefix, digits, scale.letter);
}

PlottedRange plotted_range(std::span<const float> actual, std::span<const float> predicted) {
  double smallest = INFINITY, smallest_positive_actual = INFINITY, largest = -INFINITY;
  long long finite_pairs = 0;
  for (std::size_t index = 0; index < actual.size(); ++index) {
    if (!std::isfinite(actual[index]) || !std::isfinite(predicted[index])) continue;
    for (const double v : {static_cast<double>(actual[index]), static_cast<double>(predicted[index])}) {
      smallest = std::min(smallest, v);
      largest = std::max(largest, v);
    }
    if (actual[index] > 0)
      smallest_positive_actual = std::min(smallest_positive_actual, static_cast<double>(actual[index]));
    ++finite_pairs;
  }
  if (finite_pairs == 0) {
    smallest = 0;
    largest = 1;
  }
  if (!std::isfinite(smallest_positive_actual)) smallest_positive_actual = largest;
  return {.smallest = smallest,
          .smallest_positive = smallest_positive_actual,
          .largest = largest,
          .finite_pairs = finite_pairs};
}

void fit_axis(ScatterPlot& plot, const PlottedRange& range) {
  if (plot.axis.scale == AxisScale::log && !(range.largest > 0)) plot.axis.scale = AxisScale::linear;
  plot.ticks.clear();
  plot.tick_step = 0;
  if (plot.axis.scale == AxisScale::linear) {
    fit_linear_axis(plot, range.smallest, range.largest);
  } else {
    fit_log_axis(plot, range.smallest_positive, range.largest);
  }
}

bool below_log_axis(const ScatterPlot& plot, double value) {
  return plot.axis.scale == AxisScale::log && value < plot.axis_min * (1 - 1e-6);
}

AxisScaleChoice choose_axis_scale(std::span<const float> actual) {
  AxisScaleChoice choice;
  bool non_negative = true;
  bool any_positive = false;
  std::vector<float> finite;  // a row with a NaN or infinity is not drawn, so it does not choose the axes either
  finite.reserve(actual.size());
  for (const float v : actual) {
    if (!std::isfinite(v)) continue;
    non_negative = non_negative && v >= 0;
    any_positive = any_positive || v > 0;
    finite.push_back(v);
  }
  choice.skewness = sample_skewness(finite);
  if (non_negative && any_positive && choice.skewness > kLogAxisMinimumSkewness) {
    choice.scale = AxisScale::log;
    choice.reason = fmt::format(
        "Both axes are logarithmic because the target is long-tailed: every actual value is 0 or more and their "
        "skewness is {:.1f} (above {:g}).",
        choice.skewness, kLogAxisMinimumSkewness);
  } else {
    choice.reason = fmt::format(
        "Both axes are linear: log axes are used only when every actual value is 0 or more and their skewness is "
        "above {:g} (here {}{:.1f}).",
        kLogAxisMinimumSkewness, non_negative ? "" : "some are negative; skewness ", choice.skewness);
  }
  return choice;
}

double ScatterPlot::pixel_x(double actual) const { return plot_left + offset_along_axis(*this, actual); }

double ScatterPlot::pixel_y(double predicted) const {
  return plot_top + plot_size - offset_along_axis(*this, predicted);
}

}  // namespace vgsales::tensorboard
