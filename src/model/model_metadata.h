// model.json: everything about a trained model except its weights, as one struct and its JSON form.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/dataset_schema.h"
#include "model/training_observer.h"
#include "model/training_settings.h"

namespace vgsales {

struct ModelMetadata {
  int format_version = 1;
  std::string created;       // ISO 8601 UTC
  DatasetSchema schema;      // features with types, ranges, vocabularies, imputation; target; dropped columns
  std::string output_name;   // the output tensor's name in exports and the REST metadata
  std::string target_transform = "none";
  // Min-max scaling of the encoded inputs and of the (transformed) target, fitted on training rows only.
  std::vector<float> input_offset;
  std::vector<float> input_scale;
  float target_offset = 0;
  float target_scale = 1;
  TrainingSettings settings;
  std::string train_file;
  std::string test_file;
  std::map<std::string, long long> rows;  // per split
  int epochs_run = 0;
  int best_epoch = 0;
  std::string status;  // completed, stopped_early, interrupted
  double training_seconds = 0;
  std::map<std::string, SplitMetrics> metrics;    // per split, in target units
  std::map<std::string, SplitMetrics> baselines;  // "mean", "linear" on the test split
  std::map<std::string, std::string> versions;    // vgsales, libtorch, ...
};

std::string metadata_to_json(const ModelMetadata& metadata);
// Parses model.json; errors name `source` and the field at fault.
Result<ModelMetadata> metadata_from_json(const std::string& text, const std::string& source);

// The output name derived from a target column: "total_earnings" -> "earnings" (the name the
// reference workflow's exports use); other names are kept.
std::string default_output_name(const std::string& target);

std::string utc_timestamp_now();

}  // namespace vgsales
