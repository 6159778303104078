// Fitting the dense network: mini-batch Adam on MSE of the scaled target, with per-epoch metrics,
// early stopping, Ctrl-C handling and checkpoints. The interface is LibTorch-free.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/portable_network.h"
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
  // (or restored from resume_checkpoint).
  PortableNetwork frame;
  SplitData train;
  std::vector<SplitData> evaluations;  // validation (picks the best epoch) and/or test
  std::filesystem::path resume_checkpoint;  // empty: start fresh
  std::filesystem::path checkpoint_out;     // where to write weights + Adam state + epoch
  std::vector<TrainingObserver*> observers;
  const std::atomic<bool>* stop_requested = nullptr;  // set by the SIGINT handler
};

struct TrainerResult {
  PortableNetwork network;  // the weights kept (best validation epoch, or the last)
  TrainingOutcome outcome;
};

Result<TrainerResult> train_network(const TrainerInputs& inputs);

// Builds the network's initial weights for `settings`: torch::nn::Linear's own initialisation (see trainer.cpp for why).
PortableNetwork initialise_network(const PortableNetwork& frame, const TrainingSettings& settings);

}  // namespace vgsales
