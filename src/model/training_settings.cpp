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

Result<void> validate_settings(const TrainingSettings& settings) {
#define VGSALES_CHECK_SETTING(type, field, flag, fallback, low, high, help)                                   \
  if (!(settings.field >= static_cast<type>(low) && settings.field <= static_cast<type>(high)))             \
    return make_error(ErrorKind::usage, fmt::format("{} must be between {} and {} (got {})", flag, low, high, \
                                                    settings.field));
  VGSALES_TRAINING_SETTINGS(VGSALES_CHECK_SETTING)
#undef VGSALES_CHECK_SETTING
  if (settings.early_stopping > 0 && settings.validation_split <= 0)
    return make_error(ErrorKind::usage, "--early-stopping needs --validation-split (the epochs are compared on it)");
  if (settings.target_transform != "none" && settings.target_transform != "log1p")
    return make_error(ErrorKind::usage, "--target-transform must be none or log1p");
  if (settings.hidden_layers.empty()) return make_error(ErrorKind::usage, "--layers needs at least one layer");
  return {};
}

}  // namespace vgsales
