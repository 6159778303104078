// The training pipeline, from files to a committed model directory.
#include "model/training_job.h"

#include <rapidjson/document.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "data/row_split.h"
#include "data/table.h"
#include "model/metrics.h"
#include "model/model_directory.h"
#include "model/native_forward.h"
#include "model/trainer.h"

namespace vgsales {
namespace fs = std::filesystem;

namespace {

struct EncodedSplit {
  std::string name;
  EncodedFeatures features;
  std::vector<float> targets;
};

Result<EncodedSplit> encode_split(const std::string& name, const Table& table, const DatasetSchema& schema) {
  EncodedSplit split;
  split.name = name;
  VGSALES_ASSIGN_OR_RETURN(split.features, encode_features(table, schema));
  VGSALES_ASSIGN_OR_RETURN(split.targets, read_target(table, schema.target));
  return split;
}

// Drops rows whose target is missing (in place), telling the user how many.
Result<Table> rows_with_present_target(Table table, const std::string& target, const TrainingJobHooks& hooks) {
  const auto index = table.find(target);
  if (!index) return make_error(ErrorKind::invalid_data, table.source + ": no target column '" + target + "' in the header");
  std::vector<size_t> rows = rows_with_target(table, *index);
  if (rows.empty())
    return make_error(ErrorKind::invalid_data,
                      table.source + ": column '" + target + "': the target is missing in every row; nothing to train on");
  if (rows.size() == table.row_count()) return table;
  if (hooks.notice)
    hooks.notice(fmt::format("{}: skipped {} rows with a missing target '{}'", table.source,
                             table.row_count() - rows.size(), target));
  keep_rows(table, rows);
  return table;
}

double skewness(const std::vector<float>& values) {
  double mean = 0;
  for (float v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double m2 = 0, m3 = 0;
  for (float v : values) {
    const double d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= static_cast<double>(values.size());
  m3 /= static_cast<double>(values.size());
  return m2 > 0 ? m3 / std::pow(m2, 1.5) : 0.0;
}

std::string library_version_of_libtorch() {
  return fmt::format("{}.{}.{}", TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR, TORCH_VERSION_PATCH);
}

SplitMetrics measure(const PortableNetwork& network, const EncodedSplit& split) {
  std::vector<float> predictions(split.features.rows);
  NativeForward(network).predict(split.features.values, predictions);
  return compute_metrics(predictions, split.targets);
}

// A network fitted to log(1 + y) predicts roughly the conditional median of y, which sits below the mean
// for long-tailed targets and costs RMSE on the blockbusters. Duan's smearing estimate scales exp() of the
// prediction by the mean training ratio (1 + y) / (1 + y_hat); since expm1(z + log s) = s * exp(z) - 1,
// it folds into the output offset and every export carries it unchanged.
void apply_smearing_correction(PortableNetwork& network, const EncodedSplit& train) {
  std::vector<float> predictions(train.features.rows);
  NativeForward(network).predict(train.features.values, predictions);
  double ratio_sum = 0;
  for (size_t i = 0; i < predictions.size(); ++i)
    ratio_sum += (1.0 + train.targets[i]) / (1.0 + static_cast<double>(predictions[i]));
  const double smearing = ratio_sum / static_cast<double>(predictions.size());
  if (std::isfinite(smearing) && smearing > 0) network.output_offset += static_cast<float>(std::log(smearing));
}

// A Markdown table of the layers, as `vgsales info` prints them.
std::string describe_architecture(const PortableNetwork& network) {
  std::string text = "| layer | output shape | parameters |\n|---|---|---|\n";
  text += fmt::format("| input + min-max scaling | (None, {}) | 0 |\n", network.input_width());
  for (size_t i = 0; i < network.layers.size(); ++i) {
    const auto& layer = network.layers[i];
    const bool last = i + 1 == network.layers.size();
    text += fmt::format("| {} | (None, {}) | {} |\n", last ? std::string("output (dense)") : fmt::format("layer_{} (dense, relu)", i + 1),
                        layer.output_size, layer.input_size * layer.output_size + layer.output_size);
  }
  return text + fmt::format("| total | | {} |\n", network.parameter_count());
}

}  // namespace

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

Result<DatasetSchema> read_schema_file(const fs::path& path) {
  VGSALES_ASSIGN_OR_RETURN(const std::string text, read_file_to_string(path));
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsObject())
    return make_error(ErrorKind::invalid_data, path.string() + ": not a JSON object");
  DatasetSchema schema;
  if (doc.HasMember("target") && doc["target"].IsString()) schema.target = doc["target"].GetString();
  if (!doc.HasMember("features") || !doc["features"].IsArray())
    return make_error(ErrorKind::invalid_data, path.string() + ": field 'features' is missing or not an array");
  for (rapidjson::SizeType i = 0; i < doc["features"].Size(); ++i) {
    const auto& f = doc["features"][i];
    const std::string where = fmt::format("{}: features[{}]", path.string(), i);
    if (!f.IsObject() || !f.HasMember("name") || !f["name"].IsString())
      return make_error(ErrorKind::invalid_data, where + ".name is missing");
    FeatureSpec spec;
    spec.name = f["name"].GetString();
    if (f.HasMember("type")) {
      if (!f["type"].IsString()) return make_error(ErrorKind::invalid_data, where + ".type is not a string");
      auto type = parse_column_type(f["type"].GetString());
      if (!type.ok()) return make_error(ErrorKind::invalid_data, where + ".type: " + type.error().message);
      spec.type = type.value();
    }
    if (spec.type == ColumnType::identifier) continue;
    schema.features.push_back(std::move(spec));
  }
  if (schema.features.empty()) return make_error(ErrorKind::invalid_data, path.string() + ": no features listed");
  return schema;
}

Result<TrainingJobReport> run_training_job(const TrainingJobOptions& options, const TrainingJobHooks& hooks) {
  TrainingSettings settings = options.settings;
  VGSALES_TRY(validate_settings(settings));
  if (options.schema.target.empty()) return make_error(ErrorKind::usage, "--target is required");

  // A resumed run keeps the saved model's schema, scaling and architecture: only the weights move on.
  std::optional<ModelMetadata> resumed;
  if (!options.resume_dir.empty()) {
    VGSALES_ASSIGN_OR_RETURN(resumed, read_model_metadata(options.resume_dir));
    if (!fs::exists(options.resume_dir / kCheckpointFileName))
      return make_error(ErrorKind::not_found, (options.resume_dir / kCheckpointFileName).string() + ": missing; cannot resume");
    if (options.layers_given && settings.hidden_layers != resumed->settings.hidden_layers)
      return make_error(ErrorKind::usage, "--layers " + format_layer_list(settings.hidden_layers) +
                                              " differs from the resumed model's " +
                                              format_layer_list(resumed->settings.hidden_layers));
    settings.hidden_layers = resumed->settings.hidden_layers;
    settings.target_transform = resumed->target_transform;
    if (resumed->schema.target != options.schema.target)
      return make_error(ErrorKind::usage, "--target " + options.schema.target + " differs from the resumed model's " +
                                              resumed->schema.target);
    if (resumed->best_epoch >= settings.epochs)
      return make_error(ErrorKind::usage, fmt::format("the model in {} has trained {} epochs; pass --epochs above that to go on",
                                                      options.resume_dir.string(), resumed->best_epoch));
  }

  TableLoadOptions load_options;
  if (!options.na_values.empty()) load_options.missing_values = MissingValueSet(options.na_values);
  load_options.numeric_columns = options.schema.numeric;
  VGSALES_ASSIGN_OR_RETURN(Table train_table, load_table(options.train_file, load_options));
  VGSALES_ASSIGN_OR_RETURN(train_table, rows_with_present_target(std::move(train_table), options.schema.target, hooks));

  std::optional<Table> test_table;
  if (!options.test_file.empty()) {
    if (settings.test_split > 0) return make_error(ErrorKind::usage, "give either --test or --test-split, not both");
    VGSALES_ASSIGN_OR_RETURN(Table loaded, load_table(options.test_file, load_options));
    VGSALES_ASSIGN_OR_RETURN(test_table, rows_with_present_target(std::move(loaded), options.schema.target, hooks));
  } else if (settings.test_split > 0) {
    std::vector<size_t> all(train_table.row_count());
    std::iota(all.begin(), all.end(), 0);
    const RowSplit split = split_rows(all, settings.test_split, static_cast<std::uint64_t>(settings.seed));
    test_table = select_rows(train_table, split.held_out);
    keep_rows(train_table, split.kept);
  }
  if (!settings.validation_split) {
    settings.validation_split = automatic_validation_split(train_table.row_count(), settings.early_stopping);
    if (*settings.validation_split > 0 && hooks.notice)
      hooks.notice(fmt::format("validation: holding out {:g}% of the {} training rows to keep the best epoch "
                               "(--validation-split auto; pass 0 to train on all of them)",
                               100 * *settings.validation_split, train_table.row_count()));
  }
  std::optional<Table> validation_table;
  if (*settings.validation_split > 0) {
    std::vector<size_t> all(train_table.row_count());
    std::iota(all.begin(), all.end(), 0);
    const RowSplit split = split_rows(all, *settings.validation_split, static_cast<std::uint64_t>(settings.seed) + 1);
    validation_table = select_rows(train_table, split.held_out);
    keep_rows(train_table, split.kept);
  }
  if (train_table.row_count() < 2)
    return make_error(ErrorKind::invalid_data, options.train_file.string() + ": fewer than 2 training rows after splitting");

  // The schema is fitted on the training rows only.
  DatasetSchema schema;
  if (resumed) {
    schema = resumed->schema;
  } else if (!options.schema_file.empty()) {
    VGSALES_ASSIGN_OR_RETURN(DatasetSchema types, read_schema_file(options.schema_file));
    if (!types.target.empty() && types.target != options.schema.target)
      return make_error(ErrorKind::invalid_data, options.schema_file.string() + ": target '" + types.target +
                                                     "' does not match --target " + options.schema.target);
    types.target = options.schema.target;
    VGSALES_ASSIGN_OR_RETURN(schema, fit_schema(train_table, types, static_cast<size_t>(settings.max_categories)));
  } else {
    SchemaOptions schema_options = options.schema;
    schema_options.max_categories = static_cast<size_t>(settings.max_categories);
    VGSALES_ASSIGN_OR_RETURN(schema, infer_schema(train_table, schema_options));
  }
  if (hooks.schema_ready) hooks.schema_ready(schema);

  VGSALES_ASSIGN_OR_RETURN(EncodedSplit train, encode_split("train", train_table, schema));
  std::vector<EncodedSplit> evaluations;
  if (validation_table) {
    VGSALES_ASSIGN_OR_RETURN(EncodedSplit split, encode_split("validation", *validation_table, schema));
    evaluations.push_back(std::move(split));
  }
  if (test_table) {
    VGSALES_ASSIGN_OR_RETURN(EncodedSplit split, encode_split("test", *test_table, schema));
    if (split.features.unseen_categories > 0 && hooks.notice)
      hooks.notice(fmt::format("test rows: {} categorical values unseen in training fall into 'other'",
                               split.features.unseen_categories));
    evaluations.push_back(std::move(split));
  }
  const size_t width = train.features.width;
  // The encoded floats are all training needs from here on: free the parsed tables (for 10M rows they are
  // as large as the features again, plus a line number per row).
  train_table = Table{};
  test_table.reset();
  validation_table.reset();

  // Min-max scaling of inputs and target, fitted on the training rows (or kept from the resumed model).
  PortableNetwork frame;
  frame.input_names = schema.encoded_names();
  frame.target_name = schema.target;
  frame.output_name = options.output_name.empty() ? default_output_name(schema.target) : options.output_name;
  const double target_skewness = skewness(train.targets);  // read by the auto rule and by the hint below
  if (settings.target_transform == "auto") {
    const bool non_negative = std::all_of(train.targets.begin(), train.targets.end(), [](float y) { return y >= 0; });
    settings.target_transform = non_negative && target_skewness > kAutoLog1pMinimumSkewness ? "log1p" : "none";
    if (settings.target_transform == "log1p" && hooks.notice)
      hooks.notice(fmt::format("target: {} is strongly right-skewed (skewness {:.1f}), so the network fits log1p({}) "
                               "(--target-transform auto; pass none to fit it raw)",
                               schema.target, target_skewness, schema.target));
  }
  frame.target_transform = settings.target_transform == "log1p" ? TargetTransform::log1p : TargetTransform::none;
  if (frame.target_transform == TargetTransform::log1p)
    for (float y : train.targets)
      if (y <= -1.0f)
        return make_error(ErrorKind::invalid_data, "--target-transform log1p needs targets above -1; found " + fmt::format("{:g}", y));
  if (resumed) {
    frame.input_offset = resumed->input_offset;
    frame.input_scale = resumed->input_scale;
    frame.output_offset = resumed->target_offset;
    frame.output_scale = resumed->target_scale;
  } else {
    frame.input_offset.assign(width, INFINITY);
    std::vector<float> high(width, -INFINITY);
    for (size_t r = 0; r < train.features.rows; ++r)
      for (size_t c = 0; c < width; ++c) {
        const float v = train.features.values[r * width + c];
        frame.input_offset[c] = std::min(frame.input_offset[c], v);
        high[c] = std::max(high[c], v);
      }
    frame.input_scale.resize(width);
    // A constant column maps to 0 rather than dividing by zero.
    for (size_t c = 0; c < width; ++c)
      frame.input_scale[c] = high[c] > frame.input_offset[c] ? 1.0f / (high[c] - frame.input_offset[c]) : 1.0f;
    float low = INFINITY, top = -INFINITY;
    for (float y : train.targets) {
      const float t = frame.target_transform == TargetTransform::log1p ? std::log1p(y) : y;
      low = std::min(low, t);
      top = std::max(top, t);
    }
    frame.output_offset = low;
    frame.output_scale = top > low ? top - low : 1.0f;
  }
  if (frame.target_transform == TargetTransform::none && !resumed && hooks.notice &&
      target_skewness > kAutoLog1pMinimumSkewness)
    hooks.notice(fmt::format("hint: the target is strongly right-skewed (skewness {:.1f}); "
                             "--target-transform log1p often fits such targets better", target_skewness));

  ModelMetadata metadata;
  metadata.created = utc_timestamp_now();
  metadata.schema = schema;
  metadata.output_name = frame.output_name;
  metadata.target_transform = settings.target_transform;
  metadata.input_offset = frame.input_offset;
  metadata.input_scale = frame.input_scale;
  metadata.target_offset = frame.output_offset;
  metadata.target_scale = frame.output_scale;
  metadata.settings = settings;
  metadata.train_file = options.train_file.string();
  metadata.test_file = options.test_file.string();
  metadata.rows["train"] = static_cast<long long>(train.features.rows);
  for (const auto& split : evaluations) metadata.rows[split.name] = static_cast<long long>(split.features.rows);
  metadata.versions = {{"vgsales", "0.1.0"}, {"libtorch", library_version_of_libtorch()}};

  // Baselines on the held-out split (test, else validation, else train): what the network must beat.
  const EncodedSplit& held_out = evaluations.empty() ? train : evaluations.back();
  {
    double mean = 0;
    for (float y : train.targets) mean += y;
    mean /= static_cast<double>(train.targets.size());
    const std::vector<float> constant(held_out.targets.size(), static_cast<float>(mean));
    metadata.baselines["mean"] = compute_metrics(constant, held_out.targets);
    const LinearBaseline linear =
        fit_linear_baseline(train.features.values.data(), train.targets.data(), train.features.rows, width);
    metadata.baselines["linear"] =
        compute_metrics(linear.predict(held_out.features.values.data(), held_out.features.rows, width), held_out.targets);
  }

  VGSALES_ASSIGN_OR_RETURN(StagingDirectory staging, StagingDirectory::create_beside(options.out_dir));

  TrainerInputs inputs;
  inputs.settings = settings;
  inputs.frame = frame;
  inputs.train = SplitData{"train", train.features.values.data(), train.targets.data(), train.features.rows};
  for (const auto& split : evaluations)
    inputs.evaluations.push_back(SplitData{split.name, split.features.values.data(), split.targets.data(), split.features.rows});
  if (resumed) inputs.resume_checkpoint = options.resume_dir / kCheckpointFileName;
  inputs.checkpoint_out = staging.path() / kCheckpointFileName;
  inputs.observers = hooks.observers;
  inputs.stop_requested = hooks.stop_requested;

  TrainingRunInfo info;
  info.train_file = options.train_file.string();
  info.test_file = options.test_file.string();
  info.train_rows = static_cast<long long>(train.features.rows);
  for (const auto& split : evaluations)
    (split.name == "test" ? info.test_rows : info.validation_rows) = static_cast<long long>(split.features.rows);
  info.epochs = settings.epochs;
  info.batch_size = settings.batch_size;
  info.hyperparameters = {{"layers", format_layer_list(settings.hidden_layers)},
                          {"learning_rate", settings.learning_rate},
                          {"batch_size", static_cast<double>(settings.batch_size)},
                          {"epochs", static_cast<double>(settings.epochs)},
                          {"seed", static_cast<double>(settings.seed)},
                          {"validation_split", settings.validation_split.value_or(0.0)},
                          {"target_transform", settings.target_transform}};
  info.schema_markdown = describe_schema(schema);
  info.initial_network = initialise_network(frame, settings);
  if (hooks.before_training) VGSALES_TRY(hooks.before_training(info));
  for (auto* observer : hooks.observers) VGSALES_TRY(observer->on_train_begin(info));

  auto trained = train_network(inputs);
  if (!trained.ok()) {
    TrainingOutcome failed;
    failed.status = "failed";
    for (auto* observer : hooks.observers) observer->on_train_end(failed);
    return trained.error();
  }
  TrainerResult& result = trained.value();
  if (result.network.target_transform == TargetTransform::log1p) {
    apply_smearing_correction(result.network, train);
    // The kept network changed, so the final errors are measured again on it.
    result.outcome.final_metrics["train"] = measure(result.network, train);
    for (const auto& split : evaluations) result.outcome.final_metrics[split.name] = measure(result.network, split);
  }
  metadata.epochs_run = result.outcome.epochs_run;
  metadata.best_epoch = result.outcome.best_epoch;
  metadata.status = result.outcome.status;
  metadata.training_seconds = result.outcome.training_seconds;
  metadata.metrics = result.outcome.final_metrics;

  metadata.target_offset = result.network.output_offset;
  const std::string json = metadata_to_json(metadata);
  VGSALES_TRY(write_file_atomically(staging.path() / kMetadataFileName, json));
  VGSALES_TRY(write_torchscript_model(result.network, json, staging.path() / kModelFileName));
  VGSALES_TRY(staging.commit());
  result.outcome.model_summary_markdown = describe_architecture(result.network);
  for (auto* observer : hooks.observers) observer->on_train_end(result.outcome);

  TrainingJobReport report;
  report.metadata = std::move(metadata);
  report.model_dir = options.out_dir;
  report.interrupted = result.outcome.status == "interrupted";
  return report;
}

}  // namespace vgsales
