// People-facing number formatting.
#include "cli/console_format.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/number_format.h"
#include "common/target_units.h"
#include "model/metrics.h"

namespace vgsales::cli {

std::string with_thousands(double value, int decimals) {
  if (!std::isfinite(value)) return fmt::format("{}", value);
  if (decimals > 0 && std::abs(value) < 100) return fmt::format("{:.{}f}", value, std::max(decimals, 3));
  return (value < 0 ? "-" : "") + group_thousands(fmt::format("{:.{}f}", std::abs(value), decimals));
}

std::string target_amount(double value, const TargetUnits& units) { return units.amount(value); }

std::string target_quantity(double value, const TargetUnits& units) { return units.quantity(value); }

std::string figure(double value) { return format_significant(value); }

std::string mape_cell(const SplitMetrics& metrics) {
  return mape_is_meaningful(metrics) ? fmt::format("{:.2f}%", metrics.mape) : std::string("not shown*");
}

std::optional<std::string> mape_hidden_reason(const SplitMetrics& metrics, const std::string& split) {
  if (mape_is_meaningful(metrics)) return std::nullopt;
  if (metrics.rows == 0) return "not shown: no rows";
  return fmt::format(
      "not shown: {} of {} {}targets are near zero (0 or below {:g} % of the mean absolute "
      "target), where a percentage error says little",
      with_thousands(static_cast<double>(metrics.near_zero_targets), 0),
      with_thousands(static_cast<double>(metrics.rows), 0), split.empty() ? "" : split + " ",
      100 * kNearZeroTargetFraction);
}

}  // namespace vgsales::cli
