// Turning one CSV cell into a number or a missing value, without locales or allocation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vgsales {

// The default spellings of a missing value (matched case-insensitively after trimming).
inline const std::vector<std::string>& default_na_values() {
  static const std::vector<std::string> values{"", "NA", "N/A", "NaN", "null", "tbd"};
  return values;
}

class MissingValueSet {
 public:
  MissingValueSet() : MissingValueSet(default_na_values()) {}
  explicit MissingValueSet(std::vector<std::string> spellings);
  bool contains(std::string_view trimmed_cell) const;
  const std::vector<std::string>& spellings() const { return spellings_; }

 private:
  std::vector<std::string> spellings_;  // lower-cased
};

enum class CellKind { number, missing, text, non_finite };

// Classifies a trimmed cell; for numbers, stores the value. "inf", "-inf", "1e999" and numbers beyond a 32-bit
// float's range ("1e39") are non_finite.
CellKind parse_cell(std::string_view trimmed_cell, const MissingValueSet& missing, double& number);

}  // namespace vgsales
