// model.json: everything about a trained model except its weights, as one struct and its JSON form.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/feature_pipeline.h"
#include "model/portable_network.h"
#include "model/training_observer.h"
#include "model/training_settings.h"

namespace vgsales {

// model.json's format, the one this vgsales writes: 4 since the target has a range every output is clipped to
// (pipeline.target.range), units and a label (training.target_range, target_units, target_label); 3 named the kept
// epoch `kept_epoch` (2 called it `best_epoch`; 2 brought the feature pipeline and the LibTorch-free weights file, 1
// kept the weights only in TorchScript). Formats 2 and 3 load as unbounded, with the money rule's units.
inline constexpr int kModelFormatVersion = 4;
// The oldest format this vgsales still reads.
inline constexpr int kOldestReadableModelFormatVersion = 2;

struct ModelMetadata {
  int format_version = kModelFormatVersion;  // the format the file was read from (writing always writes the newest)
  std::string created;                       // ISO 8601 UTC
  FeaturePipeline pipeline;  // raw row -> encoded inputs, their scaling, the target's transform and scaling
  std::string output_name;   // the output tensor's name in exports and the REST metadata
  int members = 1;           // networks in the ensemble (their mean is the model's output)
  // Added to the network's output before the target transform is undone: for a log1p model the log of the mean's
  // correction factor (least-squares or Duan's smearing: --mean-correction), so predictions estimate the mean, 0
  // otherwise; and the median's and the interval bounds' offsets.
  OutputShifts shifts;
  // The interval's nominal level (e.g. 0.8) and how it was calibrated; level 0 when the model has none.
  double interval_level = 0;
  long long interval_calibration_rows = 0;
  std::string interval_calibration;  // e.g. "split conformal on 13,278 out-of-fold residuals"
  bool has_interval() const { return shifts.has_interval; }
  // The last layer's outputs per member: 2 when the median reads a median head.
  std::int64_t output_width() const { return shifts.median_from_head ? 2 : 1; }
  TrainingSettings settings;  // every setting as used (auto resolved); hidden_layers is the architecture
  std::string train_file;
  std::string test_file;
  std::map<std::string, long long> rows;  // per split
  int epochs_run = 0;
  int kept_epoch = 0;              // the latest epoch any member kept
  std::vector<int> member_epochs;  // the epoch each member kept
  std::string status;              // completed, stopped_early, interrupted
  double training_seconds = 0;
  std::map<std::string, SplitMetrics> metrics;    // per split, in target units
  std::map<std::string, SplitMetrics> baselines;  // "mean", "linear" on the held-out split
  std::map<std::string, std::string> versions;    // vgsales, ...

  const std::string& target() const { return pipeline.target(); }
  TargetUnits target_units() const { return target_units_of(target(), settings); }
};

std::string metadata_to_json(const ModelMetadata& metadata);

// The mean's shift and, for a log1p target, the correction that chose it: "least-squares shift 0.1012".
std::string describe_mean_shift(const ModelMetadata& metadata);
// Parses model.json; errors name `source` and the field at fault.
Result<ModelMetadata> metadata_from_json(const std::string& text, const std::string& source);

// The output name derived from a target column: "total_earnings" -> "earnings" (the name the
// reference workflow's exports use); other names are kept.
std::string default_output_name(const std::string& target);

std::string utc_timestamp_now();

}  // namespace vgsales
