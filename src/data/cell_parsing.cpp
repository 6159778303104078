// Locale-independent number parsing with std::from_chars.
#include "data/cell_parsing.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace vgsales {

namespace {
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

MissingValueSet::MissingValueSet(std::vector<std::string> spellings) : spellings_(std::move(spellings)) {
  for (auto& spelling : spellings_) std::transform(spelling.begin(), spelling.end(), spelling.begin(), lower);
}

bool MissingValueSet::contains(std::string_view cell) const {
  for (const auto& spelling : spellings_) {
    if (spelling.size() != cell.size()) continue;
    bool same = true;
    for (size_t i = 0; i < cell.size() && same; ++i) same = lower(cell[i]) == spelling[i];
    if (same) return true;
  }
  return false;
}

CellKind parse_cell(std::string_view cell, const MissingValueSet& missing, double& number) {
  if (missing.contains(cell)) return CellKind::missing;
  const char* begin = cell.data();
  const char* end = begin + cell.size();
  if (begin != end && *begin == '+') ++begin;  // from_chars refuses a leading '+'; people write it
  if (begin == end) return CellKind::text;
  const auto [ptr, error] = std::from_chars(begin, end, number);
  if (ptr != end) return CellKind::text;
  if (error == std::errc::result_out_of_range) return CellKind::non_finite;
  if (error != std::errc()) return CellKind::text;
  if (!std::isfinite(number)) return CellKind::non_finite;  // "inf", "-inf", "infinity"
  // Features are 32-bit floats: a number beyond their range would become Infinity silently.
  if (std::fabs(number) > std::numeric_limits<float>::max()) return CellKind::non_finite;
  return CellKind::number;
}

}  // namespace vgsales
