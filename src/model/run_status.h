// How a training run ended: one enum, and the one name table model.json, logs and TensorBoard write it with.
#pragma once

#include <string>

namespace vgsales {

enum class RunStatus {
  completed,      // every planned epoch ran
  stopped_early,  // every member ran out of patience before the last epoch
  interrupted,    // Ctrl-C: the model holds the epochs kept so far
  failed,         // an error ended the run (observers hear this from the training job's scope guard)
};

// "completed", "stopped_early", "interrupted", "failed".
std::string run_status_name(RunStatus status);

}  // namespace vgsales
