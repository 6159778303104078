// Seeded Fisher-Yates split: the same seed gives the same split on every machine.
#include "data/row_split.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace vgsales {

RowSplit split_rows(std::vector<size_t> rows, double fraction, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  // std::shuffle's algorithm is implementation-defined; an explicit Fisher-Yates keeps splits portable.
  for (size_t i = rows.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(generator() % i);
    std::swap(rows[i - 1], rows[j]);
  }
  size_t held = static_cast<size_t>(std::llround(fraction * static_cast<double>(rows.size())));
  if (fraction > 0 && held == 0) held = 1;
  held = std::min(held, rows.size());
  RowSplit split;
  split.held_out.assign(rows.end() - static_cast<std::ptrdiff_t>(held), rows.end());
  split.kept.assign(rows.begin(), rows.end() - static_cast<std::ptrdiff_t>(held));
  // Keep file order inside each part: easier to read and to compare.
  std::sort(split.kept.begin(), split.kept.end());
  std::sort(split.held_out.begin(), split.held_out.end());
  return split;
}

}  // namespace vgsales
