// The money rule (a name test, since a CSV header is all we know of a target without --target-units) and the
// wording of amounts.
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

std::string resolve_target_units(std::string_view target, const std::string& setting) {
  if (setting != "auto") return setting;
  return target_is_money(target) ? kMoneyUnits : "";
}

Result<void> check_target_display_text(std::string_view flag, std::string_view text) {
  constexpr size_t kMaximumBytes = 64;
  if (text.size() > kMaximumBytes)
    return make_error(ErrorKind::usage, fmt::format("{}: '{}' is longer than {} bytes", flag, text, kMaximumBytes));
  for (const unsigned char c : text)
    if (c < 0x20 || c == 0x7f)
      return make_error(ErrorKind::usage, fmt::format("{}: the text has a control character (byte {})", flag, int{c}));
  return {};
}

TargetUnits TargetUnits::of_column(std::string_view column) {
  return TargetUnits{std::string(column), "", resolve_target_units(column, "auto")};
}

std::string TargetUnits::phrase() const {
  if (!units.empty()) return "in " + units;
  return fmt::format("in the target's units ({})", column);
}

std::string TargetUnits::unit_label() const { return units.empty() ? "target's own units" : units; }

}  // namespace vgsales
