// Fitting the ensemble: K dense networks (members) with their own seeds and shuffles, each mini-batch Adam on the
// MSE of the scaled target (plus a detached median head when asked), each keeping the epoch with its lowest holdout
// loss and stopping after `early_stopping` epochs without one; per-epoch metrics of the ensemble and Ctrl-C handling.
// LibTorch-free: the fused dense stack in fused_dense_network.h does the arithmetic.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/feature_pipeline.h"
#include "model/portable_network.h"
#include "model/split_role.h"
#include "model/training_checkpoint.h"
#include "model/training_observer.h"
#include "model/training_settings.h"

namespace vgsales {

// One split's rows: encoded (unscaled) features and the target in its own units.
struct SplitData {
  SplitRole role = SplitRole::train;
  const float* features = nullptr;  // row-major [rows][width]
  const float* targets = nullptr;   // [rows]
  size_t rows = 0;
};

struct TrainerInputs {
  TrainingSettings settings;
  // Names, scaling and target transform of the network to train; its layers are built from settings
  // (or restored from `resume`).
  PortableNetwork frame;
  SplitData train;
  std::vector<SplitData> evaluations;  // validation (picks the best epoch) and/or test
  std::optional<TrainingCheckpoint> resume;
  bool median_head = false;  // train a second output column on the pinball loss (ignored on resume: the checkpoint's)
  std::vector<TrainingObserver*> observers;
  const std::atomic<bool>* stop_requested = nullptr;  // set by the SIGINT handler
};

struct TrainerResult {
  PortableNetwork network;         // every member at its kept epoch (lowest holdout loss, or the last completed one)
  std::vector<int> member_epochs;  // the epoch each member kept
  TrainingOutcome outcome;
  TrainingCheckpoint checkpoint;  // the kept epoch's weights with that epoch's Adam state
};

Result<TrainerResult> train_network(const TrainerInputs& inputs);

// Member k's seed: its initialisation and (xor a constant) its shuffles. Member 0 is the single network of seed.
inline std::int64_t member_seed(std::int64_t seed, size_t member) {
  return seed + 1000 * static_cast<std::int64_t>(member);
}

// One network's initial weights: torch::nn::Linear's initialisation scheme (weights and biases uniform in
// +-1/sqrt(fan_in)) from a generator seeded with `seed`; `output_columns` is 2 with a median head.
DenseStack initialise_stack(std::int64_t input_width, const std::vector<int>& hidden_layers, std::int64_t seed,
                            std::int64_t output_columns = 1);
// `frame` with the ensemble's initial members for `settings` (what TensorBoard shows as the starting graph).
PortableNetwork initialise_network(const PortableNetwork& frame, const TrainingSettings& settings,
                                   std::int64_t output_columns = 1);

}  // namespace vgsales
