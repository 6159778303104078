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
#include "model/metrics.h"
#include "model/model_directory.h"
#include "model/native_forward.h"
#include "model/trainer.h"
#include "model/training_checkpoint.h"

namespace vgsales {
namespace fs = std::filesystem;

namespace {

struct EncodedSplit {
  std::string name;
  EncodedRows features;
  std::vector<float> targets;
  SplitData view() const { return SplitData{name, features.values.data(), targets.data(), features.rows}; }
};

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

// Ends every observer that began, exactly once, on every path: success, error return or exception.
class ObserverEndGuard {
 public:
  ObserverEndGuard() = default;
  ObserverEndGuard(const ObserverEndGuard&) = delete;
  ObserverEndGuard& operator=(const ObserverEndGuard&) = delete;
  ~ObserverEndGuard() {
    TrainingOutcome failed;
    failed.status = "failed";
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

// Stage 0: the model a --resume continues, checked against the options.
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

// Stage 1: the tables of every split. The validation split resolves "auto" here, where the row count is known.
Result<SplitTables> load_split_tables(const TrainingJobOptions& options, const TableLoadOptions& load_options,
                                      TrainingSettings& settings, const TrainingJobHooks& hooks) {
  SplitTables tables;
  VGSALES_ASSIGN_OR_RETURN(tables.train, load_table(options.train_file, load_options));
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

Result<EncodedSplit> encode_split(const std::string& name, const Table& table, const FeaturePipeline& pipeline) {
  EncodedSplit split;
  split.name = name;
  VGSALES_ASSIGN_OR_RETURN(split.features, pipeline.encode_table(table));
  VGSALES_ASSIGN_OR_RETURN(split.targets, read_target(table, pipeline.target()));
  return split;
}

// Stage 2: the feature pipeline, fitted on the training rows only (or kept from the resumed model), and the
// training rows encoded with it.
Result<std::pair<FeaturePipeline, EncodedSplit>> fit_pipeline(const Table& train, const TrainingJobOptions& options,
                                                              const std::optional<ResumeState>& resumed,
                                                              TrainingSettings& settings,
                                                              const TrainingJobHooks& hooks) {
  if (resumed) {
    const FeaturePipeline& pipeline = resumed->metadata.pipeline;
    VGSALES_ASSIGN_OR_RETURN(EncodedSplit encoded, encode_split("train", train, pipeline));
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
  VGSALES_ASSIGN_OR_RETURN(EncodedSplit encoded, encode_split("train", train, pipeline));

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
  return std::pair{std::move(pipeline), std::move(encoded)};
}

// Stage 3: the held-out splits, encoded with the fitted pipeline.
Result<std::vector<EncodedSplit>> encode_evaluation_splits(const SplitTables& tables, const FeaturePipeline& pipeline,
                                                           const TrainingJobHooks& hooks) {
  std::vector<EncodedSplit> evaluations;
  if (tables.validation) {
    VGSALES_ASSIGN_OR_RETURN(EncodedSplit split, encode_split("validation", *tables.validation, pipeline));
    evaluations.push_back(std::move(split));
  }
  if (tables.test) {
    VGSALES_ASSIGN_OR_RETURN(EncodedSplit split, encode_split("test", *tables.test, pipeline));
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

// A network fitted to log(1 + y) predicts roughly the conditional median of y, which sits below the mean for
// long-tailed targets and costs RMSE on the blockbusters. Duan's smearing estimate scales exp() of the prediction
// by the mean ratio (1 + y) / (1 + y_hat); since expm1(z + log s) = s * exp(z) - 1, it is a shift of the network's
// output before expm1, which every export carries unchanged. Here, from residuals r = log1p(y) - z: log mean exp(r).
float smearing_shift(std::span<const double> residuals) {
  double sum = 0;
  for (double r : residuals) sum += std::exp(r);
  const double smearing = residuals.empty() ? 1.0 : sum / static_cast<double>(residuals.size());
  return std::isfinite(smearing) && smearing > 0 ? static_cast<float>(std::log(smearing)) : 0.0f;
}

// The least-squares alternative: the factor c = exp(shift) minimising sum (c * exp(mu) - 1 - y)^2, the squared error
// of the corrected estimate in the target's units, which is what RMSE and revenue totals weigh: Duan's factor weighs
// every game alike, this one the big sellers most. Closed form: c = sum exp(mu) (1 + y) / sum exp(2 mu).
std::optional<float> least_squares_shift(std::span<const double> means, std::span<const float> targets) {
  double cross = 0, square = 0;
  for (size_t i = 0; i < means.size(); ++i) {
    const double base = std::exp(means[i]);
    cross += base * (1.0 + static_cast<double>(targets[i]));
    square += base * base;
  }
  const double factor = cross / square;
  if (!(std::isfinite(factor) && factor > 0 && std::isfinite(square) && square > 0)) return std::nullopt;
  return static_cast<float>(std::log(factor));
}

// The holdout's view of the ensemble, in the transformed target's space: t - mu per row, and the head's estimate.
struct HoldoutResiduals {
  std::vector<double> residuals;  // t_i - mu(x_i), mu = z0 * S + O
  std::vector<double> head;       // z1 * S + O (empty without a median head)
  std::vector<double> mean;       // mu(x_i)
};

HoldoutResiduals holdout_residuals(const PortableNetwork& network, const FeaturePipeline& pipeline,
                                   const EncodedSplit& split) {
  const NativeForward forward(network);
  const size_t n = split.features.rows;
  const auto columns = static_cast<size_t>(forward.output_columns());
  std::vector<float> z(n * columns);
  forward.predict_network_columns(split.features.values, n, z);
  const double scale = pipeline.scaling().target_scale, offset = pipeline.scaling().target_offset;
  const bool log1p = pipeline.target_transform() == TargetTransform::log1p;
  HoldoutResiduals out;
  for (size_t i = 0; i < n; ++i) {
    const double t = log1p ? std::log1p(static_cast<double>(split.targets[i])) : split.targets[i];
    const double mu = z[i * columns] * scale + offset;
    out.mean.push_back(mu);
    out.residuals.push_back(t - mu);
    if (columns == 2) out.head.push_back(z[i * columns + 1] * scale + offset);
  }
  return out;
}

// The mean and linear baselines on the held-out split (test, else validation, else train): what the network must beat.
std::map<std::string, SplitMetrics> measure_baselines(const EncodedSplit& train, const EncodedSplit& held_out) {
  std::map<std::string, SplitMetrics> baselines;
  double mean = 0;
  for (float y : train.targets) mean += y;
  mean /= static_cast<double>(train.targets.size());
  const std::vector<float> constant(held_out.targets.size(), static_cast<float>(mean));
  baselines["mean"] = compute_metrics(constant, held_out.targets);
  const size_t width = train.features.width;
  const LinearBaseline linear =
      fit_linear_baseline(train.features.values.data(), train.targets.data(), train.features.rows, width);
  baselines["linear"] =
      compute_metrics(linear.predict(held_out.features.values.data(), held_out.features.rows, width), held_out.targets);
  return baselines;
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

TrainingRunInfo describe_run(const TrainingJobOptions& options, const TrainingSettings& settings,
                             const FeaturePipeline& pipeline, const PortableNetwork& frame, const EncodedSplit& train,
                             const std::vector<EncodedSplit>& evaluations, std::int64_t output_columns) {
  TrainingRunInfo info;
  info.train_file = options.train_file.string();
  info.test_file = options.test_file.string();
  info.train_rows = static_cast<long long>(train.features.rows);
  for (const auto& split : evaluations)
    (split.name == "test" ? info.test_rows : info.validation_rows) = static_cast<long long>(split.features.rows);
  info.epochs = settings.epochs;
  info.batch_size = settings.batch_size;
  info.target_name = pipeline.target();
  info.hyperparameters = hyperparameters_of(settings);
  info.schema_markdown = describe_features(pipeline);
  info.initial_network = initialise_network(frame, settings, output_columns);
  info.pipeline = pipeline;
  return info;
}

ModelMetadata describe_model(const TrainingJobOptions& options, const TrainingSettings& settings,
                             const FeaturePipeline& pipeline, const std::string& output_name) {
  ModelMetadata metadata;
  metadata.created = utc_timestamp_now();
  metadata.pipeline = pipeline;
  metadata.output_name = output_name;
  metadata.settings = settings;
  metadata.train_file = options.train_file.string();
  metadata.test_file = options.test_file.string();
  metadata.versions = {{"vgsales", kVgsalesVersion}};
  return metadata;
}

// Stage 5: calibration on the holdout rows (bench/accuracy/RESEARCH.md): the mean's bias correction (Duan's
// smearing factor for a log1p target), the median (the head, or the mean plus the residuals' median, whichever has
// the lower holdout MAE under --median auto) and the split-conformal interval from the residuals' order statistics.
// Without a holdout the mean is corrected on the training rows and the model has no median or interval.
void calibrate(TrainerResult& result, ModelMetadata& metadata, const EncodedSplit& train, const EncodedSplit* holdout,
               const TrainingJobHooks& hooks) {
  const FeaturePipeline& pipeline = metadata.pipeline;
  const bool log1p = pipeline.target_transform() == TargetTransform::log1p;
  OutputShifts shifts;
  std::vector<DenseStack> members;
  for (const DenseStack* stack : result.network.stacks()) members.push_back(*stack);
  const HoldoutResiduals fitted = holdout_residuals(result.network, pipeline, holdout ? *holdout : train);
  if (log1p) {
    const EncodedSplit& rows = holdout ? *holdout : train;
    const float smearing = smearing_shift(fitted.residuals);
    const std::optional<float> least_squares = least_squares_shift(fitted.mean, rows.targets);
    const bool use_least_squares = metadata.settings.mean_correction == MeanCorrection::least_squares && least_squares;
    shifts.mean = use_least_squares ? *least_squares : smearing;
    const std::string other = use_least_squares ? fmt::format("the smearing factor {:.4g}", std::exp(smearing))
                              : least_squares ? fmt::format("the least-squares factor {:.4g}", std::exp(*least_squares))
                                              : std::string("no least-squares factor: the estimates overflow");
    tell(hooks, fmt::format("mean: {} factor {:.4g} on the {} {} rows ({}) (--mean-correction {})",
                            use_least_squares ? "the least-squares" : "Duan's smearing", std::exp(shifts.mean),
                            rows.targets.size(), holdout ? "holdout" : "training", other,
                            choice_name(metadata.settings.mean_correction)));
    if (!use_least_squares) metadata.settings.mean_correction = MeanCorrection::smearing;
  }

  const auto [low, high] = holdout ? conformal_ranks(fitted.residuals.size(), metadata.settings.interval)
                                   : std::pair<size_t, size_t>{0, 0};
  if (metadata.settings.interval > 0 && low > 0) {
    std::vector<double> sorted = fitted.residuals;
    std::sort(sorted.begin(), sorted.end());
    const size_t h = sorted.size();
    const double median_residual = h % 2 ? sorted[h / 2] : (sorted[h / 2 - 1] + sorted[h / 2]) / 2;
    auto to_units = [log1p](double t) { return log1p ? std::expm1(t) : t; };
    double offset_error = 0, head_error = 0;
    for (size_t i = 0; i < h; ++i) {
      offset_error += std::abs(to_units(fitted.mean[i] + median_residual) - holdout->targets[i]);
      if (!fitted.head.empty()) head_error += std::abs(to_units(fitted.head[i]) - holdout->targets[i]);
    }
    const MedianSetting asked = metadata.settings.median;
    const bool use_head = !fitted.head.empty() && (asked == MedianSetting::head ||
                                                   (asked == MedianSetting::automatic && head_error < offset_error));
    if (asked == MedianSetting::automatic && !fitted.head.empty())
      tell(hooks,
           fmt::format("median: the {} (holdout MAE {:.4g}; the {} {:.4g}) (--median auto)",
                       use_head ? "median head" : "mean plus the residuals' median",
                       (use_head ? head_error : offset_error) / static_cast<double>(h), use_head ? "offset" : "head",
                       (use_head ? offset_error : head_error) / static_cast<double>(h)));
    metadata.settings.median = use_head ? MedianSetting::head : MedianSetting::offset;
    shifts.has_interval = true;
    shifts.median_from_head = use_head;
    shifts.median = use_head ? 0.0f : static_cast<float>(median_residual);
    shifts.lower = static_cast<float>(sorted[low - 1]);
    shifts.upper = static_cast<float>(sorted[high - 1]);
    metadata.interval_level = metadata.settings.interval;
    metadata.interval_calibration_rows = static_cast<long long>(h);
    metadata.interval_calibration = fmt::format(
        "split conformal: the sorted holdout residuals of the mean number {} and {} of {} (the rows that also picked "
        "each member's epoch)",
        low, high, h);
  } else if (metadata.settings.interval > 0) {
    tell(hooks, holdout ? fmt::format("interval: {} holdout rows are too few for a {:g}% interval; the model has none",
                                      fitted.residuals.size(), 100 * metadata.settings.interval)
                        : "interval: no holdout rows (--validation-split 0), so the model has no median or interval");
  }
  if (!shifts.median_from_head)
    for (DenseStack& stack : members) {
      // The median head was not chosen: keep only the mean's column.
      DenseLayer& last = stack.back();
      if (last.output_size == 2) {
        last.weight.resize(static_cast<size_t>(last.input_size));
        last.bias.resize(1);
        last.output_size = 1;
      }
    }
  metadata.shifts = shifts;
  PortableNetwork network = network_frame(pipeline, metadata.output_name, shifts);
  set_members(network, std::move(members));
  result.network = std::move(network);
}

// The saved model's estimates on the split the last plot shows: test, else validation, else train.
TrainingOutcome::SavedEstimates saved_estimates(const PortableNetwork& network, const ModelMetadata& metadata,
                                                const EncodedSplit& train,
                                                const std::vector<EncodedSplit>& evaluations) {
  const EncodedSplit* shown = &train;
  for (const auto& split : evaluations)
    if (split.name == "test" || (split.name == "validation" && shown == &train)) shown = &split;
  const NativeForward forward(network);
  const size_t n = shown->features.rows;
  TrainingOutcome::SavedEstimates saved;
  saved.split = shown->name;
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

// The kept network's final errors, measured on exactly what is saved.
void measure_final(TrainerResult& result, const ModelMetadata& metadata, const EncodedSplit& train,
                   const std::vector<EncodedSplit>& evaluations) {
  result.outcome.final_metrics["train"] = measure(result.network, metadata.pipeline, train);
  for (const auto& split : evaluations)
    result.outcome.final_metrics[split.name] = measure(result.network, metadata.pipeline, split);
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

// Stage 5: the model directory, filled beside `out_dir` and renamed into place in one step.
Result<void> write_model_directory(const fs::path& out_dir, const ModelMetadata& metadata,
                                   const PortableNetwork& network, const TrainingCheckpoint& checkpoint) {
  VGSALES_ASSIGN_OR_RETURN(StagingDirectory staging, StagingDirectory::create_beside(out_dir));
  VGSALES_TRY(write_file_atomically(staging.path() / kCheckpointFileName, serialize_checkpoint(checkpoint)));
  VGSALES_TRY(write_model_files(staging.path(), metadata, network));
  VGSALES_TRY(seal_model_directory(staging.path()));
  return staging.commit();
}

}  // namespace

std::pair<size_t, size_t> conformal_ranks(size_t h, double level) {
  const double alpha = 1.0 - level;
  const double rows = static_cast<double>(h) + 1.0;
  // In floating point (h + 1) * 0.9 can land just above an integer, hence the tolerance.
  const auto low = static_cast<size_t>(std::floor(rows * alpha / 2 + 1e-9));
  const auto high = static_cast<size_t>(std::ceil(rows * (1 - alpha / 2) - 1e-9));
  if (low < 1 || high > h || low > high) return {0, 0};
  return {low, high};
}

std::vector<float> LinearBaseline::predict(const float* features, size_t rows, size_t width) const {
  std::vector<float> out(rows);
  for (size_t r = 0; r < rows; ++r) {
    double y = coefficients.back();
    for (size_t c = 0; c < width; ++c) y += coefficients[c] * features[r * width + c];
    out[r] = static_cast<float>(y);
  }
  return out;
}

LinearBaseline fit_linear_baseline(const float* features, const float* targets, size_t rows, size_t width) {
  // Normal equations with a tiny ridge term, solved by Cholesky: one-hot columns are collinear
  // (each group sums to one), and the ridge keeps the system positive definite.
  const size_t n = width + 1;
  std::vector<double> gram(n * n, 0.0), rhs(n, 0.0), x(n);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < width; ++c) x[c] = features[r * width + c];
    x[width] = 1.0;
    for (size_t i = 0; i < n; ++i) {
      rhs[i] += x[i] * targets[r];
      for (size_t j = 0; j <= i; ++j) gram[i * n + j] += x[i] * x[j];
    }
  }
  double trace = 0;
  for (size_t i = 0; i < n; ++i) trace += gram[i * n + i];
  const double ridge = 1e-8 * trace / static_cast<double>(n) + 1e-12;
  for (size_t i = 0; i < n; ++i) gram[i * n + i] += ridge;
  std::vector<double> lower(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j <= i; ++j) {
      double sum = gram[i * n + j];
      for (size_t k = 0; k < j; ++k) sum -= lower[i * n + k] * lower[j * n + k];
      lower[i * n + j] = i == j ? std::sqrt(std::max(sum, 1e-300)) : sum / lower[j * n + j];
    }
  std::vector<double> z(n), beta(n);
  for (size_t i = 0; i < n; ++i) {
    double sum = rhs[i];
    for (size_t k = 0; k < i; ++k) sum -= lower[i * n + k] * z[k];
    z[i] = sum / lower[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {
    double sum = z[i];
    for (size_t k = i + 1; k < n; ++k) sum -= lower[k * n + i] * beta[k];
    beta[i] = sum / lower[i * n + i];
  }
  return LinearBaseline{beta};
}

Result<TrainingJobReport> run_training_job(const TrainingJobOptions& options, const TrainingJobHooks& hooks) {
  TrainingSettings settings = options.settings;
  VGSALES_TRY(validate_settings(settings));
  if (options.target.empty()) return make_error(ErrorKind::usage, "--target is required");
  VGSALES_ASSIGN_OR_RETURN(const std::optional<ResumeState> resumed, read_resume_state(options, settings));

  VGSALES_ASSIGN_OR_RETURN(const TableLoadOptions load_options, table_load_options(options, resumed));
  VGSALES_ASSIGN_OR_RETURN(SplitTables tables, load_split_tables(options, load_options, settings, hooks));
  VGSALES_ASSIGN_OR_RETURN(auto fitted, fit_pipeline(tables.train, options, resumed, settings, hooks));
  const FeaturePipeline pipeline = std::move(fitted.first);
  const EncodedSplit train = std::move(fitted.second);
  if (hooks.pipeline_ready) hooks.pipeline_ready(pipeline);
  VGSALES_ASSIGN_OR_RETURN(const std::vector<EncodedSplit> evaluations,
                           encode_evaluation_splits(tables, pipeline, hooks));
  // The encoded floats are all training needs from here on: free the parsed tables (for 10M rows they are as large
  // as the features again, plus a line number per row).
  tables = SplitTables{};

  const std::string output_name = options.output_name.empty()
                                      ? (resumed ? resumed->metadata.output_name : default_output_name(options.target))
                                      : options.output_name;
  ModelMetadata metadata = describe_model(options, settings, pipeline, output_name);
  metadata.rows["train"] = static_cast<long long>(train.features.rows);
  for (const auto& split : evaluations) metadata.rows[split.name] = static_cast<long long>(split.features.rows);
  metadata.baselines = measure_baselines(train, evaluations.empty() ? train : evaluations.back());

  // Stage 4: train, with every observer ended exactly once whatever happens next.
  const EncodedSplit* holdout = nullptr;
  for (const auto& split : evaluations)
    if (split.name == "validation") holdout = &split;
  const bool interval_possible = settings.interval > 0 && holdout &&
                                 conformal_ranks(holdout->features.rows, settings.interval).first > 0;
  TrainerInputs inputs;
  inputs.settings = settings;
  inputs.frame = network_frame(pipeline, output_name, OutputShifts{});
  inputs.train = train.view();
  for (const auto& split : evaluations) inputs.evaluations.push_back(split.view());
  if (resumed) inputs.resume = resumed->checkpoint;
  inputs.median_head = interval_possible && settings.median != MedianSetting::offset;
  inputs.observers = hooks.observers;
  inputs.stop_requested = hooks.stop_requested;
  const std::int64_t output_columns = resumed ? resumed->checkpoint.output_columns : (inputs.median_head ? 2 : 1);
  TrainingRunInfo info = describe_run(options, settings, pipeline, inputs.frame, train, evaluations, output_columns);
  if (hooks.before_training) VGSALES_TRY(hooks.before_training(info));
  ObserverEndGuard end_guard;
  for (auto* observer : hooks.observers) {
    VGSALES_TRY(observer->on_train_begin(info));
    end_guard.began(observer);
  }
  VGSALES_ASSIGN_OR_RETURN(TrainerResult result, train_network(inputs));
  metadata.members = static_cast<int>(result.member_epochs.size());
  calibrate(result, metadata, train, holdout, hooks);
  measure_final(result, metadata, train, evaluations);
  metadata.epochs_run = result.outcome.epochs_run;
  metadata.kept_epoch = result.outcome.kept_epoch;
  metadata.member_epochs = result.member_epochs;
  metadata.status = result.outcome.status;
  metadata.training_seconds = result.outcome.training_seconds;
  metadata.metrics = result.outcome.final_metrics;
  VGSALES_TRY(write_model_directory(options.out_dir, metadata, result.network, result.checkpoint));

  result.outcome.model_summary_markdown = describe_architecture(result.network);
  result.outcome.saved_estimates = saved_estimates(result.network, metadata, train, evaluations);
  result.outcome.estimates_markdown =
      metadata.has_interval()
          ? fmt::format(
                "**Estimates:** the mean ({}), the median ({}) and a {:g} % interval, calibrated on {} "
                "held-out rows ({}).",
                describe_mean_shift(metadata), metadata.shifts.median_from_head ? "median head" : "mean plus an offset",
                100 * metadata.interval_level, metadata.interval_calibration_rows, metadata.interval_calibration)
          : fmt::format("**Estimates:** the mean only ({}); no interval.", describe_mean_shift(metadata));
  end_guard.finish(result.outcome);
  TrainingJobReport report;
  report.metadata = std::move(metadata);
  report.model_dir = options.out_dir;
  report.interrupted = result.outcome.status == "interrupted";
  report.outcome = std::move(result.outcome);
  return report;
}

}  // namespace vgsales
