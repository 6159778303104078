// Drawing the global-importance bars.
#include "tensorboard/importance_plot.h"

#include <algorithm>

#include "common/target_units.h"
#include "tensorboard/plot_canvas.h"

namespace vgsales::tensorboard {

namespace {

constexpr double kBarHeight = 22, kBarGap = 8, kTop = 64, kBottom = 24, kMargin = 16;

}  // namespace

RgbImage plot_global_importance(std::span<const std::pair<std::string, double>> columns, const TargetUnits& units,
                                int width_pixels) {
  const int height = static_cast<int>(kTop + kBottom + static_cast<double>(columns.size()) * (kBarHeight + kBarGap));
  CairoSurface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_pixels, height));
  CairoContext context(cairo_create(surface.get()));
  cairo_t* cr = context.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  set_colour(cr, kTextColour);
  select_font(cr, 16, true);
  draw_text(cr, "What moves the estimate of " + units.name(), kMargin, 26);
  select_font(cr, 12);
  set_colour(cr, kSubtleTextColour);
  draw_text(cr, "mean |attribution| of the mean estimate over the background rows (Shapley values), " + units.phrase(),
            kMargin, 46);
  select_font(cr, 12);
  double label_width = 0, largest = 0;
  for (const auto& [name, value] : columns) {
    label_width = std::max(label_width, text_width(cr, name));
    largest = std::max(largest, value);
  }
  const double bar_left = kMargin + label_width + 10;
  const double bar_room = std::max(40.0, static_cast<double>(width_pixels) - bar_left - kMargin - 80);
  for (size_t i = 0; i < columns.size(); ++i) {
    const double top = kTop + static_cast<double>(i) * (kBarHeight + kBarGap);
    const double length = largest > 0 ? bar_room * columns[i].second / largest : 0;
    set_colour(cr, kTextColour);
    draw_text(cr, columns[i].first, bar_left - 10, top + kBarHeight * 0.7, 1);
    set_colour(cr, kPointColour);
    cairo_rectangle(cr, bar_left, top, length, kBarHeight);
    cairo_fill(cr);
    set_colour(cr, kTextColour);
    draw_text(cr, units.amount(columns[i].second), bar_left + length + 6, top + kBarHeight * 0.7);
  }
  return copy_rgb24_surface(surface.get());
}

}  // namespace vgsales::tensorboard
