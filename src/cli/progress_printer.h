// Keras-style training progress: one line per epoch, a live bar within the epoch on a terminal, and the
// sentences that say which epoch's weights were kept and why.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/target_units.h"
#include "model/training_observer.h"

namespace vgsales::cli {

// How training ended, as far as the summary needs it: from the model's metadata and from what the
// progress printer saw (validation losses, an epoch cut short).
struct KeptEpochFacts {
  RunStatus status = RunStatus::completed;
  int planned_epochs = 0;
  int epochs_run = 0;
  int kept_epoch = 0;
  std::vector<int> member_epochs;  // an ensemble's kept epoch per member (more than one entry)
  bool has_validation = false;
  std::optional<double> best_validation_loss;  // the lowest validation loss seen, at epoch best_validation_epoch
  int best_validation_epoch = 0;
  int early_stopping = 0;  // patience in epochs, 0 = off
  // When Ctrl-C cut the last epoch short: the batches it ran of how many (0 of 0 when it was whole).
  long long partial_batches_done = 0;
  long long partial_batches = 0;
  bool last_epoch_partial() const { return partial_batches > 0 && partial_batches_done < partial_batches; }
};

// Keras ModelCheckpoint's words for an epoch: "val_loss improved from 0.01230 to 0.01010, keeping this epoch"
// (from "inf" at the first), or "val_loss did not improve from 0.01010 (epoch 2)".
std::string validation_note(std::optional<double> best_before, int best_epoch_before, double validation_loss);

// An ensemble's epoch: how many members lowered their own holdout loss and keep this epoch's weights.
std::string members_note(int improved, int training);

// One or two sentences: which epoch's weights the model holds, and why; the table's figures are theirs.
std::string describe_kept_epoch(const KeptEpochFacts& facts);

// The one-line error after Ctrl-C: what happened to the partial epoch and which epoch's model was saved.
std::string describe_interruption(const KeptEpochFacts& facts, const std::string& model_dir);

class ProgressPrinter final : public TrainingObserver {
 public:
  ProgressPrinter(TargetUnits units, bool quiet);
  Result<void> on_train_begin(const TrainingRunInfo& info) override;
  void on_batch_end(int epoch, long long batch, long long batches, double running_loss) override;
  void on_epoch_end(const EpochSummary& summary, const EpochDetail* detail) override;

  // What this printer saw: the best validation loss and its epoch, and a last epoch cut short.
  // The caller adds the status and epochs from the model's metadata.
  KeptEpochFacts facts() const { return facts_; }

 private:
  TargetUnits units_;
  bool quiet_;
  bool terminal_;
  int epochs_ = 0;
  bool ensemble_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
  int batch_epoch_ = 0;  // the epoch of the last batch seen, and how far it got
  long long batches_done_ = 0;
  long long batches_ = 0;
  std::optional<double> best_validation_loss_;
  int best_validation_epoch_ = 0;
  KeptEpochFacts facts_;
};

}  // namespace vgsales::cli
