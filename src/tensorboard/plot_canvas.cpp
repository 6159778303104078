// Text goes through cairo's "toy" text API: one family and no layout beyond a line, which is all the plot needs.
#include "tensorboard/plot_canvas.h"

#include <cairo-ft.h>

#include <cstdint>

namespace vgsales::tensorboard {
namespace {

constexpr const char* kFontFamily = "DejaVu Sans";

}  // namespace

void set_colour(cairo_t* cr, Colour colour, double alpha) {
  cairo_set_source_rgba(cr, colour.r, colour.g, colour.b, alpha);
}

void select_font(cairo_t* cr, double size, bool bold) {
  cairo_select_font_face(cr, kFontFamily, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

double text_width(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.c_str(), &extents);
  return extents.x_advance;
}

void draw_text(cairo_t* cr, const std::string& text, double x, double y, double anchor) {
  cairo_move_to(cr, x - anchor * text_width(cr, text), y);
  cairo_show_text(cr, text.c_str());
}

void line(cairo_t* cr, double x0, double y0, double x1, double y1) {
  cairo_move_to(cr, x0, y0);
  cairo_line_to(cr, x1, y1);
  cairo_stroke(cr);
}

RgbImage copy_rgb24_surface(cairo_surface_t* surface) {
  // RGB24 keeps each pixel as a native-endian 32-bit 0x00RRGGBB.
  cairo_surface_flush(surface);
  const int width = cairo_image_surface_get_width(surface);
  const int height = cairo_image_surface_get_height(surface);
  RgbImage image(width, height);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  for (int y = 0; y < height; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
    for (int x = 0; x < width; ++x) image.set(x, y, (row[x] >> 16) & 0xFF, (row[x] >> 8) & 0xFF, row[x] & 0xFF);
  }
  return image;
}

std::string plot_font_family() {
  CairoSurface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1));
  CairoContext context(cairo_create(surface.get()));
  select_font(context.get(), 12);
  cairo_scaled_font_t* font = cairo_get_scaled_font(context.get());
  if (cairo_scaled_font_status(font) != CAIRO_STATUS_SUCCESS ||
      cairo_scaled_font_get_type(font) != CAIRO_FONT_TYPE_FT) {
    return "";
  }
  FT_Face face = cairo_ft_scaled_font_lock_face(font);
  const std::string family = face != nullptr && face->family_name != nullptr ? face->family_name : "";
  cairo_ft_scaled_font_unlock_face(font);
  return family;
}

}  // namespace vgsales::tensorboard
