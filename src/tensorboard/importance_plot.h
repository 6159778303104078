// The global-importance image TensorBoard shows at the end of training: one horizontal bar per column, its length the
// column's mean |attribution| of the mean estimate, the most important at the top, drawn with cairo like the
// predicted-vs-actual plot.
#pragma once

#include <span>
#include <string>
#include <utility>

#include "common/target_units.h"
#include "tensorboard/png_plot.h"

namespace vgsales::tensorboard {

RgbImage plot_global_importance(std::span<const std::pair<std::string, double>> columns, const TargetUnits& units,
                                int width_pixels = 640);

}  // namespace vgsales::tensorboard
