// The training job's stages, from files to a committed model directory.
#include "model/training_job.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "common/version.h"
#include "data/feature_pipeline_json.h"
#include "data/row_split.h"
#include "data/table.h"
#include "data/training_profile.h"
#include "model/background_rows.h"
#include "model/baselines.h"
#include "model/calibration.h"
#include "model/encoded_split.h"
#include "model/metrics.h"
#include "model/model_directory.h"
#include "model/native_forward.h"
#include "model/trainer.h"
#include "model/training_checkpoint.h"

namespace vgsales {
namespace fs = std::filesystem;

namespace {

// The parsed tables of one run, already split.
struct SplitTables {
  Table train;
  std::optional<Table> validation;
  std::optional<Table> test;
};

// What a resumed run keeps from the model it continues.
struct ResumeState {
  ModelMetadata metadata;
  TrainingCheckpoint checkpoint;
};

// Every split encoded with the fitted pipeline: all the stages after encoding read.
struct EncodedData {
  FeaturePipeline pipeline;
  EncodedSplit train;
  std::vector<EncodedSplit> evaluations;  // validation and/or test
  std::string background_csv;             // background.csv's text ("" with --background-rows 0)
  TrainingProfile profile;                // the training rows' distribution, for `vgsales monitor`
  // The validation rows, which pick each member's epoch and calibrate the estimates (nullptr without them).
  const EncodedSplit* holdout() const { return find_split(evaluations, SplitRole::validation); }
};

// Ends every observer that began, exactly once, on every path: success, error return or exception.
class ObserverEndGuard {
 public:
  ObserverEndGuard() = default;
  ObserverEndGuard(const ObserverEndGuard&) = delete;
  ObserverEndGuard& operator=(const ObserverEndGuard&) = delete;
  ~ObserverEndGuard() {
    TrainingOutcome failed;
    failed.status = RunStatus::failed;
    finish(failed);
  }
  void began(TrainingObserver* observer) { begun_.push_back(observer); }
  void finish(const TrainingOutcome& outcome) {
    for (auto* observer : begun_) observer->on_train_end(outcome);
    begun_.clear();
  }

 private:
  std::vector<TrainingObserver*> begun_;
};

void tell(const TrainingJobHooks& hooks, const std::string& line) {
  if (hooks.notice) hooks.notice(line);
}

// Stage 1: the model a --resume continues, checked against the options.
Result<std::optional<ResumeState>> read_resume_state(const TrainingJobOptions& options, TrainingSettings& settings) {
  if (options.resume_dir.empty()) return std::optional<ResumeState>{};
  VGSALES_ASSIGN_OR_RETURN(const LoadedModel model, load_model(options.resume_dir));
  const ModelMetadata& resumed = model.metadata;
  if (options.layers_given && settings.hidden_layers != resumed.settings.hidden_layers)
    return make_error(ErrorKind::usage, "--layers " + format_layer_list(settings.hidden_layers) +
                                            " differs from the resumed model's " +
                                            format_layer_list(resumed.settings.hidden_layers));
  if (resumed.target() != options.target)
    return make_error(ErrorKind::usage,
                      "--target " + options.target + " differs from the resumed model's " + resumed.target());
  settings.hidden_layers = resumed.settings.hidden_layers;
  settings.target_transform = target_transform_setting(resumed.pipeline.target_transform());
  settings.input_scaling = resumed.settings.input_scaling;
  VGSALES_ASSIGN_OR_RETURN(TrainingCheckpoint checkpoint, read_checkpoint(options.resume_dir));
  settings.members = static_cast<int>(checkpoint.members.size());
  if (checkpoint.earliest_epoch() >= settings.epochs)
    return make_error(ErrorKind::usage,
                      fmt::format("the model in {} has trained {} epochs; pass --epochs above that to go on",
                                  options.resume_dir.string(), checkpoint.earliest_epoch()));
  return std::optional<ResumeState>{ResumeState{resumed, std::move(checkpoint)}};
}

// Drops rows whose target is missing (in place), telling the user how many.
Result<void> keep_rows_with_target(Table& table, const std::string& target, const TrainingJobHooks& hooks) {
  const auto index = table.find(target);
  if (!index) return read_target(table, target).error();  // names the columns the header has
  std::vector<size_t> rows = rows_with_target(table, *index);
  if (rows.empty())
    return make_error(ErrorKind::invalid_data, table.source + ": column '" + target +
                                                   "': the target is missing in every row; nothing to train on");
  if (rows.size() == table.row_count()) return {};
  tell(hooks, fmt::format("{}: skipped {} rows with a missing target '{}'", table.source,
                          table.row_count() - rows.size(), target));
  keep_rows(table, rows);
  return {};
}

// Moves a seeded `fraction` of `from`'s rows into a new table.
Table split_off(Table& from, double fraction, std::uint64_t seed) {
  std::vector<size_t> all(from.row_count());
  std::iota(all.begin(), all.end(), 0);
  const RowSplit split = split_rows(all, fraction, seed);
  Table held_out = select_rows(from, split.held_out);
  keep_rows(from, split.kept);
  return held_out;
}

// A separator other than a comma, found by looking, is worth one line: it explains the columns the user sees.
void tell_detected_delimiter(const Table& table, const TrainingJobHooks& hooks) {
  if (table.delimiter_detected && table.delimiter != ',')
    tell(hooks, detected_delimiter_notice(table.source, table.delimiter));
}

// Stage 2: the tables of every split. The validation split resolves "auto" here, where the row count is known.
Result<SplitTables> load_split_tables(const TrainingJobOptions& options, const TableLoadOptions& load_options,
                                      TrainingSettings& settings, const TrainingJobHooks& hooks) {
  SplitTables tables;
  VGSALES_ASSIGN_OR_RETURN(tables.train,
                           options.train_columns
                               ? table_from_columns(*options.train_columns, options.train_file.string(), load_options)
                               : load_table(options.train_file, load_options));
  tell_detected_delimiter(tables.train, hooks);
  VGSALES_TRY(keep_rows_with_target(tables.train, options.target, hooks));
  if (!options.test_file.empty()) {
    if (settings.test_split > 0) return make_error(ErrorKind::usage, "give either --test or --test-split, not both");
    VGSALES_ASSIGN_OR_RETURN(tables.test, load_table(options.test_file, load_options));
    tell_detected_delimiter(*tables.test, hooks);
    VGSALES_TRY(keep_rows_with_target(*tables.test, options.target, hooks));
  } else if (settings.test_split > 0) {
    tables.test = split_off(tables.train, settings.test_split, static_cast<std::uint64_t>(settings.seed));
  }
  if (!settings.validation_split) {
    settings.validation_split = automatic_validation_split(tables.train.row_count());
    if (*settings.validation_split > 0)
      tell(hooks, fmt::format("validation: holding out {:g}% of the {} training rows to pick each member's epoch and "
                              "calibrate the estimates (--validation-split auto; pass 0 to train on all of them)",
                              std::round(1000 * *settings.validation_split) / 10, tables.train.row_count()));
    else
      tell(hooks, fmt::format("validation: {} training rows are too few to hold any out; every member keeps its last "
                              "epoch and the model has no interval (--validation-split auto)",
                              tables.train.row_count()));
  }
  if (*settings.validation_split > 0)
    tables.validation =
        split_off(tables.train, *settings.validation_split, static_cast<std::uint64_t>(settings.seed) + 1);
  if (tables.train.row_count() < 2)
    return make_error(ErrorKind::invalid_data,
                      options.train_file.string() + ": fewer than 2 training rows after splitting");
  return tables;
}

Result<EncodedSplit> encode_split(SplitRole role, const Table& table, const FeaturePipeline& pipeline) {
  EncodedSplit split;
  split.role = role;
  VGSALES_ASSIGN_OR_RETURN(split.features, pipeline.encode_table(table));
  VGSALES_ASSIGN_OR_RETURN(split.targets, read_target(table, pipeline.target()));
  return split;
}

// The target's range (--target-range auto learns it here), units and label, recorded as resolved.
void resolve_target_description(FeaturePipeline& pipeline, std::span<const float> targets, TrainingSettings& settings,
                                const TrainingJobHooks& hooks) {
  const bool automatic = settings.target_range.kind == TargetRangeSetting::Kind::automatic;
  const TargetRange range = resolve_target_range(settings.target_range, targets);
  pipeline.set_target_range(range);
  settings.target_range = range.bounded() ? TargetRangeSetting{TargetRangeSetting::Kind::fixed, range}
                                          : TargetRangeSetting{TargetRangeSetting::Kind::none, {}};
  if (automatic && range.bounded())
    tell(hooks, fmt::format("target: every training value of {} is {}, so every estimate, median and interval bound "
                            "is clipped to that (--target-range auto; pass none to keep the network's raw outputs)",
                            pipeline.target(), describe_target_range(range)));
  settings.target_units = resolve_target_units(pipeline.target(), settings.target_units);
}

// Stage 3: the feature pipeline, fitted on the training rows only (or kept from the resumed model), and the
// training rows encoded with it.
Result<std::pair<FeaturePipeline, EncodedSplit>> fit_pipeline(const Table& train, const TrainingJobOptions& options,
                                                              const std::optional<ResumeState>& resumed,
                                                              TrainingSettings& settings,
                                                              const TrainingJobHooks& hooks) {
  if (resumed) {
    const FeaturePipeline& pipeline = resumed->metadata.pipeline;
    VGSALES_ASSIGN_OR_RETURN(EncodedSplit encoded, encode_split(SplitRole::train, train, pipeline));
    return std::pair{pipeline, std::move(encoded)};
  }
  PipelineFitOptions fit;
  fit.target = options.target;
  fit.features = options.features;
  fit.drop = options.drop;
  fit.categorical = options.categorical;
  fit.numeric = options.numeric;
  fit.max_categories = static_cast<size_t>(settings.max_categories);
  fit.min_category_rows = static_cast<size_t>(settings.min_category_rows);
  if (!options.na_values.empty()) fit.missing_values = MissingValueSet(options.na_values);
  if (!options.schema_file.empty()) {
    VGSALES_ASSIGN_OR_RETURN(SchemaFile schema, read_schema_file(options.schema_file));
    if (!schema.target.empty() && schema.target != options.target)
      return make_error(ErrorKind::invalid_data, options.schema_file.string() + ": target '" + schema.target +
                                                     "' does not match --target " + options.target);
    fit.schema_types = std::move(schema.types);
  }
  VGSALES_ASSIGN_OR_RETURN(FeaturePipeline pipeline, fit_feature_encoding(train, fit));
  VGSALES_ASSIGN_OR_RETURN(EncodedSplit encoded, encode_split(SplitRole::train, train, pipeline));

  const TargetTransformChoice choice = choose_target_transform(encoded.targets);
  if (settings.target_transform == TargetTransformSetting::automatic) {
    settings.target_transform = target_transform_setting(choice.transform);
    if (choice.transform == TargetTransform::log1p)
      tell(hooks, fmt::format("target: {} is strongly right-skewed (skewness {:.1f}), so the network fits log1p({}) "
                              "(--target-transform auto; pass none to fit it raw)",
                              options.target, choice.skewness, options.target));
  } else if (settings.target_transform == TargetTransformSetting::none && choice.strongly_skewed) {
    tell(hooks, fmt::format("hint: the target is strongly right-skewed (skewness {:.1f}); "
                            "--target-transform log1p often fits such targets better",
                            choice.skewness));
  }
  pipeline.set_target_transform(settings.target_transform == TargetTransformSetting::log1p ? TargetTransform::log1p
                                                                                           : TargetTransform::none);
  VGSALES_TRY(fit_scaling(pipeline, encoded.features, encoded.targets, settings.input_scaling));
  resolve_target_description(pipeline, encoded.targets, settings, hooks);
  return std::pair{std::move(pipeline), std::move(encoded)};
}

// Stage 4: the held-out splits, encoded with the fitted pipeline.
Result<std::vector<EncodedSplit>> encode_evaluation_splits(const SplitTables& tables, const FeaturePipeline& pipeline,
                                                           const TrainingJobHooks& hooks) {
  std::vector<EncodedSplit> evaluations;
  if (tables.validation) {
    VGSALES_ASSIGN_OR_RETURN(EncodedSplit split, encode_split(SplitRole::validation, *tables.validation, pipeline));
    evaluations.push_back(std::move(split));
  }
  if (tables.test) {
    VGSALES_ASSIGN_OR_RETURN(EncodedSplit split, encode_split(SplitRole::test, *tables.test, pipeline));
    if (split.features.unseen_categories > 0)
      tell(hooks, fmt::format("test rows: {} categorical values unseen in training fall into 'other'",
                              split.features.unseen_categories));
    evaluations.push_back(std::move(split));
  }
  return evaluations;
}

// Errors of `network` on a split, in the target's units (with the median's and the interval's when it has one),
// and the loss in the units it was trained in.
SplitMetrics measure(const PortableNetwork& network, const FeaturePipeline& pipeline, const EncodedSplit& split) {
  const NativeForward forward(network);
  const size_t n = split.features.rows;
  std::vector<float> mean(n), median, lower, upper, scaled(n);
  if (forward.has_interval()) median.resize(n), lower.resize(n), upper.resize(n);
  forward.predict_estimates(split.features.values, EstimateSpans{mean, median, lower, upper});
  forward.predict_scaled(split.features.values, scaled);
  SplitMetrics metrics = compute_metrics(mean, split.targets);
  if (forward.has_interval()) add_interval_metrics(metrics, median, lower, upper, split.targets);
  double squared = 0;
  for (size_t i = 0; i < scaled.size(); ++i) {
    const double difference = static_cast<double>(scaled[i]) - pipeline.scale_target(split.targets[i]);
    squared += difference * difference;
  }
  metrics.loss = scaled.empty() ? 0.0 : squared / static_cast<double>(scaled.size());
  return metrics;
}

// A Markdown table of the layers, as `vgsales info` prints them.
std::string describe_architecture(const PortableNetwork& network) {
  // One member's layers (an ensemble's members share them), then the ensemble.
  const DenseStack& member = *network.stacks().front();
  std::string text = "| layer | output shape | parameters |\n|---|---|---|\n";
  text += fmt::format("| input + scaling | (None, {}) | 0 |\n", network.input_width());
  for (size_t i = 0; i < member.size(); ++i) {
    const auto& layer = member[i];
    const bool last = i + 1 == member.size();
    text += fmt::format("| {} ({}) | (None, {}) | {} |\n", layer_display_name(i, member.size()),
                        last ? (layer.output_size == 2 ? "dense: mean, median head" : "dense") : "dense, relu",
                        layer.output_size, layer.input_size * layer.output_size + layer.output_size);
  }
  if (network.stacks().size() > 1)
    text += fmt::format("| ensemble | {} members, averaged | |\n", network.stacks().size());
  return text + fmt::format("| total | | {} |\n", network.parameter_count());
}

// How the CSVs are read: missing-value spellings, and the columns that must stay numbers or stay exact text.
Result<TableLoadOptions> table_load_options(const TrainingJobOptions& options,
                                            const std::optional<ResumeState>& resumed) {
  TableLoadOptions load;
  if (!options.na_values.empty()) load.missing_values = MissingValueSet(options.na_values);
  else if (resumed) load.missing_values = resumed->metadata.pipeline.missing_values();
  load.delimiter = options.delimiter;
  load.numeric_columns = options.numeric;
  load.text_columns = options.categorical;
  if (resumed)
    for (const auto& feature : resumed->metadata.pipeline.features())
      if (feature.type == ColumnType::categorical) load.text_columns.push_back(feature.name);
  if (!options.schema_file.empty()) {
    VGSALES_ASSIGN_OR_RETURN(const SchemaFile schema, read_schema_file(options.schema_file));
    for (const auto& [name, type] : schema.types)
      if (type == ColumnType::categorical) load.text_columns.push_back(name);
  }
  return load;
}

// Stages 2 to 4: the rows of every split, encoded with the pipeline fitted on the training rows.
Result<EncodedData> load_and_encode(const TrainingJobOptions& options, const std::optional<ResumeState>& resumed,
                                    TrainingSettings& settings, const TrainingJobHooks& hooks) {
  VGSALES_ASSIGN_OR_RETURN(const TableLoadOptions load_options, table_load_options(options, resumed));
  VGSALES_ASSIGN_OR_RETURN(SplitTables tables, load_split_tables(options, load_options, settings, hooks));
  VGSALES_ASSIGN_OR_RETURN(auto fitted, fit_pipeline(tables.train, options, resumed, settings, hooks));
  EncodedData data{std::move(fitted.first), std::move(fitted.second), {}, {}};
  VGSALES_ASSIGN_OR_RETURN(data.profile, fit_training_profile(tables.train, data.pipeline));
  if (hooks.pipeline_ready) hooks.pipeline_ready(data.pipeline);
  VGSALES_ASSIGN_OR_RETURN(data.evaluations, encode_evaluation_splits(tables, data.pipeline, hooks));
  // Seeded apart from the splits (seed + 1 holds out the validation rows), from the rows the network trains on.
  data.background_csv = sample_background_csv(tables.train, data.pipeline,
                                              static_cast<size_t>(settings.background_rows),
                                              static_cast<std::uint64_t>(settings.seed) + 2);
  // The encoded floats are all training needs from here on: the parsed tables (for 10M rows as large as the
  // features again, plus a line number per row) are freed on return.
  return data;
}

std::string output_name_for(const TrainingJobOptions& options, const std::optional<ResumeState>& resumed) {
  if (!options.output_name.empty()) return options.output_name;
  return resumed ? resumed->metadata.output_name : default_output_name(options.target);
}

// Stage 5: the model's description before training: the settings, the pipeline, each split's rows and the
// baselines on the held-out split (test, else validation, else train) that the network must beat.
ModelMetadata describe_model(const TrainingJobOptions& options, const TrainingSettings& settings,
                             const EncodedData& data, const std::string& output_name) {
  ModelMetadata metadata;
  metadata.created = utc_timestamp_now();
  metadata.pipeline = data.pipeline;
  metadata.output_name = output_name;
  metadata.settings = settings;
  metadata.train_file = options.train_file.string();
  metadata.test_file = options.test_file.string();
  metadata.versions = {{"vgsales", kVgsalesVersion}};
  metadata.rows[split_role_name(SplitRole::train)] = static_cast<long long>(data.train.features.rows);
  for (const auto& split : data.evaluations)
    metadata.rows[split_role_name(split.role)] = static_cast<long long>(split.features.rows);
  metadata.baselines = measure_baselines(data.train, data.evaluations.empty() ? data.train : data.evaluations.back());
  return metadata;
}

// What the trainer needs: the settings, the network's frame, the rows, the checkpoint to resume from, and whether
// to train a median head (only when an interval can be calibrated, and --median may choose the head).
TrainerInputs trainer_inputs(const TrainingSettings& settings, const EncodedData& data,
                             const std::optional<ResumeState>& resumed, const std::string& output_name,
                             const TrainingJobHooks& hooks) {
  const EncodedSplit* holdout = data.holdout();
  const bool interval_possible = settings.interval > 0 && holdout &&
                                 conformal_ranks(holdout->features.rows, settings.interval).first > 0;
  TrainerInputs inputs;
  inputs.settings = settings;
  inputs.frame = network_frame(data.pipeline, output_name, OutputShifts{});
  inputs.train = data.train.view();
  for (const auto& split : data.evaluations) inputs.evaluations.push_back(split.view());
  if (resumed) inputs.resume = resumed->checkpoint;
  inputs.median_head = interval_possible && settings.median != MedianSetting::offset;
  inputs.observers = hooks.observers;
  inputs.stop_requested = hooks.stop_requested;
  return inputs;
}

// The run as TensorBoard and the progress printer describe it before the first epoch.
TrainingRunInfo describe_run(const TrainingJobOptions& options, const TrainerInputs& inputs, const EncodedData& data) {
  const TrainingSettings& settings = inputs.settings;
  const FeaturePipeline& pipeline = data.pipeline;
  const std::int64_t output_columns = inputs.resume ? inputs.resume->output_columns : (inputs.median_head ? 2 : 1);
  TrainingRunInfo info;
  info.train_file = options.train_file.string();
  info.test_file = options.test_file.string();
  info.train_rows = static_cast<long long>(data.train.features.rows);
  for (const auto& split : data.evaluations)
    (split.role == SplitRole::test ? info.test_rows : info.validation_rows) =
        static_cast<long long>(split.features.rows);
  info.epochs = settings.epochs;
  info.batch_size = settings.batch_size;
  info.target_name = pipeline.target();
  info.target_units = target_units_of(pipeline.target(), settings);
  info.hyperparameters = hyperparameters_of(settings);
  info.schema_markdown = describe_features(pipeline);
  info.initial_network = initialise_network(inputs.frame, settings, output_columns);
  info.pipeline = pipeline;
  return info;
}

// The hook before training and every observer's start; `end_guard` ends each observer that began.
Result<void> begin_observers(TrainingRunInfo& info, const TrainingJobHooks& hooks, ObserverEndGuard& end_guard) {
  if (hooks.before_training) VGSALES_TRY(hooks.before_training(info));
  for (auto* observer : hooks.observers) {
    VGSALES_TRY(observer->on_train_begin(info));
    end_guard.began(observer);
  }
  return {};
}

// Stage 6: train, with every observer ended exactly once (by `end_guard`) whatever happens next.
Result<TrainerResult> train_ensemble(const TrainingJobOptions& options, const ModelMetadata& metadata,
                                     const EncodedData& data, const std::optional<ResumeState>& resumed,
                                     const TrainingJobHooks& hooks, ObserverEndGuard& end_guard) {
  const TrainerInputs inputs = trainer_inputs(metadata.settings, data, resumed, metadata.output_name, hooks);
  TrainingRunInfo info = describe_run(options, inputs, data);
  VGSALES_TRY(begin_observers(info, hooks, end_guard));
  return train_network(inputs);
}

// The mean's correction, as the user reads it, and the setting it used.
void announce_mean_correction(const MeanShiftFit& mean, const Calibration& calibration, ModelMetadata& metadata,
                              const TrainingJobHooks& hooks) {
  const bool use_least_squares = mean.least_squares_chosen;
  const float smearing = mean.smearing;
  const std::optional<float>& least_squares = mean.least_squares;
  const std::string other = use_least_squares ? fmt::format("the smearing factor {:.4g}", std::exp(smearing))
                            : least_squares   ? fmt::format("the least-squares factor {:.4g}", std::exp(*least_squares))
                                              : std::string("no least-squares factor: the estimates overflow");
  tell(hooks, fmt::format("mean: {} factor {:.4g} on the {} {} rows ({}) (--mean-correction {})",
                          use_least_squares ? "the least-squares" : "Duan's smearing", std::exp(mean.shift()),
                          calibration.rows, calibration.held_out ? "holdout" : "training", other,
                          choice_name(metadata.settings.mean_correction)));
  if (!use_least_squares) metadata.settings.mean_correction = MeanCorrection::smearing;
}

// The median's and the interval's calibration, as the user reads it and as model.json records it.
void record_interval(const MedianChoice& median, const ConformalInterval& interval, ModelMetadata& metadata,
                     const TrainingJobHooks& hooks) {
  const MedianSetting asked = metadata.settings.median;
  const bool use_head = median.head_chosen;
  if (asked == MedianSetting::automatic && median.head_available)
    tell(hooks, fmt::format("median: the {} (holdout MAE {:.4g}; the {} {:.4g}) (--median auto)",
                            use_head ? "median head" : "mean plus the residuals' median",
                            use_head ? median.head_mae : median.offset_mae, use_head ? "offset" : "head",
                            use_head ? median.offset_mae : median.head_mae));
  metadata.settings.median = use_head ? MedianSetting::head : MedianSetting::offset;
  metadata.interval_level = metadata.settings.interval;
  metadata.interval_calibration_rows = static_cast<long long>(interval.rows);
  metadata.interval_calibration = fmt::format(
      "split conformal: the sorted holdout residuals of the mean number {} and {} of {} (the rows that also picked "
      "each member's epoch)",
      interval.low, interval.high, interval.rows);
}

// The network as saved: the calibrated shifts on its output, and without the median head's column unless the
// median reads it.
PortableNetwork calibrated_network(const PortableNetwork& trained, const ModelMetadata& metadata) {
  std::vector<DenseStack> members;
  for (const DenseStack* stack : trained.stacks()) members.push_back(*stack);
  if (!metadata.shifts.median_from_head)
    for (DenseStack& stack : members) {
      DenseLayer& last = stack.back();
      if (last.output_size == 2) {
        last.weight.resize(static_cast<size_t>(last.input_size));
        last.bias.resize(1);
        last.output_size = 1;
      }
    }
  PortableNetwork network = network_frame(metadata.pipeline, metadata.output_name, metadata.shifts);
  set_members(network, std::move(members));
  return network;
}

// Stage 7: calibration on the holdout rows (calibration.h): the mean's bias correction for a log1p target, the
// median and the split-conformal interval; announced here, and applied to model.json's settings and the network.
void calibrate(TrainerResult& result, ModelMetadata& metadata, const EncodedData& data, const TrainingJobHooks& hooks) {
  const EncodedSplit* holdout = data.holdout();
  const Calibration calibration = calibrate_estimates(result.network, metadata.pipeline, metadata.settings,
                                                      holdout ? *holdout : data.train, holdout != nullptr);
  if (calibration.mean) announce_mean_correction(*calibration.mean, calibration, metadata, hooks);
  if (calibration.interval) {
    record_interval(*calibration.median, *calibration.interval, metadata, hooks);
  } else if (metadata.settings.interval > 0) {
    tell(hooks, holdout ? fmt::format("interval: {} holdout rows are too few for a {:g}% interval; the model has none",
                                      calibration.rows, 100 * metadata.settings.interval)
                        : "interval: no holdout rows (--validation-split 0), so the model has no median or interval");
  }
  metadata.shifts = calibration.shifts;
  result.network = calibrated_network(result.network, metadata);
}

// Stage 8: the saved network's final errors, measured on exactly what is saved, and how training went.
void record_outcome(TrainerResult& result, ModelMetadata& metadata, const EncodedData& data) {
  TrainingOutcome& outcome = result.outcome;
  outcome.final_metrics[split_role_name(SplitRole::train)] = measure(result.network, metadata.pipeline, data.train);
  for (const auto& split : data.evaluations)
    outcome.final_metrics[split_role_name(split.role)] = measure(result.network, metadata.pipeline, split);
  metadata.members = static_cast<int>(result.member_epochs.size());
  metadata.epochs_run = outcome.epochs_run;
  metadata.kept_epoch = outcome.kept_epoch;
  metadata.member_epochs = result.member_epochs;
  metadata.status = run_status_name(outcome.status);
  metadata.training_seconds = outcome.training_seconds;
  metadata.metrics = outcome.final_metrics;
}

// Stage 9: the model directory, filled beside `out_dir` and renamed into place in one step.
Result<void> write_model_directory(const fs::path& out_dir, const ModelMetadata& metadata,
                                   const PortableNetwork& network, const TrainingCheckpoint& checkpoint,
                                   const TrainingProfile& profile, const std::string& background_csv) {
  VGSALES_ASSIGN_OR_RETURN(StagingDirectory staging, StagingDirectory::create_beside(out_dir));
  VGSALES_TRY(write_file_atomically(staging.path() / kCheckpointFileName, serialize_checkpoint(checkpoint)));
  VGSALES_TRY(write_file_atomically(staging.path() / kTrainingProfileFileName, training_profile_to_json(profile)));
  VGSALES_TRY(write_model_files(staging.path(), metadata, network));
  if (!background_csv.empty()) VGSALES_TRY(write_file_atomically(staging.path() / kBackgroundFileName, background_csv));
  VGSALES_TRY(seal_model_directory(staging.path()));
  return staging.commit();
}

// The saved model's estimates on the split the last plot shows: test, else validation, else train.
TrainingOutcome::SavedEstimates saved_estimates(const PortableNetwork& network, const ModelMetadata& metadata,
                                                const EncodedData& data) {
  const EncodedSplit* shown = &displayed_split(data.train, data.evaluations);
  const NativeForward forward(network);
  const size_t n = shown->features.rows;
  TrainingOutcome::SavedEstimates saved;
  saved.split = split_role_name(shown->role);
  saved.actuals = shown->targets;
  saved.mean.resize(n);
  std::vector<float> median;
  if (forward.has_interval()) {
    median.resize(n), saved.lower.resize(n), saved.upper.resize(n);
    saved.interval_level = metadata.interval_level;
  }
  forward.predict_estimates(shown->features.values, EstimateSpans{saved.mean, median, saved.lower, saved.upper});
  return saved;
}

// Stage 10: what the observers' end and the model card show: the architecture, the saved estimates and how they
// were calibrated.
void describe_outcome(TrainerResult& result, const ModelMetadata& metadata, const EncodedData& data) {
  TrainingOutcome& outcome = result.outcome;
  outcome.model_summary_markdown = describe_architecture(result.network);
  outcome.saved_estimates = saved_estimates(result.network, metadata, data);
  outcome.estimates_markdown =
      metadata.has_interval()
          ? fmt::format(
                "**Estimates:** the mean ({}), the median ({}) and a {:g} % interval, calibrated on {} "
                "held-out rows ({}).",
                describe_mean_shift(metadata), metadata.shifts.median_from_head ? "median head" : "mean plus an offset",
                100 * metadata.interval_level, metadata.interval_calibration_rows, metadata.interval_calibration)
          : fmt::format("**Estimates:** the mean only ({}); no interval.", describe_mean_shift(metadata));
}

}  // namespace

Result<TrainingJobReport> run_training_job(const TrainingJobOptions& options, const TrainingJobHooks& hooks) {
  TrainingSettings settings = options.settings;
  VGSALES_TRY(validate_settings(settings));
  if (options.target.empty()) return make_error(ErrorKind::usage, "--target is required");
  VGSALES_ASSIGN_OR_RETURN(const std::optional<ResumeState> resumed, read_resume_state(options, settings));
  VGSALES_ASSIGN_OR_RETURN(const EncodedData data, load_and_encode(options, resumed, settings, hooks));
  ModelMetadata metadata = describe_model(options, settings, data, output_name_for(options, resumed));
  ObserverEndGuard end_guard;
  VGSALES_ASSIGN_OR_RETURN(TrainerResult result, train_ensemble(options, metadata, data, resumed, hooks, end_guard));
  calibrate(result, metadata, data, hooks);
  record_outcome(result, metadata, data);
  VGSALES_TRY(write_model_directory(options.out_dir, metadata, result.network, result.checkpoint, data.profile,
                                    data.background_csv));
  describe_outcome(result, metadata, data);
  if (hooks.explain_saved_model) hooks.explain_saved_model(options.out_dir, result.outcome);
  end_guard.finish(result.outcome);
  TrainingJobReport report;
  report.metadata = std::move(metadata);
  report.model_dir = options.out_dir;
  report.interrupted = result.outcome.status == RunStatus::interrupted;
  report.outcome = std::move(result.outcome);
  return report;
}

}  // namespace vgsales
