// The synthetic sales generator: a documented linear-plus-interaction formula with noise.
#include "data/synthetic_sales.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "common/atomic_file.h"

namespace vgsales {

Result<void> write_synthetic_sales(const std::filesystem::path& path, const SyntheticSalesOptions& options) {
  if (options.rows < 1) return make_error(ErrorKind::usage, "--rows must be at least 1");
  return write_stream_atomically(path, [&](std::FILE* out) -> Result<void> {
    std::mt19937_64 generator(options.seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::normal_distribution<double> noise(0.0, 0.03);
    // Frequencies close to the reference training file's.
    const double flag_rates[8] = {0.47, 0.27, 0.24, 0.35, 0.75, 0.19, 0.27, 0.0};
    const double ratings[7] = {2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0};
    const double rating_weights[7] = {0.04, 0.08, 0.16, 0.24, 0.24, 0.16, 0.08};
    std::discrete_distribution<int> rating_choice(rating_weights, rating_weights + 7);
    std::discrete_distribution<int> price_choice({0.15, 0.28, 0.57});
    const double prices[3] = {39.99, 49.99, 59.99};
    fmt::memory_buffer buffer;
    fmt::format_to(std::back_inserter(buffer),
                   "critic_rating,is_action,is_exclusive_to_us,is_portable,is_role_playing,is_sequel,is_sports,"
                   "suitable_for_kids,total_earnings,unit_price\n");
    for (long long row = 0; row < options.rows; ++row) {
      const double rating = ratings[rating_choice(generator)];
      int flag[7];
      for (int i = 0; i < 7; ++i) flag[i] = uniform(generator) < flag_rates[i] ? 1 : 0;
      const double price = prices[price_choice(generator)];
      const auto [action, exclusive, portable, role_playing, sequel, sports, kids] =
          std::tuple(flag[0], flag[1], flag[2], flag[3], flag[4], flag[5], flag[6]);
      double earnings = -135000 + 22000 * rating + 15700 * action + 64900 * exclusive + 21200 * portable -
                        1800 * role_playing + 34400 * sequel - 13900 * sports + 10400 * kids + 2035 * price +
                        8000 * rating * exclusive;
      earnings = std::max(25000.0, earnings) * (1.0 + noise(generator));
      fmt::format_to(std::back_inserter(buffer), "{:.1f},{},{},{},{},{},{},{},{:.0f},{:.2f}\n", rating, action,
                     exclusive, portable, role_playing, sequel, sports, kids, earnings, price);
      if (buffer.size() > (1 << 20)) {
        if (std::fwrite(buffer.data(), 1, buffer.size(), out) != buffer.size())
          return make_error(ErrorKind::io, path.string() + ": write failed (disk full?)");
        buffer.clear();
      }
    }
    if (std::fwrite(buffer.data(), 1, buffer.size(), out) != buffer.size())
      return make_error(ErrorKind::io, path.string() + ": write failed (disk full?)");
    return {};
  });
}

}  // namespace vgsales
