// Summary statistics of a sample, shared by the target-transform choice (data/) and the plot's axis choice
// (tensorboard/).
#pragma once

#include <span>

namespace vgsales {

// The sample skewness m3 / m2^1.5 with the biased (1/n) central moments, accumulated in double; 0 for no values
// or no spread. Every value counts: a NaN or infinity makes m2 NaN, which gives 0 too, so callers that would rather
// skip such values filter them out first.
double sample_skewness(std::span<const float> values);

}  // namespace vgsales
