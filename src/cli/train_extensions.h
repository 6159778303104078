// Optional training add-ons with their own flags (TensorBoard logs), kept apart from train_command.cpp.
#pragma once

#include <memory>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/flag_table.h"
#include "model/training_job.h"
#include "tensorboard/tensorboard_observer.h"

namespace vgsales::cli {

// Holds whatever the extensions opened (observers) for the duration of the training run.
struct TrainExtensions {
  std::vector<std::unique_ptr<TrainingObserver>> observers;
};

struct TrainExtensionOptions {
  TensorBoardOptions tensorboard;  // its defaults are the flags' defaults
  bool no_logs = false;
};

void add_train_extension_flags(FlagTable& flags, TrainExtensionOptions& options);
// Opens the extensions and adds their observers to `hooks`; the result must outlive training.
Result<std::shared_ptr<TrainExtensions>> open_train_extensions(const TrainExtensionOptions& options,
                                                               TrainingJobHooks& hooks);

}  // namespace vgsales::cli
