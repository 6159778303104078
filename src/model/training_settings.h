// Every training setting, declared once: the CLI flags, their bounds, defaults and help, model.json's "training"
// section and the README's flag table are all generated from the two lists below.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/json_fields.h"
#include "common/result.h"

namespace vgsales {

// Numeric settings. X(type, field, flag, default, minimum, maximum, help)
#define VGSALES_TRAINING_SETTINGS(X)                                                                  \
  X(int, epochs, "--epochs", 50, 1, 1000000, "passes over the training data")                         \
  X(int, batch_size, "--batch-size", 32, 1, 1 << 24, "rows per mini-batch")                           \
  X(double, learning_rate, "--learning-rate", 0.001, 1e-9, 10.0, "Adam step size")                    \
  X(std::int64_t, seed, "--seed", 42, 0, INT64_MAX, "seed for weights, shuffling and splits")         \
  X(int, threads, "--threads", 1, 1, 256, "CPU threads (1 gives bit-identical runs for a seed)")      \
  X(int, early_stopping, "--early-stopping", 10, 0, 1000000,                                          \
    "a member stops after this many epochs without improving its holdout loss (0 = run every epoch)") \
  X(double, test_split, "--test-split", 0.0, 0.0, 0.9,                                                \
    "fraction of the training file held out (seeded) as the test set when there is no `--test` file") \
  X(int, members, "--members", 5, 1, 100,                                                             \
    "networks in the ensemble, each with its own seed and shuffling; the model averages them")        \
  X(double, interval, "--interval", 0.8, 0.0, 0.99,                                                   \
    "level of the calibrated prediction interval, from the holdout rows (0 = no interval)")           \
  X(int, min_category_rows, "--min-category-rows", 10, 1, 1000000000,                                 \
    "a category needs this many training rows to get its own input; rarer values share 'other'")      \
  X(int, max_categories, "--max-categories", 1000, 2, 100000,                                         \
    "at most this many categories per column keep their own input (a memory guard)")

struct TrainingSettings {
#define VGSALES_DECLARE_SETTING(type, field, flag, fallback, low, high, help) type field = fallback;
  VGSALES_TRAINING_SETTINGS(VGSALES_DECLARE_SETTING)
#undef VGSALES_DECLARE_SETTING
  std::vector<int> hidden_layers{50, 100, 50};    // --layers
  std::optional<double> validation_split;         // --validation-split auto|F; nullopt is auto
  std::string target_transform = "auto";          // --target-transform auto|none|log1p
  std::string input_scaling = "standard";         // --input-scaling standard|minmax
  std::string median = "auto";                    // --median auto|head|offset
  std::string mean_correction = "least-squares";  // --mean-correction least-squares|smearing
};

// Settings whose value is text rather than one number; each declared once in training_settings.cpp.
struct TextSetting {
  std::string flag;        // e.g. "--layers"
  std::string json_key;    // its key in model.json's "training" section ("" when it lives elsewhere)
  std::string value_name;  // e.g. "50,100,50"
  std::string help;
  std::function<Result<void>(TrainingSettings&, const std::string&)> parse;  // errors name the flag
  std::function<std::string(const TrainingSettings&)> format;                // the value as the flag takes it
};
const std::vector<TextSetting>& text_training_settings();

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

}  // namespace vgsales
