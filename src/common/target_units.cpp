// The money rule: a name test, since a CSV header is all we know about a target's unit.
#include "common/target_units.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

namespace vgsales {

bool target_is_money(std::string_view target) {
  std::string lower(target);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* word : {"earning", "revenue", "dollar", "usd", "income"})
    if (lower.find(word) != std::string::npos) return true;
  return false;
}

std::string currency_prefix(std::string_view target) { return target_is_money(target) ? "$" : ""; }

std::string target_units_phrase(std::string_view target) {
  return target_is_money(target) ? std::string("in dollars") : fmt::format("in the target's units ({})", target);
}

std::string target_unit_label(std::string_view target) {
  return target_is_money(target) ? "dollars" : "target's own units";
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
  const std::size_t point = text.find('.');
  const std::size_t integer_end = point == std::string::npos ? text.size() : point;
  std::string grouped = value < 0 ? "-" : "";
  for (std::size_t i = 0; i < integer_end; ++i) {
    if (i > 0 && (integer_end - i) % 3 == 0) grouped += ',';
    grouped += text[i];
  }
  return grouped + text.substr(integer_end);
}

std::string format_target_amount(double value, std::string_view target) {
  return fmt::format("{}{}{}", value < 0 ? "-" : "", currency_prefix(target), format_significant(std::abs(value)));
}

}  // namespace vgsales
