// Every training setting. The numeric ones are declared once in the list below, from which the CLI flags, their
// bounds and model.json's "training" section are generated; the rest follow the struct's own fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace vgsales {

// X(type, field, flag, default, minimum, maximum, help)
#define VGSALES_TRAINING_SETTINGS(X)                                                                      \
  X(int, epochs, "--epochs", 50, 1, 1000000, "passes over the training data")                            \
  X(int, batch_size, "--batch-size", 32, 1, 1 << 24, "rows per mini-batch")                               \
  X(double, learning_rate, "--learning-rate", 0.001, 1e-9, 10.0, "Adam step size")                        \
  X(std::int64_t, seed, "--seed", 42, 0, INT64_MAX, "seed for weights, shuffling and splits")             \
  X(int, threads, "--threads", 1, 1, 256, "CPU threads for LibTorch (1 gives bit-identical runs)")         \
  X(int, early_stopping, "--early-stopping", 0, 0, 1000000,                                               \
    "stop after this many epochs without validation improvement (0 = off)")                               \
  X(double, test_split, "--test-split", 0.0, 0.0, 0.9,                                                   \
    "fraction of the training file held out as the test set when there is no --test file")                \
  X(int, max_categories, "--max-categories", 50, 2, 100000,                                               \
    "vocabulary size per categorical column; rarer values share the 'other' input")

struct TrainingSettings {
#define VGSALES_DECLARE_SETTING(type, field, flag, fallback, low, high, help) type field = fallback;
  VGSALES_TRAINING_SETTINGS(VGSALES_DECLARE_SETTING)
#undef VGSALES_DECLARE_SETTING
  std::vector<int> hidden_layers{50, 100, 50};  // --layers
  std::optional<double> validation_split;       // --validation-split auto|F; nullopt is auto
  std::string target_transform = "auto";        // --target-transform auto|none|log1p
};

// What "auto" picks, after scikit-learn's HistGradientBoosting (early_stopping='auto'): a validation split
// only where the data is large enough to spare it; log1p only for non-negative, strongly right-skewed targets.
inline constexpr size_t kAutoValidationMinimumRows = 10000;
inline constexpr double kAutoValidationFraction = 0.1;
inline constexpr double kMaximumValidationSplit = 0.9;
inline constexpr double kAutoLog1pMinimumSkewness = 2.0;

// The validation fraction "auto" resolves to for this many training rows (0 = no validation split).
double automatic_validation_split(size_t training_rows, int early_stopping);

// "auto" (nullopt) or a fraction from 0 to 0.9; errors name the flag and the bad text.
Result<std::optional<double>> parse_validation_split(const std::string& text);

// Parses "50,100,50" into layer widths; errors name the bad part.
Result<std::vector<int>> parse_layer_list(const std::string& text);
std::string format_layer_list(const std::vector<int>& layers);

// Checks ranges and combinations (early stopping needs a validation split, ...).
Result<void> validate_settings(const TrainingSettings& settings);

}  // namespace vgsales
