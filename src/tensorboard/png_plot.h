// The predicted-versus-actual plot TensorBoard shows, drawn with cairo (anti-aliased shapes, DejaVu Sans
// text) into an RGB buffer, and PNG encoding and decoding with libpng.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vgsales::tensorboard {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, 3 bytes per pixel

  RgbImage() = default;
  RgbImage(int width, int height, std::uint8_t gray = 255);
  void set(int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b);
  const std::uint8_t* at(int x, int y) const { return &pixels[(static_cast<std::size_t>(y) * width + x) * 3]; }
};

Result<std::string> encode_png(const RgbImage& image);
Result<RgbImage> decode_png(const std::string& png_bytes);

enum class AxisScale { linear, log };

// Log axes for a long-tailed target: every actual value is >= 0, at least one is above 0, and the sample
// skewness of the actual values is above 2 (the threshold `--target-transform auto` uses for log1p).
// On linear axes such a target puts nearly every point in the bottom-left corner.
struct AxisScaleChoice {
  AxisScale scale = AxisScale::linear;
  double skewness = 0;
  std::string reason;  // one sentence for the image's description
};
AxisScaleChoice choose_axis_scale(std::span<const float> actual);
inline constexpr double kLogAxisMinimumSkewness = 2.0;

// What the plot says in words. `value_prefix` is "$" for money targets (tick labels "$50k").
struct PlotLabels {
  std::string title;       // e.g. "Predicted vs actual Global_Sales"
  std::string subtitle;    // e.g. "test split · epoch 12 of 50"
  std::string target;      // the column name, for the axis titles
  std::string unit_label;  // "dollars" or "target's own units", in the axis titles' parentheses
  std::string value_prefix;
  std::string rows_label = "rows";  // legend: "3,320 test rows"
};

// A prediction interval per row, drawn as a vertical bar from lower to upper at the row's actual value.
struct IntervalBars {
  std::span<const float> lower;
  std::span<const float> upper;
  double level = 0;  // e.g. 0.8, for the legend
  bool empty() const { return lower.empty() || upper.empty(); }
};

// Above this many points the plot draws a density (rows per 2x2-pixel cell, darker = more) instead of
// one translucent disc per row: every row still counts, the picture stays readable and quick to draw.
inline constexpr std::size_t kDensityAbovePoints = 50000;

struct ScatterPlot {
  RgbImage image;
  AxisScaleChoice axis;
  double axis_min = 0;  // both axes span [axis_min, axis_max] in target units, so y = x is the diagonal
  double axis_max = 1;
  std::vector<double> ticks;     // labelled ticks, in target units
  double tick_step = 0;          // linear axes: the 1-2-5 step between ticks; 0 on log axes
  long long points_drawn = 0;    // finite (actual, predicted) pairs, each drawn as a disc or in the density
  long long points_on_edge = 0;  // log axes: rows with a value below axis_min (0 or less included), drawn on the edge
  bool density = false;
  // The square plotting area in pixels: x from plot_left to plot_left + plot_size, y from plot_top down.
  double plot_left = 0;
  double plot_top = 0;
  double plot_size = 0;

  // The pixel centre (x, y) where the pair (actual, predicted) is drawn (clamped to the area on log axes).
  double pixel_x(double actual) const;
  double pixel_y(double predicted) const;
};

// Actual on x, predicted on y, both on one scale; title, subtitle, axis titles, tick labels, grid,
// the y = x line and a legend. Pairs with a NaN or infinity are left out. With `bars` (as many as the rows), each
// row's interval is drawn under its dot; a density plot (very many rows) draws no bars.
ScatterPlot plot_predicted_vs_actual(std::span<const float> actual, std::span<const float> predicted,
                                     const PlotLabels& labels, int width_pixels = 640, int height_pixels = 640,
                                     const IntervalBars& bars = {});

// The font family fontconfig gives cairo for the plot's text ("DejaVu Sans" when fonts-dejavu-core is
// installed); "" if cairo found none.
std::string plot_font_family();

// An axis's title, naming the target and its units: "actual Worldwide sales (million copies)", "predicted
// total_earnings (dollars, log scale)". `axis` is "actual" or "predicted".
std::string axis_title(std::string_view axis, const PlotLabels& labels, AxisScale scale);

}  // namespace vgsales::tensorboard
