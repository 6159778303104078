// The money rule: a name test, since a CSV header is all we know about a target's unit.
#include "common/target_units.h"

#include <algorithm>
#include <cctype>

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

std::string format_target_amount(double value, std::string_view target) {
  return format_amount(value, currency_prefix(target));
}

}  // namespace vgsales
