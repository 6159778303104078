// What a target is called and measured in, and how its amounts are written, decided once for every place that prints
// them: the console, TensorBoard, the model card, the REST metadata and the web page.
#pragma once

#include <string>
#include <string_view>

#include "common/number_format.h"  // format_significant, which the amounts below are written with
#include "common/result.h"

namespace vgsales {

// The units recorded for a money target: amounts print as "$1,805".
inline constexpr const char* kMoneyUnits = "dollars";

// True for a target whose name says it is money: it contains "earning", "revenue", "dollar", "usd" or
// "income" (any case). `--target-units auto` (and every model saved before --target-units) reads it as dollars.
bool target_is_money(std::string_view target);

// What `--target-units` resolves to: "auto" is dollars for a money target, else "" (no units known); any other text
// is kept.
std::string resolve_target_units(std::string_view target, const std::string& setting);

// --target-units and --target-label take printable text of at most 64 bytes (no control characters: it lands in
// terminals, HTML and PNG images).
Result<void> check_target_display_text(std::string_view flag, std::string_view text);

// A target as people read it: its label and units (resolved), and the column it comes from.
struct TargetUnits {
  std::string column;  // "Global_Sales"
  std::string label;   // "Worldwide sales"; empty: the column's name
  std::string units;   // "million copies", "dollars", or "" when unknown

  // The auto rule alone, for a target known only by its column's name.
  static TargetUnits of_column(std::string_view column);

  const std::string& name() const { return label.empty() ? column : label; }
  bool money() const { return units == kMoneyUnits; }
  // "$" for money, else "": the prefix of an amount such as "$1,234.5".
  std::string prefix() const { return money() ? "$" : ""; }
  // " million copies" for units other than money, else "": the suffix of an amount.
  std::string suffix() const { return units.empty() || money() ? "" : " " + units; }
  // For sentences: "in dollars", "in million copies", or "in the target's units (Global_Sales)".
  std::string phrase() const;
  // For a title in parentheses: "dollars", "million copies", or "target's own units".
  std::string unit_label() const;
  // An amount without the units' words, for table cells under a heading that names them: "$1,805", "0.4578".
  std::string amount(double value) const { return format_amount(value, prefix()); }
  // An amount with its units: "$1,805", "0.4578 million copies", "1.287" (no units known).
  std::string quantity(double value) const { return amount(value) + suffix(); }
};

}  // namespace vgsales
