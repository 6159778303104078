// The predicted-vs-actual plot: a real PNG that libpng, Pillow and OpenCV read back, with the y = x line,
// the points, the text and the axes where the geometry says, on linear and on log axes.
#include "tensorboard/png_plot.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <random>

#include "support/test_support.h"

namespace vgsales::tensorboard {
namespace {

using vgsales::testing::TemporaryDirectory;

struct Rgb {
  int r, g, b;
};

Rgb pixel(const RgbImage& image, double x, double y) {
  const std::uint8_t* p = image.at(static_cast<int>(std::floor(x)), static_cast<int>(std::floor(y)));
  return {p[0], p[1], p[2]};
}

bool is_white(Rgb c) { return c.r == 255 && c.g == 255 && c.b == 255; }
bool is_red(Rgb c) { return c.r > 170 && c.g < 110 && c.b < 110; }        // the y = x line
bool is_blue(Rgb c) { return c.b > 150 && c.b > c.r + 50 && c.g < c.b; }  // a point
bool is_dark(Rgb c) { return c.r < 120 && c.g < 120 && c.b < 120; }       // text, frame

// Dark pixels in a rectangle: text is there.
int dark_pixels(const RgbImage& image, int x0, int y0, int x1, int y1) {
  int count = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) count += is_dark(pixel(image, x, y));
  }
  return count;
}

PlotLabels earnings_labels() {
  return {.title = "Predicted vs actual total_earnings",
          .subtitle = "test split · epoch 3 of 50",
          .target = "total_earnings",
          .unit_label = "dollars",
          .value_prefix = "$",
          .rows_label = "test rows"};
}

TEST(TensorboardPngPlot, EncodeDecodeRoundTrip) {
  RgbImage image(5, 3);
  image.set(1, 2, 10, 20, 30);
  Result<std::string> png = encode_png(image);
  ASSERT_TRUE(png.ok()) << png.error().message;
  EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  Result<RgbImage> back = decode_png(*png);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->width, 5);
  EXPECT_EQ(back->height, 3);
  EXPECT_EQ(back->pixels, image.pixels);
}

TEST(TensorboardPngPlot, DecodeRejectsGarbage) {
  EXPECT_FALSE(decode_png("not a png").ok());
  EXPECT_FALSE(encode_png(RgbImage()).ok());
}

// The axis titles name the target as people call it and its units (--target-label, --target-units).
TEST(TensorboardPngPlot, AxisTitlesNameTheTargetAndItsUnits) {
  const PlotLabels sales{.title = "Predicted vs actual Worldwide sales",
                         .target = "Worldwide sales",
                         .unit_label = "million copies"};
  EXPECT_EQ(axis_title("actual", sales, AxisScale::linear), "actual Worldwide sales (million copies)");
  EXPECT_EQ(axis_title("predicted", sales, AxisScale::log), "predicted Worldwide sales (million copies, log scale)");
  EXPECT_EQ(axis_title("actual", earnings_labels(), AxisScale::linear), "actual total_earnings (dollars)");
}

// fonts-dejavu-core is a runtime dependency: without it fontconfig falls back to another face, or none.
TEST(TensorboardPngPlot, TextIsSetInDejaVuSans) { EXPECT_EQ(plot_font_family(), "DejaVu Sans"); }

TEST(TensorboardPngPlot, LinearAxesPutTheLinePointsAndTextWhereExpected) {
  const std::vector<float> actual = {31355, 104259, 301860, 150000, 300000};
  const std::vector<float> predicted = {40000, 100000, 280000, 150000, 100000};
  const ScatterPlot plot = plot_predicted_vs_actual(actual, predicted, earnings_labels());
  EXPECT_EQ(plot.axis.scale, AxisScale::linear);
  EXPECT_EQ(plot.points_drawn, 5);
  EXPECT_FALSE(plot.density);
  EXPECT_EQ(plot.axis_min, 0.0);
  EXPECT_EQ(plot.axis_max, 350000.0);
  EXPECT_EQ(plot.ticks, (std::vector<double>{0, 50000, 100000, 150000, 200000, 250000, 300000, 350000}));
  ASSERT_EQ(plot.image.width, 640);
  ASSERT_EQ(plot.image.height, 640);
  const RgbImage& image = plot.image;

  // The y = x line runs corner to corner of the square plotting area, through (175k, 175k) and (275k, 275k).
  EXPECT_DOUBLE_EQ(plot.pixel_x(175000) - plot.plot_left, plot.plot_size / 2);
  EXPECT_DOUBLE_EQ(plot.plot_top + plot.plot_size - plot.pixel_y(175000), plot.plot_size / 2);
  for (const double on_line : {175000.0, 275000.0, 210000.0}) {
    EXPECT_TRUE(is_red(pixel(image, plot.pixel_x(on_line), plot.pixel_y(on_line)))) << on_line;
  }
  // The point (300k actual, 100k predicted), far below the line, is a blue dot, white around it.
  EXPECT_TRUE(is_blue(pixel(image, plot.pixel_x(300000), plot.pixel_y(100000))));
  EXPECT_TRUE(is_white(pixel(image, plot.pixel_x(300000) + 8, plot.pixel_y(100000) + 8)));
  // Where there is no row, no grid line and no legend: white.
  EXPECT_TRUE(is_white(pixel(image, plot.pixel_x(330000), plot.pixel_y(20000))));
  // A grid line at the 200k tick, light grey.
  const Rgb grid = pixel(image, plot.pixel_x(200000), plot.pixel_y(20000));
  EXPECT_TRUE(grid.r == grid.g && grid.g == grid.b && grid.r > 200 && grid.r < 255) << grid.r;
  // The frame is dark.
  EXPECT_TRUE(is_dark(pixel(image, plot.plot_left, plot.pixel_y(20000))));

  // Text: title and subtitle on top, the x title under the tick labels, the rotated y title on the left,
  // tick labels beside the axes, the legend in the top-left of the area.
  const int area_bottom = static_cast<int>(plot.plot_top + plot.plot_size);
  EXPECT_GT(dark_pixels(image, 150, 8, 490, 30), 150) << "title";
  EXPECT_GT(dark_pixels(image, 100, area_bottom + 30, 600, area_bottom + 50), 150) << "x axis title";
  EXPECT_GT(dark_pixels(image, 10, 150, 30, 500), 150) << "y axis title";
  EXPECT_GT(dark_pixels(image, 40, area_bottom - 20, static_cast<int>(plot.plot_left) - 6, area_bottom + 5), 20)
      << "y tick labels";
  EXPECT_GT(dark_pixels(image, static_cast<int>(plot.plot_left) + 40, static_cast<int>(plot.plot_top) + 12,
                        static_cast<int>(plot.plot_left) + 200, static_cast<int>(plot.plot_top) + 45),
            60)
      << "legend";
  // Nothing is drawn in the top-right corner of the canvas beyond the title.
  EXPECT_EQ(dark_pixels(image, 600, 0, 640, 8), 0);
}

// Sales: most games sell little, a few sell a lot (skewness far above 2).
std::vector<float> long_tailed_sales(std::size_t count, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::lognormal_distribution<float> sales(std::log(0.15f), 1.3f);
  std::vector<float> values(count);
  for (float& value : values) value = std::max(0.01f, std::round(sales(generator) * 100) / 100);
  return values;
}

// Interval bars: a light vertical bar per row from its lower to its upper bound at the row's actual value, under the
// dot; none outside it, and none without bars.
TEST(TensorboardPngPlot, IntervalBarsSpanEachRowsBounds) {
  // Values off the tick grid, so no grid line runs where the bars are looked for.
  const std::vector<float> actual = {55000, 290000};
  const std::vector<float> predicted = {60000, 245000};
  const std::vector<float> lower = {20000, 140000}, upper = {105000, 270000};
  const ScatterPlot plot =
      plot_predicted_vs_actual(actual, predicted, earnings_labels(), 640, 640, IntervalBars{lower, upper, 0.8});
  const ScatterPlot without = plot_predicted_vs_actual(actual, predicted, earnings_labels());
  // A bar is one pixel wide: look in the columns either side of the row's actual value.
  const auto bar_at = [](const ScatterPlot& p, double actual_value, double predicted_value) {
    for (int dx = -1; dx <= 1; ++dx) {
      const Rgb c = pixel(p.image, p.pixel_x(actual_value) + dx, p.pixel_y(predicted_value));
      if (!is_white(c) && c.b > c.r + 20) return true;
    }
    return false;
  };
  // Inside the second row's interval, away from its dot (245k): the bar; above its upper bound (270k): nothing.
  EXPECT_TRUE(bar_at(plot, 290000, 170000));
  EXPECT_TRUE(bar_at(plot, 290000, 220000));
  EXPECT_FALSE(bar_at(plot, 290000, 285000));
  EXPECT_FALSE(bar_at(without, 290000, 170000));
  // The legend gains a line naming the interval.
  const int legend_left = static_cast<int>(plot.plot_left) + 40, legend_top = static_cast<int>(plot.plot_top) + 46;
  EXPECT_GT(dark_pixels(plot.image, legend_left, legend_top, legend_left + 160, legend_top + 16),
            dark_pixels(without.image, legend_left, legend_top, legend_left + 160, legend_top + 16) + 20);
}

TEST(TensorboardPngPlot, LongTailedTargetsGetLogAxes) {
  std::vector<float> actual = long_tailed_sales(3000, 1);
  actual.push_back(80.0f);
  std::vector<float> predicted = actual;
  for (float& value : predicted) value *= 1.2f;
  predicted[0] = -0.5f;  // a negative prediction cannot sit on a log axis: it goes to the lower edge
  const AxisScaleChoice choice = choose_axis_scale(actual);
  EXPECT_EQ(choice.scale, AxisScale::log);
  EXPECT_GT(choice.skewness, 2.0);
  EXPECT_NE(choice.reason.find("logarithmic"), std::string::npos) << choice.reason;

  PlotLabels labels{.title = "Predicted vs actual Global_Sales",
                    .subtitle = "test split · epoch 2 of 50",
                    .target = "Global_Sales",
                    .unit_label = "target's own units",
                    .rows_label = "test rows"};
  const ScatterPlot plot = plot_predicted_vs_actual(actual, predicted, labels);
  EXPECT_EQ(plot.axis.scale, AxisScale::log);
  EXPECT_DOUBLE_EQ(plot.axis_min, 0.01);
  EXPECT_DOUBLE_EQ(plot.axis_max, 100.0);
  EXPECT_EQ(plot.ticks, (std::vector<double>{0.01, 0.1, 1, 10, 100}));
  EXPECT_EQ(plot.points_drawn, 3001);
  EXPECT_EQ(plot.points_on_edge, 1);
  // Decades are equally spaced: 1 sits in the middle of 0.01..100.
  EXPECT_NEAR(plot.pixel_x(1.0) - plot.plot_left, plot.plot_size / 2, 1e-9);
  EXPECT_NEAR(plot.pixel_x(1.0) - plot.pixel_x(0.1), plot.pixel_x(10.0) - plot.pixel_x(1.0), 1e-9);
  EXPECT_NEAR(plot.pixel_x(100.0) - plot.pixel_x(10.0), plot.pixel_x(0.1) - plot.pixel_x(0.01), 1e-9);
  // The y = x line passes (1, 1) and (20, 20); the cloud of rows sits above it (predicted = 1.2 x actual)
  // and spreads over the decades instead of a corner: rows show at 0.05, 0.5 and 2.
  EXPECT_TRUE(is_red(pixel(plot.image, plot.pixel_x(20), plot.pixel_y(20))));
  for (const double sales : {0.05, 0.5, 2.0}) {
    EXPECT_TRUE(is_blue(pixel(plot.image, plot.pixel_x(sales), plot.pixel_y(sales * 1.2)))) << sales;
  }
  // The negative prediction is drawn on the lower edge (the frame), not lost; 0.01 sits just inside it.
  EXPECT_DOUBLE_EQ(plot.pixel_y(-0.5), plot.plot_top + plot.plot_size);
  EXPECT_GT(plot.plot_top + plot.plot_size - plot.pixel_y(0.01f), 3.0);
}

TEST(TensorboardPngPlot, OrdinaryTargetsKeepLinearAxes) {
  std::vector<float> uniform;
  for (int i = 0; i < 500; ++i) uniform.push_back(100.0f + static_cast<float>(i));
  EXPECT_EQ(choose_axis_scale(uniform).scale, AxisScale::linear);
  std::vector<float> negative_tail = long_tailed_sales(500, 2);
  negative_tail.push_back(-1.0f);  // skewed, but not every value is 0 or more
  const AxisScaleChoice choice = choose_axis_scale(negative_tail);
  EXPECT_EQ(choice.scale, AxisScale::linear);
  EXPECT_NE(choice.reason.find("some are negative"), std::string::npos) << choice.reason;
}

TEST(TensorboardPngPlot, VeryManyRowsAreDrawnAsADensityAndAllCount) {
  std::mt19937 generator(3);
  std::normal_distribution<float> noise(0.0f, 5.0f);
  std::vector<float> actual, predicted;
  for (std::size_t i = 0; i < kDensityAbovePoints + 10000; ++i) {
    actual.push_back(static_cast<float>(i % 100));
    predicted.push_back(actual.back() + noise(generator));
  }
  const ScatterPlot plot = plot_predicted_vs_actual(actual, predicted, earnings_labels());
  EXPECT_TRUE(plot.density);
  EXPECT_EQ(plot.points_drawn, static_cast<long long>(actual.size()));
  // The dense band along y = x is coloured; far from it there are no rows.
  EXPECT_TRUE(is_blue(pixel(plot.image, plot.pixel_x(60), plot.pixel_y(62))));
  EXPECT_TRUE(is_white(pixel(plot.image, plot.pixel_x(95), plot.pixel_y(10))));
}

TEST(TensorboardPngPlot, NonFiniteValuesAreSkipped) {
  const std::vector<float> actual = {1.0f, std::numeric_limits<float>::quiet_NaN(), 3.0f};
  const std::vector<float> predicted = {1.0f, 2.0f, std::numeric_limits<float>::infinity()};
  const ScatterPlot plot = plot_predicted_vs_actual(actual, predicted, earnings_labels(), 200, 200);
  EXPECT_EQ(plot.points_drawn, 1);
  EXPECT_TRUE(encode_png(plot.image).ok());
  const ScatterPlot empty = plot_predicted_vs_actual({}, {}, earnings_labels());
  EXPECT_EQ(empty.points_drawn, 0);
  EXPECT_TRUE(encode_png(empty.image).ok());
}

// Real readers: Pillow and OpenCV (Debian's python3-pil, python3-opencv) open the PNG and see the same
// pixels we drew: red on y = x, blue at a point, white where nothing is.
TEST(TensorboardPngPlot, PillowAndOpenCvReadThePng) {
  const std::vector<float> actual = {31355, 104259, 301860, 150000, 300000};
  const std::vector<float> predicted = {40000, 100000, 280000, 150000, 100000};
  const ScatterPlot plot = plot_predicted_vs_actual(actual, predicted, earnings_labels());
  Result<std::string> png = encode_png(plot.image);
  ASSERT_TRUE(png.ok());
  TemporaryDirectory directory;
  const auto path = vgsales::testing::write_text_file(directory / "plot.png", *png);
  const std::vector<std::pair<int, int>> points = {
      {static_cast<int>(plot.pixel_x(175000)), static_cast<int>(plot.pixel_y(175000))},
      {static_cast<int>(plot.pixel_x(300000)), static_cast<int>(plot.pixel_y(100000))},
      {static_cast<int>(plot.pixel_x(330000)), static_cast<int>(plot.pixel_y(20000))}};
  std::string command =
      std::string(VGSALES_SYSTEM_PYTHON) + " " +
      vgsales::testing::shell_quote(
          (vgsales::testing::source_dir() / "tests" / "tensorboard" / "read_png_with_python.py").string()) +
      " " + vgsales::testing::shell_quote(path.string());
  for (const auto& [x, y] : points) command += " " + std::to_string(x) + "," + std::to_string(y);
  const auto output = vgsales::testing::run_command(command);
  ASSERT_EQ(output.exit_code, 0) << output.err << output.out;
  rapidjson::Document json;
  ASSERT_FALSE(json.Parse(output.out.c_str()).HasParseError()) << output.out;
  EXPECT_EQ(std::string(json["pillow"]["format"].GetString()), "PNG");
  EXPECT_EQ(std::string(json["pillow"]["mode"].GetString()), "RGB");
  for (const char* reader : {"pillow", "opencv"}) {
    EXPECT_EQ(json[reader]["size"][0].GetInt(), 640) << reader;
    EXPECT_EQ(json[reader]["size"][1].GetInt(), 640) << reader;
    const auto& pixels = json[reader]["pixels"];
    ASSERT_EQ(pixels.Size(), points.size());
    for (rapidjson::SizeType i = 0; i < pixels.Size(); ++i) {
      const std::uint8_t* ours = plot.image.at(points[i].first, points[i].second);
      for (rapidjson::SizeType channel = 0; channel < 3; ++channel) {
        EXPECT_EQ(pixels[i][channel].GetInt(), ours[channel]) << reader << " point " << i << " channel " << channel;
      }
    }
    const Rgb line{pixels[0][0].GetInt(), pixels[0][1].GetInt(), pixels[0][2].GetInt()};
    const Rgb dot{pixels[1][0].GetInt(), pixels[1][1].GetInt(), pixels[1][2].GetInt()};
    const Rgb empty{pixels[2][0].GetInt(), pixels[2][1].GetInt(), pixels[2][2].GetInt()};
    EXPECT_TRUE(is_red(line)) << reader;
    EXPECT_TRUE(is_blue(dot)) << reader;
    EXPECT_TRUE(is_white(empty)) << reader;
  }
}

}  // namespace
}  // namespace vgsales::tensorboard
