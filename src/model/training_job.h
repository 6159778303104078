// `vgsales train` as one library call: read the CSVs, split, infer and fit the schema, scale,
// train, and write the model directory atomically.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/dataset_schema.h"
#include "model/model_metadata.h"
#include "model/training_observer.h"
#include "model/training_settings.h"

namespace vgsales {

struct TrainingJobOptions {
  std::filesystem::path train_file;
  std::filesystem::path test_file;    // optional
  std::filesystem::path out_dir;
  std::filesystem::path resume_dir;   // optional: continue from this model's checkpoint
  std::filesystem::path schema_file;  // optional: column types as in model.json's "features"
  SchemaOptions schema;               // target, --features, --drop, --categorical, --numeric
  std::vector<std::string> na_values; // empty: the defaults
  std::string output_name;            // empty: derived from the target
  TrainingSettings settings;
  bool layers_given = false;          // --layers was on the command line (checked against --resume)
};

struct TrainingJobReport {
  ModelMetadata metadata;
  std::filesystem::path model_dir;
  bool interrupted = false;
};

// Callbacks for what the job tells the user before training starts (schema table, notices).
struct TrainingJobHooks {
  std::function<void(const std::string&)> notice;                 // one line each
  std::function<void(const DatasetSchema&)> schema_ready;
  std::vector<TrainingObserver*> observers;
  const std::atomic<bool>* stop_requested = nullptr;
  // Called with the run's description just before the first epoch; may refuse (e.g. unwritable logdir).
  std::function<Result<void>(TrainingRunInfo&)> before_training;
};

Result<TrainingJobReport> run_training_job(const TrainingJobOptions& options, const TrainingJobHooks& hooks);

// Reads a --schema file: {"target": ..., "features": [{"name": ..., "type": ...}, ...]} (model.json works too).
Result<DatasetSchema> read_schema_file(const std::filesystem::path& path);

// Least-squares linear regression on encoded features (the "linear" baseline).
struct LinearBaseline {
  std::vector<double> coefficients;  // per encoded input, then the intercept last
  std::vector<float> predict(const float* features, size_t rows, size_t width) const;
};
LinearBaseline fit_linear_baseline(const float* features, const float* targets, size_t rows, size_t width);

}  // namespace vgsales
