// Two passes (the mean, then the moments about it) rather than one pass over raw power sums, which cancel badly
// for a long-tailed sample far from zero.
#include "common/statistics.h"

#include <cmath>

namespace vgsales {

double sample_skewness(std::span<const float> values) {
  if (values.empty()) return 0;
  double mean = 0;
  for (float v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double m2 = 0, m3 = 0;
  for (float v : values) {
    const double d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= static_cast<double>(values.size());
  m3 /= static_cast<double>(values.size());
  return m2 > 0 ? m3 / std::pow(m2, 1.5) : 0.0;
}

}  // namespace vgsales
