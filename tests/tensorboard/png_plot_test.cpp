// The scatter plot: a real PNG that libpng reads back, with the points, diagonal and axes where expected.
#include "tensorboard/png_plot.h"

#include <gtest/gtest.h>

namespace vgsales::tensorboard {
namespace {

bool is_white(const RgbImage& image, int x, int y) {
  const std::uint8_t* p = image.at(x, y);
  return p[0] == 255 && p[1] == 255 && p[2] == 255;
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

TEST(TensorboardPngPlot, ScatterHasNiceAxesDiagonalAndPoints) {
  const std::vector<float> actual = {31355, 104259, 301860, 150000};
  const std::vector<float> predicted = {40000, 100000, 280000, 150000};
  const ScatterPlot plot = plot_predicted_vs_actual(actual, predicted, 400);
  EXPECT_EQ(plot.points_drawn, 4);
  EXPECT_EQ(plot.axis_min, 0.0);
  EXPECT_EQ(plot.tick_step, 50000.0);
  EXPECT_EQ(plot.axis_max, 350000.0);
  ASSERT_EQ(plot.image.width, 400);
  // The point (150000, 150000) sits on the diagonal; a point far off it leaves white between.
  const int left = 44;
  const int bottom = 399 - 44;
  const int extent = 400 - 88;
  const int x = left + static_cast<int>(150000.0 / 350000.0 * extent + 0.5);
  const int y = bottom - static_cast<int>(150000.0 / 350000.0 * extent + 0.5);
  EXPECT_FALSE(is_white(plot.image, x, y));
  const std::uint8_t* axis = plot.image.at(left, bottom - 10);
  EXPECT_EQ(axis[0] + axis[1] + axis[2], 0);                // the y axis is black
  EXPECT_TRUE(is_white(plot.image, left + extent - 5, bottom - 20));  // bottom right: no point, no line
  const std::uint8_t* tick = plot.image.at(left - 4, bottom);  // a tick mark left of the origin
  EXPECT_EQ(tick[0], 0);
}

TEST(TensorboardPngPlot, NonFiniteValuesAreSkipped) {
  const std::vector<float> actual = {1.0f, std::numeric_limits<float>::quiet_NaN(), 3.0f};
  const std::vector<float> predicted = {1.0f, 2.0f, std::numeric_limits<float>::infinity()};
  const ScatterPlot plot = plot_predicted_vs_actual(actual, predicted, 100);
  EXPECT_EQ(plot.points_drawn, 1);
  EXPECT_TRUE(encode_png(plot.image).ok());
}

}  // namespace
}  // namespace vgsales::tensorboard
