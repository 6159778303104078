// Synthetic sales tables with the reference schema, for the demo and for large benchmarks.
#pragma once

#include <cstdint>
#include <filesystem>

#include "common/result.h"

namespace vgsales {

struct SyntheticSalesOptions {
  long long rows = 1000;
  std::uint64_t seed = 1;
};

// Writes a CSV with columns critic_rating, is_action, is_exclusive_to_us, is_portable, is_role_playing,
// is_sequel, is_sports, suitable_for_kids, total_earnings, unit_price (the target is not last, as in the
// reference data). total_earnings follows the formula in docs/synthetic-data.md, with 3% noise.
Result<void> write_synthetic_sales(const std::filesystem::path& path, const SyntheticSalesOptions& options);

}  // namespace vgsales
