// "Did you mean ...?": the candidate closest to a mistyped name, for errors about columns, flags and commands.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace vgsales {

// The candidate nearest to `wanted` by edit distance, ignoring case, when it is close enough to be a plausible
// typo (at most a third of the name's length, and at least one edit allowed); else nothing.
std::optional<std::string> closest_name(std::string_view wanted, std::span<const std::string> candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view wanted, std::span<const std::string> candidates);

}  // namespace vgsales
