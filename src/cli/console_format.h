// Number formatting for people: thousands separators, units for money-like targets.
#pragma once

#include <string>

namespace vgsales::cli {

// 1234567.891 -> "1,234,567.9" (decimals kept for small values).
std::string with_thousands(double value, int decimals = 1);

// "$" for targets that look like money (earnings, revenue, sales in dollars), else "".
std::string unit_prefix_for(const std::string& target);

// A value in the target's units: "$1,234.5" or "1,234.5".
std::string target_amount(double value, const std::string& unit_prefix);

}  // namespace vgsales::cli
