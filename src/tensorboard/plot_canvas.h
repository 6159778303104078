// The few cairo drawing steps the plot is made of: colours, DejaVu Sans text anchored left, centred or right,
// straight lines, and the copy of a finished cairo surface into an RgbImage.
#pragma once

#include <cairo.h>

#include <memory>
#include <string>

#include "tensorboard/png_plot.h"

namespace vgsales::tensorboard {

// Colours (r, g, b in 0..1): matplotlib's default blue and red, greys for the frame and grid.
struct Colour {
  double r, g, b;
};
inline constexpr Colour kPointColour{31 / 255.0, 119 / 255.0, 180 / 255.0};
inline constexpr Colour kDiagonalColour{214 / 255.0, 39 / 255.0, 40 / 255.0};
inline constexpr Colour kTextColour{0.15, 0.15, 0.15};
inline constexpr Colour kSubtleTextColour{0.4, 0.4, 0.4};
inline constexpr Colour kGridColour{0.88, 0.88, 0.88};
inline constexpr Colour kIntervalColour{0.55, 0.70, 0.85};
inline constexpr Colour kMinorGridColour{0.95, 0.95, 0.95};

struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
using CairoSurface = std::unique_ptr<cairo_surface_t, CairoDeleter>;
using CairoContext = std::unique_ptr<cairo_t, CairoDeleter>;

void set_colour(cairo_t* cr, Colour colour, double alpha = 1.0);

// DejaVu Sans (fontconfig's match for the family name) at `size` pixels.
void select_font(cairo_t* cr, double size, bool bold = false);

// The advance of `text` in the current font: how far the next glyph would start.
double text_width(cairo_t* cr, const std::string& text);

// Draws `text` with its baseline at y; `anchor` 0 = left, 0.5 = centred, 1 = right of x.
void draw_text(cairo_t* cr, const std::string& text, double x, double y, double anchor = 0);

// A stroked line from (x0, y0) to (x1, y1) in the current colour and width.
void line(cairo_t* cr, double x0, double y0, double x1, double y1);

// The pixels of a CAIRO_FORMAT_RGB24 surface.
RgbImage copy_rgb24_surface(cairo_surface_t* surface);

}  // namespace vgsales::tensorboard
