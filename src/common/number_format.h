// Numbers written for people: thousands separators and significant digits, defined once for the console, the
// TensorBoard plot and the model card.
#pragma once

#include <string>
#include <string_view>

namespace vgsales {

// Commas between groups of three integer digits of a plain non-negative decimal; the fraction is left alone:
// "1234567.891" -> "1,234,567.891", "950" -> "950".
std::string group_thousands(std::string_view plain_decimal);

// -1234567 -> "-1,234,567".
std::string group_thousands(long long value);

// A number with at least `digits` significant digits whatever its magnitude, never rounding away integer
// digits, with thousands separators: 2.045 -> "2.045", 1805.3 -> "1,805", 0.0123456 -> "0.01235",
// 1234567.8 -> "1,234,568", 0 -> "0". Below 1e-4 and from 1e15 on, exponent form: "1.235e-05".
std::string format_significant(double value, int digits = 4);

// An amount with its unit prefix after the sign and 4 significant digits: "$1,805", "1.287", "-$12.35".
std::string format_amount(double value, std::string_view prefix);

}  // namespace vgsales
