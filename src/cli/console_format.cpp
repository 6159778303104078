// People-facing number formatting.
#include "cli/console_format.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace vgsales::cli {

std::string with_thousands(double value, int decimals) {
  if (!std::isfinite(value)) return fmt::format("{}", value);
  if (decimals > 0 && std::abs(value) < 100) return fmt::format("{:.{}f}", value, std::max(decimals, 3));
  std::string digits = fmt::format("{:.{}f}", std::abs(value), decimals);
  const size_t point = digits.find('.');
  size_t end = point == std::string::npos ? digits.size() : point;
  for (long i = static_cast<long>(end) - 3; i > 0; i -= 3) digits.insert(static_cast<size_t>(i), ",");
  return (value < 0 ? "-" : "") + digits;
}

std::string unit_prefix_for(const std::string& target) {
  std::string lower = target;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* word : {"earning", "revenue", "dollar", "usd", "income"})
    if (lower.find(word) != std::string::npos) return "$";
  return "";
}

std::string target_amount(double value, const std::string& unit_prefix) {
  if (value < 0) return "-" + unit_prefix + with_thousands(-value);
  return unit_prefix + with_thousands(value);
}

}  // namespace vgsales::cli
