// Draws with plain pixel loops and a built-in 5x7 digit font for the tick labels.
#include "tensorboard/png_plot.h"

#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cmath>
#include <fmt/format.h>

namespace vgsales::tensorboard {
namespace {

constexpr int kMarginPixels = 44;
constexpr int kTickPixels = 6;

// The smallest 1, 2 or 5 times a power of ten that splits `range` into at most `max_ticks` steps.
double nice_step(double range, int max_ticks) {
  const double raw = range / max_ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    if (factor * magnitude >= raw) return factor * magnitude;
  }
  return 10.0 * magnitude;
}

// 5x7 glyphs, one 5-bit row mask per line (bit 4 = leftmost): enough for labels like "350k" or "1.5M".
struct Glyph {
  char character;
  std::uint8_t rows[7];
};
constexpr Glyph kGlyphs[] = {
    {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}}, {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}}, {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}}, {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}}, {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}}, {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
    {'k', {0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12}}, {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}},
    {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}}, {'-', {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}},
};
constexpr int kGlyphAdvance = 6;  // 5 pixels and a gap
constexpr int kGlyphHeight = 7;

int text_width(const std::string& text) { return static_cast<int>(text.size()) * kGlyphAdvance - 1; }

// Characters without a glyph leave a gap.
void draw_text(RgbImage& image, int left, int top, const std::string& text) {
  for (std::size_t index = 0; index < text.size(); ++index) {
    for (const Glyph& glyph : kGlyphs) {
      if (glyph.character != text[index]) continue;
      for (int row = 0; row < kGlyphHeight; ++row) {
        for (int column = 0; column < 5; ++column) {
          if (glyph.rows[row] & (0x10 >> column)) {
            image.set(left + static_cast<int>(index) * kGlyphAdvance + column, top + row, 60, 60, 60);
          }
        }
      }
    }
  }
}

// 350000 -> "350k", 1500000 -> "1.5M", 0.25 -> "0.25".
std::string tick_label(double value) {
  const double magnitude = std::abs(value);
  if (magnitude >= 1e6) return fmt::format("{:g}M", value / 1e6);
  if (magnitude >= 1e3) return fmt::format("{:g}k", value / 1e3);
  return fmt::format("{:g}", std::abs(value) < 1e-12 ? 0.0 : value);
}

void draw_line(RgbImage& image, int x0, int y0, int x1, int y1, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  const int dx = std::abs(x1 - x0);
  const int dy = -std::abs(y1 - y0);
  const int sx = x0 < x1 ? 1 : -1;
  const int sy = y0 < y1 ? 1 : -1;
  int error = dx + dy;
  while (true) {
    image.set(x0, y0, r, g, b);
    if (x0 == x1 && y0 == y1) break;
    const int doubled = 2 * error;
    if (doubled >= dy) {
      error += dy;
      x0 += sx;
    }
    if (doubled <= dx) {
      error += dx;
      y0 += sy;
    }
  }
}

}  // namespace

RgbImage::RgbImage(int width, int height, std::uint8_t gray)
    : width(width), height(height), pixels(static_cast<std::size_t>(width) * height * 3, gray) {}

void RgbImage::set(int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  std::uint8_t* pixel = &pixels[(static_cast<std::size_t>(y) * width + x) * 3];
  pixel[0] = r;
  pixel[1] = g;
  pixel[2] = b;
}

void RgbImage::blend(int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b, double alpha) {
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  std::uint8_t* pixel = &pixels[(static_cast<std::size_t>(y) * width + x) * 3];
  const std::uint8_t color[3] = {r, g, b};
  for (int channel = 0; channel < 3; ++channel) {
    pixel[channel] = static_cast<std::uint8_t>(std::lround(pixel[channel] * (1 - alpha) + color[channel] * alpha));
  }
}

namespace {

void append_png_bytes(png_structp png, png_bytep data, png_size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), length);
}

void flush_nothing(png_structp) {}

}  // namespace

Result<std::string> encode_png(const RgbImage& image) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * 3) {
    return make_error(ErrorKind::internal, fmt::format("cannot encode a {}x{} image with {} bytes as PNG",
                                                       image.width, image.height, image.pixels.size()));
  }
  // Everything with a destructor lives before setjmp: libpng's errors longjmp back past this frame.
  std::string bytes;
  std::vector<png_bytep> rows(static_cast<std::size_t>(image.height));
  for (int y = 0; y < image.height; ++y) {
    rows[static_cast<std::size_t>(y)] = const_cast<png_bytep>(image.at(0, y));
  }
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return make_error(ErrorKind::internal, "libpng: out of memory");
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return make_error(ErrorKind::internal, "libpng: cannot encode the image");
  }
  png_set_write_fn(png, &bytes, append_png_bytes, flush_nothing);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width), static_cast<png_uint_32>(image.height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  // A plot is mostly flat color: the fastest zlib level with the "up" filter is ~10x faster than
  // libpng's defaults for a file barely larger, which matters when a plot is drawn every few epochs.
  png_set_compression_level(png, 1);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
  png_write_info(png, info);
  png_write_image(png, rows.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return bytes;
}

Result<RgbImage> decode_png(const std::string& png_bytes) {
  png_image info{};
  info.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&info, png_bytes.data(), png_bytes.size())) {
    return make_error(ErrorKind::invalid_data, fmt::format("not a PNG image: {}", info.message));
  }
  info.format = PNG_FORMAT_RGB;
  RgbImage image(static_cast<int>(info.width), static_cast<int>(info.height));
  if (!png_image_finish_read(&info, nullptr, image.pixels.data(), 0, nullptr)) {
    png_image_free(&info);
    return make_error(ErrorKind::invalid_data, fmt::format("damaged PNG image: {}", info.message));
  }
  return image;
}

ScatterPlot plot_predicted_vs_actual(std::span<const float> actual, std::span<const float> predicted,
                                     int size_pixels) {
  ScatterPlot plot;
  plot.image = RgbImage(size_pixels, size_pixels);
  RgbImage& image = plot.image;
  const std::size_t count = std::min(actual.size(), predicted.size());

  double low = 0;  // earnings are not negative: starting at 0 keeps the scale honest
  double high = 0;
  for (std::size_t index = 0; index < count; ++index) {
    if (!std::isfinite(actual[index]) || !std::isfinite(predicted[index])) continue;
    low = std::min({low, static_cast<double>(actual[index]), static_cast<double>(predicted[index])});
    high = std::max({high, static_cast<double>(actual[index]), static_cast<double>(predicted[index])});
    ++plot.points_drawn;
  }
  if (high <= low) high = low + 1;
  plot.tick_step = nice_step(high - low, 8);
  plot.axis_min = std::floor(low / plot.tick_step) * plot.tick_step;
  plot.axis_max = std::ceil(high / plot.tick_step) * plot.tick_step;

  const int left = kMarginPixels;
  const int bottom = size_pixels - 1 - kMarginPixels;
  const int extent = size_pixels - 2 * kMarginPixels;
  const auto to_x = [&](double v) {
    return left + static_cast<int>(std::lround((v - plot.axis_min) / (plot.axis_max - plot.axis_min) * extent));
  };
  const auto to_y = [&](double v) {
    return bottom - static_cast<int>(std::lround((v - plot.axis_min) / (plot.axis_max - plot.axis_min) * extent));
  };

  // Grid lines and tick marks.
  for (double tick = plot.axis_min; tick <= plot.axis_max + plot.tick_step / 2; tick += plot.tick_step) {
    const int x = to_x(tick);
    const int y = to_y(tick);
    draw_line(image, x, bottom, x, bottom - extent, 225, 225, 225);
    draw_line(image, left, y, left + extent, y, 225, 225, 225);
    draw_line(image, x, bottom, x, bottom + kTickPixels, 0, 0, 0);
    draw_line(image, left, y, left - kTickPixels, y, 0, 0, 0);
    const std::string label = tick_label(tick);
    draw_text(image, x - text_width(label) / 2, bottom + kTickPixels + 3, label);
    draw_text(image, left - kTickPixels - 3 - text_width(label), y - kGlyphHeight / 2, label);
  }
  // Axes.
  draw_line(image, left, bottom, left + extent, bottom, 0, 0, 0);
  draw_line(image, left, bottom, left, bottom - extent, 0, 0, 0);
  // Perfect predictions lie on y = x.
  for (int offset = 0; offset < 2; ++offset) {
    draw_line(image, to_x(plot.axis_min) + offset, to_y(plot.axis_min), to_x(plot.axis_max) + offset,
              to_y(plot.axis_max), 220, 40, 40);
  }
  // Points: small discs in translucent blue.
  for (std::size_t index = 0; index < count; ++index) {
    if (!std::isfinite(actual[index]) || !std::isfinite(predicted[index])) continue;
    const int cx = to_x(actual[index]);
    const int cy = to_y(predicted[index]);
    for (int dy = -2; dy <= 2; ++dy) {
      for (int dx = -2; dx <= 2; ++dx) {
        if (dx * dx + dy * dy <= 5) image.blend(cx + dx, cy + dy, 31, 119, 180, 0.55);
      }
    }
  }
  return plot;
}

}  // namespace vgsales::tensorboard
