// `vgsales train` as one library call, in named stages: read what a --resume continues, load and split the rows, fit
// the feature pipeline and encode every split, describe the model with its baselines, train, calibrate, measure,
// and write the model directory atomically.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/csv_dialect.h"
#include "data/feature_pipeline.h"
#include "data/in_memory_table.h"
#include "model/model_metadata.h"
#include "model/training_observer.h"
#include "model/training_settings.h"

namespace vgsales {

struct TrainingJobOptions {
  std::filesystem::path train_file;
  // In place of reading train_file: the training rows handed over in memory (the Python package's fit), read as
  // table_from_columns reads them; train_file then only names them in messages ("X").
  std::shared_ptr<const std::vector<InMemoryColumn>> train_columns;
  std::filesystem::path test_file;  // optional
  std::filesystem::path out_dir;
  std::filesystem::path resume_dir;   // optional: continue from this model's checkpoint
  std::filesystem::path schema_file;  // optional: column types as in model.json's pipeline features
  std::string target;
  std::vector<std::string> features;     // --features
  std::vector<std::string> drop;         // --drop
  std::vector<std::string> categorical;  // --categorical
  std::vector<std::string> numeric;      // --numeric
  std::vector<std::string> na_values;    // empty: the defaults
  char delimiter = kDetectDelimiter;     // --delimiter: ',', ';', '\t', or detected from each file's header
  std::string output_name;               // empty: derived from the target
  TrainingSettings settings;
  bool layers_given = false;  // --layers was on the command line (checked against --resume)
};

struct TrainingJobReport {
  ModelMetadata metadata;
  std::filesystem::path model_dir;
  TrainingOutcome outcome;
  bool interrupted = false;
};

// Callbacks for what the job tells the user before training starts (the features table, notices).
struct TrainingJobHooks {
  std::function<void(const std::string&)> notice;  // one line each
  std::function<void(const FeaturePipeline&)> pipeline_ready;
  std::vector<TrainingObserver*> observers;
  const std::atomic<bool>* stop_requested = nullptr;
  // Called with the run's description just before the first epoch; may refuse (e.g. unwritable logdir).
  std::function<Result<void>(TrainingRunInfo&)> before_training;
  // Called with the saved model directory before the observers end, to add its global importance to the outcome
  // (feature attributions are a later stage than the model's, so the command supplies them).
  std::function<void(const std::filesystem::path& model_dir, TrainingOutcome& outcome)> explain_saved_model;
};

Result<TrainingJobReport> run_training_job(const TrainingJobOptions& options, const TrainingJobHooks& hooks);

}  // namespace vgsales
