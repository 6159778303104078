// Seeded shuffles and splits of row indices (held-out test split, validation split).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vgsales {

struct RowSplit {
  std::vector<size_t> kept;
  std::vector<size_t> held_out;
};

// Shuffles `rows` with `seed` and holds out round(fraction * size) of them (at least one when fraction > 0).
RowSplit split_rows(std::vector<size_t> rows, double fraction, std::uint64_t seed);

}  // namespace vgsales
