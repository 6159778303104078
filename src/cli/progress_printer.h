// Keras-style training progress: one line per epoch, and a live bar within the epoch on a terminal.
#pragma once

#include <chrono>
#include <string>

#include "model/training_observer.h"

namespace vgsales::cli {

class ProgressPrinter final : public TrainingObserver {
 public:
  ProgressPrinter(std::string unit_prefix, bool quiet);
  Result<void> on_train_begin(const TrainingRunInfo& info) override;
  void on_batch_end(int epoch, long long batch, long long batches, double running_loss) override;
  void on_epoch_end(const EpochSummary& summary, const EpochDetail* detail) override;

 private:
  std::string unit_prefix_;
  bool quiet_;
  bool terminal_;
  int epochs_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace vgsales::cli
