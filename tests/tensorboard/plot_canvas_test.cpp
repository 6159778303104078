// Tests for src/tensorboard/plot_canvas.cpp: colours, lines and anchored text land where asked, and a cairo surface
// is copied out pixel for pixel.
#include "tensorboard/plot_canvas.h"

#include <gtest/gtest.h>

namespace vgsales::tensorboard {
namespace {

struct Canvas {
  CairoSurface surface;
  CairoContext context;
  Canvas(int width, int height)
      : surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height)), context(cairo_create(surface.get())) {
    cairo_set_source_rgb(context.get(), 1, 1, 1);
    cairo_paint(context.get());
  }
};

bool is_white(const RgbImage& image, int x, int y) {
  const std::uint8_t* p = image.at(x, y);
  return p[0] == 255 && p[1] == 255 && p[2] == 255;
}

// The mean column of the non-white pixels: where the ink is.
double ink_centre(const RgbImage& image) {
  double sum = 0;
  int count = 0;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      if (!is_white(image, x, y)) {
        sum += x;
        ++count;
      }
    }
  }
  return count == 0 ? -1 : sum / count;
}

TEST(TensorboardPlotCanvas, CopiesTheSurfaceAsRgb) {
  Canvas canvas(4, 3);
  set_colour(canvas.context.get(), Colour{1, 0, 0});
  cairo_rectangle(canvas.context.get(), 2, 1, 2, 2);
  cairo_fill(canvas.context.get());
  const RgbImage image = copy_rgb24_surface(canvas.surface.get());
  ASSERT_EQ(image.width, 4);
  ASSERT_EQ(image.height, 3);
  EXPECT_TRUE(is_white(image, 0, 0));
  EXPECT_TRUE(is_white(image, 1, 2));
  const std::uint8_t* red = image.at(3, 2);
  EXPECT_EQ(red[0], 255);
  EXPECT_EQ(red[1], 0);
  EXPECT_EQ(red[2], 0);
}

TEST(TensorboardPlotCanvas, LinesAreStrokedInTheCurrentColour) {
  Canvas canvas(20, 20);
  set_colour(canvas.context.get(), kDiagonalColour);
  cairo_set_line_width(canvas.context.get(), 1);
  line(canvas.context.get(), 0, 10.5, 20, 10.5);  // a whole pixel row: y 10
  const RgbImage image = copy_rgb24_surface(canvas.surface.get());
  const std::uint8_t* on_line = image.at(5, 10);
  EXPECT_EQ(on_line[0], 214);
  EXPECT_EQ(on_line[1], 39);
  EXPECT_EQ(on_line[2], 40);
  EXPECT_TRUE(is_white(image, 5, 9));
  EXPECT_TRUE(is_white(image, 5, 11));
}

TEST(TensorboardPlotCanvas, TextIsAnchoredLeftCentredOrRight) {
  for (const double anchor : {0.0, 0.5, 1.0}) {
    Canvas canvas(200, 30);
    cairo_t* cr = canvas.context.get();
    select_font(cr, 12);
    set_colour(cr, kTextColour);
    const double width = text_width(cr, "HHHH");
    EXPECT_GT(width, 20);
    draw_text(cr, "HHHH", 100, 20, anchor);
    const double centre = ink_centre(copy_rgb24_surface(canvas.surface.get()));
    EXPECT_NEAR(centre, 100 + (0.5 - anchor) * width, 2.0) << anchor;
  }
}

TEST(TensorboardPlotCanvas, BoldTextIsWider) {
  Canvas canvas(10, 10);
  cairo_t* cr = canvas.context.get();
  select_font(cr, 12);
  const double regular = text_width(cr, "predicted");
  select_font(cr, 12, true);
  EXPECT_GT(text_width(cr, "predicted"), regular);
  EXPECT_EQ(text_width(cr, ""), 0);
}

}  // namespace
}  // namespace vgsales::tensorboard
