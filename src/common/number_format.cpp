// Thousands separators by hand: std::locale's grouping depends on the machine's locale, and the output must not.
#include "common/number_format.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace vgsales {

std::string group_thousands(std::string_view plain_decimal) {
  std::string grouped(plain_decimal);
  const std::size_t point = grouped.find('.');
  const std::size_t integer_end = point == std::string::npos ? grouped.size() : point;
  for (long i = static_cast<long>(integer_end) - 3; i > 0; i -= 3) grouped.insert(static_cast<std::size_t>(i), ",");
  return grouped;
}

std::string group_thousands(long long value) {
  const bool negative = value < 0;
  // Unsigned negation, so that the most negative value has a magnitude too.
  const unsigned long long magnitude = negative ? 0ULL - static_cast<unsigned long long>(value)
                                                : static_cast<unsigned long long>(value);
  const std::string digits = group_thousands(std::to_string(magnitude));
  return negative ? "-" + digits : digits;
}

std::string format_significant(double value, int digits) {
  if (!std::isfinite(value)) return fmt::format("{}", value);
  const double magnitude = std::abs(value);
  if (magnitude == 0) return "0";
  if (magnitude < 1e-4 || magnitude >= 1e15) return fmt::format("{:.{}e}", value, std::max(0, digits - 1));
  const int integer_digits = static_cast<int>(std::floor(std::log10(magnitude))) + 1;
  int decimals = std::max(0, digits - integer_digits);
  std::string text = fmt::format("{:.{}f}", magnitude, decimals);
  // Rounding may carry into a new digit (9.9996 -> "10.000"): one decimal fewer keeps the count honest.
  if (decimals > 0 && std::stod(text) >= std::pow(10.0, integer_digits)) {
    text = fmt::format("{:.{}f}", magnitude, --decimals);
  }
  return (value < 0 ? "-" : "") + group_thousands(text);
}

std::string format_amount(double value, std::string_view prefix) {
  return fmt::format("{}{}{}", value < 0 ? "-" : "", prefix, format_significant(std::abs(value)));
}

}  // namespace vgsales
