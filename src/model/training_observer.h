// Hooks the trainer calls while it trains: TensorBoard logs and progress output implement them.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/result.h"
#include "common/target_units.h"
#include "model/portable_network.h"
#include "model/run_status.h"

namespace vgsales {

// Errors of one data split, all in the target's own units except `loss`.
struct SplitMetrics {
  double loss = 0;  // MSE on the scaled target: what the optimizer minimises
  double mse = 0;
  double rmse = 0;
  double mae = 0;
  double mape = 0;  // percent; rows whose target is 0 are left out
  double r2 = 0;
  long long rows = 0;
  long long near_zero_targets = 0;  // |target| below 5 % of the mean |target|: see mape_is_meaningful
  // For a model with an interval (all -1 otherwise): the median's MAE, the share of targets inside the interval,
  // and the interval's mean width, in the target's units.
  double median_mae = -1;
  double coverage = -1;
  double mean_interval_width = -1;
  bool has_interval_metrics() const { return coverage >= 0; }
};

using HyperparameterValue = std::variant<double, std::string, bool>;

struct TrainingRunInfo {
  std::string run_name;
  std::string target_name;   // the column predicted, e.g. "total_earnings"
  TargetUnits target_units;  // its label and units
  std::string train_file;
  std::string test_file;  // empty when there is none
  long long train_rows = 0;
  long long validation_rows = 0;
  long long test_rows = 0;
  int epochs = 0;
  int batch_size = 0;
  // Hyperparameters in a stable order: layers (as "50,100,50"), learning_rate, batch_size, epochs, seed...
  std::vector<std::pair<std::string, HyperparameterValue>> hyperparameters;
  std::string schema_markdown;      // a Markdown table of the input features (name, type, range)
  PortableNetwork initial_network;  // architecture and initial weights
  FeaturePipeline pipeline;         // raw row -> inputs: the graph's preprocessing scope
};

struct EpochSummary {
  int epoch = 0;                               // 1-based
  std::map<std::string, SplitMetrics> splits;  // "train", and "validation" / "test" when present
  double learning_rate = 0;
  double seconds = 0;
  double samples_per_second = 0;
  // An ensemble's members that trained this epoch, and how many of them lowered their own holdout loss (and so
  // keep this epoch's weights).
  int members_training = 1;
  int members_improved = 0;
};

// Heavier per-epoch data, gathered only for epochs the observer asks for.
struct EpochDetail {
  PortableNetwork network;  // the weights at the end of this epoch
  // One entry per layer, activations (after ReLU for hidden layers) on the test rows (or validation
  // rows, or training rows when neither exists), row-major [rows][layer.output_size].
  std::vector<std::vector<float>> activations;
  std::vector<float> predictions;  // target units, same rows as `actuals`
  std::vector<float> actuals;
  std::string evaluation_split;  // which split the above come from
};

struct TrainingOutcome {
  RunStatus status = RunStatus::completed;
  int epochs_run = 0;              // completed epochs
  int kept_epoch = 0;              // the epoch whose weights the model keeps (an ensemble: the latest any member kept)
  std::vector<int> member_epochs;  // the epoch each member of the ensemble kept
  std::string estimates_markdown;  // how the mean, median and interval were calibrated (set by the training job)
  // The saved model's estimates on one held-out split (test, else validation, else train), set by the training job
  // after calibration: what TensorBoard's last predicted-vs-actual image shows, with the interval when there is one.
  struct SavedEstimates {
    std::string split;
    std::vector<float> actuals, mean, lower, upper;  // lower and upper empty without an interval
    double interval_level = 0;
  } saved_estimates;
  // An interrupted epoch is discarded: which one, and how many of its batches had run (0 when none was cut short).
  int discarded_epoch = 0;
  long long discarded_batches = 0;
  std::map<std::string, SplitMetrics> final_metrics;
  double training_seconds = 0;
  std::string model_summary_markdown;  // layers, output shapes, parameter counts
  // Each column's mean |attribution| of the saved model's mean estimate over its background rows, most important
  // first, and its Markdown table (set through TrainingJobHooks::explain_saved_model; empty without background.csv).
  std::vector<std::pair<std::string, double>> global_importance;
  std::string global_importance_markdown;
};

class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  // An error here (for example an unwritable log directory) stops training before it starts.
  virtual Result<void> on_train_begin(const TrainingRunInfo& info) { return {}; }
  virtual bool wants_detail(int epoch) const { return false; }
  // After every optimizer step; `running_loss` is the mean batch loss so far in this epoch.
  virtual void on_batch_end(int epoch, long long batch, long long batches, double running_loss) {}
  // `detail` is non-null exactly when wants_detail(epoch) returned true.
  virtual void on_epoch_end(const EpochSummary& summary, const EpochDetail* detail) {}
  // Called exactly once for every on_train_begin that succeeded, also after an interruption or a failure
  // (RunStatus::failed), so observers can flush. The training job guarantees it with a scope guard.
  virtual void on_train_end(const TrainingOutcome& outcome) {}
};

}  // namespace vgsales
