// Parsing and validation of training settings.
#include "model/training_settings.h"

#include <charconv>

#include <fmt/format.h>

namespace vgsales {

Result<std::vector<int>> parse_layer_list(const std::string& text) {
  std::vector<int> layers;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    int width = 0;
    const auto [ptr, error] = std::from_chars(part.data(), part.data() + part.size(), width);
    if (part.empty() || error != std::errc() || ptr != part.data() + part.size() || width < 1 || width > 65536)
      return make_error(ErrorKind::usage, "--layers: '" + part + "' in '" + text +
                                              "' is not a layer width (expected e.g. 50,100,50; each 1 to 65536)");
    layers.push_back(width);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return layers;
}

std::string format_layer_list(const std::vector<int>& layers) { return fmt::format("{}", fmt::join(layers, ",")); }

namespace {
bool is_validation_fraction(double fraction) { return fraction >= 0.0 && fraction <= kMaximumValidationSplit; }
}  // namespace

double automatic_validation_split(size_t training_rows, int early_stopping) {
  // Asking for early stopping is asking for a validation split, whatever the size.
  return training_rows > kAutoValidationMinimumRows || early_stopping > 0 ? kAutoValidationFraction : 0.0;
}

Result<std::optional<double>> parse_validation_split(const std::string& text) {
  if (text == "auto") return std::optional<double>{};
  double fraction = 0;
  const auto [ptr, error] = std::from_chars(text.data(), text.data() + text.size(), fraction);
  if (text.empty() || error != std::errc() || ptr != text.data() + text.size() || !is_validation_fraction(fraction))
    return make_error(ErrorKind::usage, fmt::format("--validation-split: '{}' is not auto or a fraction from 0 to {}",
                                                    text, kMaximumValidationSplit));
  return std::optional<double>{fraction};
}

Result<void> validate_settings(const TrainingSettings& settings) {
#define VGSALES_CHECK_SETTING(type, field, flag, fallback, low, high, help)                                   \
  if (!(settings.field >= static_cast<type>(low) && settings.field <= static_cast<type>(high)))             \
    return make_error(ErrorKind::usage, fmt::format("{} must be between {} and {} (got {})", flag, low, high, \
                                                    settings.field));
  VGSALES_TRAINING_SETTINGS(VGSALES_CHECK_SETTING)
#undef VGSALES_CHECK_SETTING
  if (settings.validation_split && !is_validation_fraction(*settings.validation_split))
    return make_error(ErrorKind::usage, fmt::format("--validation-split must be auto or between 0 and {} (got {})",
                                                    kMaximumValidationSplit, *settings.validation_split));
  if (settings.early_stopping > 0 && settings.validation_split && *settings.validation_split <= 0)
    return make_error(ErrorKind::usage, "--early-stopping needs --validation-split (the epochs are compared on it)");
  if (settings.target_transform != "auto" && settings.target_transform != "none" && settings.target_transform != "log1p")
    return make_error(ErrorKind::usage, "--target-transform must be auto, none or log1p");
  if (settings.hidden_layers.empty()) return make_error(ErrorKind::usage, "--layers needs at least one layer");
  return {};
}

}  // namespace vgsales
