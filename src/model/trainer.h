// Fitting the dense network: mini-batch Adam on MSE of the scaled target, with per-epoch metrics, early stopping
// and Ctrl-C handling. LibTorch-free: the fused dense stack in fused_dense_network.h does the arithmetic.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/feature_pipeline.h"
#include "model/portable_network.h"
#include "model/training_checkpoint.h"
#include "model/training_observer.h"
#include "model/training_settings.h"

namespace vgsales {

// One split's rows: encoded (unscaled) features and the target in its own units.
struct SplitData {
  std::string name;  // "train", "validation", "test"
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
  std::vector<TrainingObserver*> observers;
  const std::atomic<bool>* stop_requested = nullptr;  // set by the SIGINT handler
};

struct TrainerResult {
  PortableNetwork network;  // the weights kept (best validation epoch, or the last completed one)
  TrainingOutcome outcome;
  TrainingCheckpoint checkpoint;  // the kept epoch's weights with that epoch's Adam state
};

Result<TrainerResult> train_network(const TrainerInputs& inputs);

// The network's initial weights for `settings`: torch::nn::Linear's initialisation scheme (weights and biases
// uniform in +-1/sqrt(fan_in)) from a generator seeded with `settings.seed`.
PortableNetwork initialise_network(const PortableNetwork& frame, const TrainingSettings& settings);

}  // namespace vgsales
