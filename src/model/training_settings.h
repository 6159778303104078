// Every training setting, declared once: the CLI flags, their bounds, defaults and help, model.json's "training"
// section, the REST metadata, TensorBoard's HParams, `vgsales info` and the command pages, man pages and completions
// (generated from `vgsales --flag-table`) all come from the two lists below, through training_setting_declarations().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/json_fields.h"
#include "common/result.h"
#include "common/target_units.h"
#include "data/feature_pipeline.h"
#include "data/target_range.h"
#include "model/training_observer.h"

namespace vgsales {

// --target-transform: what the network fits; automatic picks log1p for a strongly right-skewed target.
enum class TargetTransformSetting { automatic, none, log1p };
// --median: where the median estimate comes from; automatic keeps the one with the lower holdout MAE.
enum class MedianSetting { automatic, head, offset };
// --mean-correction: how a log1p model's output moves from the median to the mean.
enum class MeanCorrection { least_squares, smearing };
// --input-scaling takes InputScaling (data/feature_pipeline.h) itself.

// Numeric settings. X(type, field, flag, default, minimum, maximum, HParams name ("" = not logged), help)
// TensorBoard's HParams table shows the first five names in alphabetical order by default: patience,
// prediction_interval and scaling sort after layers and learning_rate, which runs differ in most.
#define VGSALES_TRAINING_SETTINGS(X)                                                                  \
  X(int, epochs, "--epochs", 50, 1, 1000000, "epochs", "passes over the training data")               \
  X(int, batch_size, "--batch-size", 32, 1, 1 << 24, "batch_size", "rows per mini-batch")             \
  X(double, learning_rate, "--learning-rate", 0.001, 1e-9, 10.0, "learning_rate", "Adam step size")   \
  X(std::int64_t, seed, "--seed", 42, 0, INT64_MAX, "seed", "seed for weights, shuffling and splits") \
  X(int, threads, "--threads", 1, 1, 256, "", "CPU threads (1 gives bit-identical runs for a seed)")  \
  X(int, early_stopping, "--early-stopping", 10, 0, 1000000, "patience",                              \
    "a member stops after this many epochs without improving its holdout loss (0 = run every epoch)") \
  X(double, test_split, "--test-split", 0.0, 0.0, 0.9, "",                                            \
    "fraction of the training file held out (seeded) as the test set when there is no `--test` file") \
  X(int, members, "--members", 5, 1, 100, "members",                                                  \
    "networks in the ensemble, each with its own seed and shuffling; the model averages them")        \
  X(double, interval, "--interval", 0.8, 0.0, 0.99, "prediction_interval",                            \
    "level of the calibrated prediction interval, from the holdout rows (0 = no interval)")           \
  X(int, min_category_rows, "--min-category-rows", 10, 1, 1000000000, "min_category_rows",            \
    "a category needs this many training rows to get its own input; rarer values share 'other'")      \
  X(int, max_categories, "--max-categories", 1000, 2, 100000, "max_categories",                       \
    "at most this many categories per column keep their own input (a memory guard)")                  \
  X(int, background_rows, "--background-rows", 64, 0, 100000, "",                                     \
    "training rows saved (seeded) as background.csv, the baseline `explain` attributes estimates "    \
    "against; 0 keeps training rows out of the model's files (and the model cannot be explained)")

// Settings that take one word of a closed list (names in choice_names()). X(type, field, flag, default, HParams
// name, help)
#define VGSALES_CHOICE_SETTINGS(X)                                                                                 \
  X(TargetTransformSetting, target_transform, "--target-transform", TargetTransformSetting::automatic,             \
    "target_transform",                                                                                            \
    "fit log(1+y) for long-tailed targets; `auto` picks `log1p` for a non-negative target with skewness above 2, " \
    "else `none`; metrics stay in the target's units")                                                             \
  X(InputScaling, input_scaling, "--input-scaling", InputScaling::standard, "scaling",                             \
    "standard: numeric columns to z-scores (0/1 and one-hot inputs stay 0/1); minmax: every input to 0..1")        \
  X(MedianSetting, median, "--median", MedianSetting::automatic, "median",                                         \
    "how the median is estimated: a median head (pinball loss) or the mean plus the holdout residuals' median; "   \
    "auto keeps the one with the lower holdout MAE")                                                               \
  X(MeanCorrection, mean_correction, "--mean-correction", MeanCorrection::least_squares, "mean_correction",        \
    "a log1p model's correction from the median to the mean: the factor with the least squared error on the "      \
    "holdout rows in the target's units, or Duan's smearing factor")

struct TrainingSettings {
#define VGSALES_DECLARE_SETTING(type, field, flag, fallback, low, high, hparam, help) type field = fallback;
  VGSALES_TRAINING_SETTINGS(VGSALES_DECLARE_SETTING)
#undef VGSALES_DECLARE_SETTING
  std::vector<int> hidden_layers{50, 100, 50};  // --layers
  std::optional<double> validation_split;       // --validation-split auto|F; nullopt is auto
#define VGSALES_DECLARE_CHOICE(type, field, flag, fallback, hparam, help) type field = fallback;
  VGSALES_CHOICE_SETTINGS(VGSALES_DECLARE_CHOICE)
#undef VGSALES_DECLARE_CHOICE
  // --target-range, --target-units, --target-label: as given until training resolves them (a saved model records
  // the range it clips to, "none" when unbounded, and the units, "" when unknown; the label stays "" when none was
  // given, and the column's name shows).
  TargetRangeSetting target_range;
  std::string target_units = "auto";
  std::string target_label;
};

// One choice and the word flags, model.json, the REST metadata, HParams and `info` spell it with.
template <class Choice>
struct ChoiceName {
  Choice value;
  const char* name;
};

// Each closed list's one name table, in the order --help lists the choices (the argument only picks the table).
std::span<const ChoiceName<TargetTransformSetting>> choice_names(TargetTransformSetting);
std::span<const ChoiceName<InputScaling>> choice_names(InputScaling);
std::span<const ChoiceName<MedianSetting>> choice_names(MedianSetting);
std::span<const ChoiceName<MeanCorrection>> choice_names(MeanCorrection);

template <class Choice>
const char* choice_name(Choice value) {
  for (const ChoiceName<Choice>& entry : choice_names(Choice{}))
    if (entry.value == value) return entry.name;
  return "?";
}

template <class Choice>
std::optional<Choice> choice_from_name(std::string_view name) {
  for (const ChoiceName<Choice>& entry : choice_names(Choice{}))
    if (name == entry.name) return entry.value;
  return std::nullopt;
}

// The setting a pipeline's transform records (what "auto" resolved to).
TargetTransformSetting target_transform_setting(TargetTransform transform);

// A setting's value as records keep it: whole numbers, fractions or words ("auto" resolved where it can be).
using SettingValue = std::variant<std::int64_t, double, std::string>;

// One training setting as every consumer sees it. The numeric ones also take typed, bounded flags, which
// `vgsales train` registers from VGSALES_TRAINING_SETTINGS itself.
struct SettingDeclaration {
  std::string key;         // model.json's "training" key, the REST metadata's and `info`'s name
  std::string flag;        // "--layers"
  std::string hparam;      // its name in TensorBoard's HParams and the model card ("" = not logged)
  std::string value_name;  // "N", "F", "50,100,50", "auto|none|log1p"
  std::string help;
  bool numeric = false;             // a typed, bounded flag (else the flag's text goes through `parse`)
  bool in_training_section = true;  // false for layers: model.json keeps them as network.hidden_layers
  // The value models saved before the setting existed used, when model.json lacks it (nullopt: required).
  std::optional<std::string> when_absent;
  std::function<SettingValue(const TrainingSettings&)> value;
  // The text as the flag takes it (set only where the flag takes text: !numeric), and its parser (errors name the
  // flag; numeric settings have one too, for `when_absent`).
  std::function<std::string(const TrainingSettings&)> flag_text;
  std::function<Result<void>(TrainingSettings&, const std::string&)> parse;
  // Set only for in_training_section: reads the value from model.json's "training" object at the path given (errors
  // name the field).
  std::function<Result<void>(TrainingSettings&, const rapidjson::Value&, const JsonFieldReader&, const std::string&)>
      read_json;
};

// Every setting: the numeric ones, then layers, validation_split and the choices (model.json's order).
const std::vector<SettingDeclaration>& training_setting_declarations();

// What "auto" holds out (bench/accuracy/RESEARCH.md): 10 % of the training rows, but at least 200 rows and at most
// 25 %, so a 1,000-row table keeps 200 rows to pick each member's epoch and calibrate the interval.
inline constexpr double kAutoValidationFraction = 0.1;
inline constexpr double kAutoValidationMinimumRows = 200;
inline constexpr double kAutoValidationMaximumFraction = 0.25;
// Below this many training rows nothing is held out: a handful of rows cannot both train and judge.
inline constexpr size_t kAutoValidationMinimumTableRows = 20;
inline constexpr double kMaximumValidationSplit = 0.9;

// The holdout fraction "auto" resolves to for this many training rows (0 below kAutoValidationMinimumTableRows).
double automatic_validation_split(size_t training_rows);

// "auto" (nullopt) or a fraction from 0 to 0.9; errors name the flag and the bad text.
Result<std::optional<double>> parse_validation_split(const std::string& text);

// Parses "50,100,50" into layer widths; errors name the bad part.
Result<std::vector<int>> parse_layer_list(const std::string& text);
std::string format_layer_list(const std::vector<int>& layers);

// Checks ranges and combinations (early stopping needs a validation split, ...).
Result<void> validate_settings(const TrainingSettings& settings);

// model.json's "training" settings (auto resolved: validation_split is a number there).
void write_settings_json(JsonWriter& writer, const TrainingSettings& settings);
Result<void> read_settings_json(const rapidjson::Value& object, const JsonFieldReader& reader, const std::string& path,
                                TrainingSettings& settings);

// The settings TensorBoard's HParams tab and the model card show, in declaration order (numbers as doubles).
std::vector<std::pair<std::string, HyperparameterValue>> hyperparameters_of(const TrainingSettings& settings);

// The target's label and units as these settings give them (auto resolved by the money rule).
TargetUnits target_units_of(const std::string& target, const TrainingSettings& settings);

// "epochs=50 batch_size=32 ... layers=50,100,50 ... median=head": every setting as `info` prints it.
std::string describe_settings(const TrainingSettings& settings);

}  // namespace vgsales
