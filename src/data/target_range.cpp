// Parsing, learning and describing a target's range.
#include "data/target_range.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "common/number_format.h"

namespace vgsales {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// One side of MIN,MAX: empty or "inf" (with a sign) for an open side, else a finite number.
Result<double> parse_bound(const std::string& text, double open, const std::string& whole) {
  if (text.empty() || text == "inf" || text == "+inf" || text == "-inf") {
    if (!text.empty() && (text[0] == '-') != (open < 0))
      return make_error(ErrorKind::usage,
                        fmt::format("--target-range: '{}' in '{}' is on the wrong side", text, whole));
    return open;
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return make_error(ErrorKind::usage, fmt::format("--target-range: '{}' in '{}' is not a number", text, whole));
  return value;
}

// "0", "-inf", "100.5": a bound as the flag takes it back.
std::string bound_text(double value) {
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  return fmt::format("{}", value);
}

// A bound for people: whole numbers as they are ("0", "2,500,000"), others with 4 significant digits.
std::string bound_for_people(double value) {
  if (value == std::trunc(value) && std::abs(value) < 1e15) return group_thousands(static_cast<long long>(value));
  return format_significant(value);
}

}  // namespace

Result<TargetRangeSetting> parse_target_range_setting(const std::string& text) {
  if (text == "auto") return TargetRangeSetting{};
  if (text == "none") return TargetRangeSetting{TargetRangeSetting::Kind::none, {}};
  const size_t comma = text.find(',');
  if (comma == std::string::npos || text.find(',', comma + 1) != std::string::npos)
    return make_error(ErrorKind::usage,
                      "--target-range: '" + text + "' is not auto, none or MIN,MAX (e.g. 0,100; 0, for at least 0)");
  TargetRangeSetting setting{TargetRangeSetting::Kind::fixed, {}};
  VGSALES_ASSIGN_OR_RETURN(setting.range.min, parse_bound(text.substr(0, comma), -kInfinity, text));
  VGSALES_ASSIGN_OR_RETURN(setting.range.max, parse_bound(text.substr(comma + 1), kInfinity, text));
  if (!(setting.range.min < setting.range.max))
    return make_error(ErrorKind::usage, "--target-range: the minimum of '" + text + "' is not below its maximum");
  return setting;
}

std::string format_target_range_setting(const TargetRangeSetting& setting) {
  switch (setting.kind) {
    case TargetRangeSetting::Kind::automatic: return "auto";
    case TargetRangeSetting::Kind::none: return "none";
    case TargetRangeSetting::Kind::fixed: break;
  }
  return bound_text(setting.range.min) + "," + bound_text(setting.range.max);
}

TargetRange learn_target_range(std::span<const float> training_targets) {
  TargetRange range;
  const bool non_negative = !training_targets.empty() && std::all_of(training_targets.begin(), training_targets.end(),
                                                                     [](float y) { return y >= 0.0f; });
  if (non_negative) range.min = 0.0;
  return range;
}

TargetRange resolve_target_range(const TargetRangeSetting& setting, std::span<const float> training_targets) {
  switch (setting.kind) {
    case TargetRangeSetting::Kind::automatic: return learn_target_range(training_targets);
    case TargetRangeSetting::Kind::none: return {};
    case TargetRangeSetting::Kind::fixed: break;
  }
  return setting.range;
}

std::string describe_target_range(const TargetRange& range) {
  if (range.has_min() && range.has_max())
    return "from " + bound_for_people(range.min) + " to " + bound_for_people(range.max);
  if (range.has_min()) return "at least " + bound_for_people(range.min);
  if (range.has_max()) return "at most " + bound_for_people(range.max);
  return "unbounded";
}

}  // namespace vgsales
