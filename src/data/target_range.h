// The values a target can take, learned from the training rows (a target that was never negative cannot be estimated
// below 0) or given with --target-range: every estimate, median and interval bound is clipped to it.
#pragma once

#include <limits>
#include <span>
#include <string>

#include "common/result.h"

namespace vgsales {

// An interval of possible target values; an open side is infinite. The default is the whole line (no clipping).
struct TargetRange {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();

  bool bounded() const { return has_min() || has_max(); }
  bool has_min() const { return min > -std::numeric_limits<double>::infinity(); }
  bool has_max() const { return max < std::numeric_limits<double>::infinity(); }
  double clip(double value) const { return value < min ? min : value > max ? max : value; }
  bool operator==(const TargetRange&) const = default;
};

// --target-range: `auto` learns the range from the training targets, `none` keeps every output as the network gives
// it, MIN,MAX fixes it (either side may be empty, or inf, for an open side: "0," is "at least 0").
struct TargetRangeSetting {
  enum class Kind { automatic, none, fixed };
  Kind kind = Kind::automatic;
  TargetRange range;  // kind == fixed
  bool operator==(const TargetRangeSetting&) const = default;
};

// Parses the flag's text; errors name the flag and the bad part.
Result<TargetRangeSetting> parse_target_range_setting(const std::string& text);
// The flag's text: "auto", "none", "0,inf", "0,100".
std::string format_target_range_setting(const TargetRangeSetting& setting);

// What `auto` learns: a target whose training values are all at least 0 is non-negative ([0, inf)); any other target
// is left unbounded.
TargetRange learn_target_range(std::span<const float> training_targets);
// The range a setting resolves to on these training targets.
TargetRange resolve_target_range(const TargetRangeSetting& setting, std::span<const float> training_targets);

// For people: "at least 0", "at most 100", "from 0 to 100", "unbounded".
std::string describe_target_range(const TargetRange& range);

}  // namespace vgsales
