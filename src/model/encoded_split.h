// One split's rows as the training job holds them: encoded (unscaled) features and the target in its own units.
#pragma once

#include <vector>

#include "data/feature_pipeline.h"
#include "model/split_role.h"
#include "model/trainer.h"

namespace vgsales {

struct EncodedSplit {
  SplitRole role = SplitRole::train;
  EncodedRows features;
  std::vector<float> targets;
  // The trainer's view of these rows (valid while this split lives).
  SplitData view() const { return SplitData{role, features.values.data(), targets.data(), features.rows}; }
};

}  // namespace vgsales
