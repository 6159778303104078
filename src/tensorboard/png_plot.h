// A predicted-versus-actual scatter plot drawn into an RGB buffer and encoded as PNG with libpng.
#pragma once

#include <cstdint>
#include <span>
#include <string>
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
  // Mixes the color in with weight `alpha` in [0, 1], so overlapping points read as denser.
  void blend(int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b, double alpha);
  const std::uint8_t* at(int x, int y) const { return &pixels[(static_cast<std::size_t>(y) * width + x) * 3]; }
};

Result<std::string> encode_png(const RgbImage& image);
Result<RgbImage> decode_png(const std::string& png_bytes);

struct ScatterPlot {
  RgbImage image;
  double axis_min = 0;  // both axes span [axis_min, axis_max] so y = x is the diagonal
  double axis_max = 1;
  double tick_step = 1;  // a tick mark and a grid line every tick_step
  int points_drawn = 0;  // finite (actual, predicted) pairs
};

// Actual on x, predicted on y, with grid lines at the ticks, axes, tick marks and the y = x line.
ScatterPlot plot_predicted_vs_actual(std::span<const float> actual, std::span<const float> predicted,
                                     int size_pixels = 480);

}  // namespace vgsales::tensorboard
