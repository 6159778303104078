// Number formatting for people: significant digits, thousands separators, units for money-like targets.
#pragma once

#include <optional>
#include <string>

#include "common/target_units.h"
#include "model/training_observer.h"

namespace vgsales::cli {

// 1234567.891 -> "1,234,567.9" (decimals kept for small values). For counts and parameter totals.
std::string with_thousands(double value, int decimals = 1);

// A value in the target's units with at least 4 significant digits, for table cells under a heading that names the
// units: "$1,805", "1.287", "0.4560".
std::string target_amount(double value, const TargetUnits& units);
// The same with the units' words, for sentences: "$1,805", "0.4560 million copies".
std::string target_quantity(double value, const TargetUnits& units);

// A plain figure (MSE, loss) with at least 4 significant digits: 2.045 stays "2.045", not "2".
std::string figure(double value);

// MAPE as "12.34%", or "not shown*" when too many targets are near zero (model/metrics.h's rule).
std::string mape_cell(const SplitMetrics& metrics);
// Why MAPE is not shown, e.g. "not shown: 338 of 3,320 test targets are near zero (0 or below 5 % of the
// mean absolute target)"; nothing when MAPE is shown. `split` may be empty.
std::optional<std::string> mape_hidden_reason(const SplitMetrics& metrics, const std::string& split = "");

}  // namespace vgsales::cli
