// What unit a target is measured in, and how its amounts are written, decided once for every place that
// prints them (the console and TensorBoard).
#pragma once

#include <string>
#include <string_view>

#include "common/number_format.h"  // format_significant, which the amounts below are written with

namespace vgsales {

// True for a target whose name says it is money: it contains "earning", "revenue", "dollar", "usd" or
// "income" (any case). Only then do we print "$" or "dollars"; any other target keeps its own units.
bool target_is_money(std::string_view target);

// "$" for money targets, else "": the prefix of an amount such as "$1,234.5".
std::string currency_prefix(std::string_view target);

// For sentences: "in dollars" for money, else "in the target's units (<target>)".
std::string target_units_phrase(std::string_view target);

// For a title in parentheses: "dollars" for money, else "target's own units".
std::string target_unit_label(std::string_view target);

// An amount in the target's units: "$1,805" for money, "1.287" otherwise; "-$12.35" when negative.
std::string format_target_amount(double value, std::string_view target);

}  // namespace vgsales
