// Parsing, validation and the JSON form of training settings.
#include "model/training_settings.h"

#include <algorithm>
#include <charconv>
#include <type_traits>

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

double automatic_validation_split(size_t training_rows) {
  if (training_rows < kAutoValidationMinimumTableRows) return 0.0;
  const double minimum = kAutoValidationMinimumRows / static_cast<double>(training_rows);
  return std::min(kAutoValidationMaximumFraction, std::max(kAutoValidationFraction, minimum));
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

namespace {

// A setting that takes one word of a fixed list, such as --median auto|head|offset.
TextSetting choice_setting(const char* flag, const char* json_key, std::string TrainingSettings::*field,
                           std::vector<std::string> choices, const char* help) {
  std::string value_name, spelled;
  for (size_t i = 0; i < choices.size(); ++i) {
    value_name += (i ? "|" : "") + choices[i];
    spelled += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
  }
  return TextSetting{flag,
                     json_key,
                     value_name,
                     help,
                     [flag = std::string(flag), field, choices, spelled](TrainingSettings& s,
                                                                         const std::string& text) -> Result<void> {
                       if (std::find(choices.begin(), choices.end(), text) == choices.end())
                         return make_error(ErrorKind::usage, flag + ": '" + text + "' is not " + spelled);
                       s.*field = text;
                       return {};
                     },
                     [field](const TrainingSettings& s) { return s.*field; }};
}

}  // namespace

const std::vector<TextSetting>& text_training_settings() {
  static const std::vector<TextSetting> settings{
      {"--layers", "", "50,100,50", "hidden layer widths",
       [](TrainingSettings& s, const std::string& text) -> Result<void> {
         VGSALES_ASSIGN_OR_RETURN(s.hidden_layers, parse_layer_list(text));
         return {};
       },
       [](const TrainingSettings& s) { return format_layer_list(s.hidden_layers); }},
      {"--validation-split", "validation_split", "auto|F",
       "fraction of the training rows held out to pick each member's epoch and calibrate the interval; auto is "
       "10 %, but at least 200 rows and at most 25 %; 0 trains on every row (no interval)",
       [](TrainingSettings& s, const std::string& text) -> Result<void> {
         VGSALES_ASSIGN_OR_RETURN(s.validation_split, parse_validation_split(text));
         return {};
       },
       [](const TrainingSettings& s) {
         return s.validation_split ? fmt::format("{:g}", *s.validation_split) : std::string("auto");
       }},
      choice_setting("--target-transform", "target_transform", &TrainingSettings::target_transform,
                     {"auto", "none", "log1p"},
                     "fit log(1+y) for long-tailed targets; `auto` picks `log1p` for a non-negative target with "
                     "skewness above 2, else `none`; metrics stay in the target's units"),
      choice_setting("--input-scaling", "input_scaling", &TrainingSettings::input_scaling, {"standard", "minmax"},
                     "standard: numeric columns to z-scores (0/1 and one-hot inputs stay 0/1); minmax: every input "
                     "to 0..1"),
      choice_setting("--median", "median", &TrainingSettings::median, {"auto", "head", "offset"},
                     "how the median is estimated: a median head (pinball loss) or the mean plus the holdout "
                     "residuals' median; auto keeps the one with the lower holdout MAE"),
      choice_setting("--mean-correction", "mean_correction", &TrainingSettings::mean_correction,
                     {"least-squares", "smearing"},
                     "a log1p model's correction from the median to the mean: the factor with the least squared "
                     "error on the holdout rows in the target's units, or Duan's smearing factor"),
  };
  return settings;
}

Result<void> validate_settings(const TrainingSettings& settings) {
#define VGSALES_CHECK_SETTING(type, field, flag, fallback, low, high, help)                     \
  if (!(settings.field >= static_cast<type>(low) && settings.field <= static_cast<type>(high))) \
    return make_error(ErrorKind::usage,                                                         \
                      fmt::format("{} must be between {} and {} (got {})", flag, low, high, settings.field));
  VGSALES_TRAINING_SETTINGS(VGSALES_CHECK_SETTING)
#undef VGSALES_CHECK_SETTING
  if (settings.validation_split && !is_validation_fraction(*settings.validation_split))
    return make_error(ErrorKind::usage, fmt::format("--validation-split must be auto or between 0 and {} (got {})",
                                                    kMaximumValidationSplit, *settings.validation_split));
  if (settings.interval > 0 && settings.interval < 0.5)
    return make_error(ErrorKind::usage, fmt::format("--interval must be 0 (none) or a level from 0.5 to 0.99 (got {})",
                                                    settings.interval));
  if (settings.hidden_layers.empty()) return make_error(ErrorKind::usage, "--layers needs at least one layer");
  // Each text setting as its own flag would take it: the choice lists (--median auto|head|offset, ...) live once,
  // in text_training_settings(), and a model.json naming no choice of them is refused like the flag.
  for (const TextSetting& setting : text_training_settings()) {
    TrainingSettings scratch = settings;
    VGSALES_TRY(setting.parse(scratch, setting.format(settings)));
  }
  return {};
}

void write_settings_json(JsonWriter& w, const TrainingSettings& settings) {
#define VGSALES_WRITE_SETTING(type, field, flag, fallback, low, high, help) \
  w.Key(#field);                                                            \
  if constexpr (std::is_same_v<type, double>) w.Double(settings.field);     \
  else w.Int64(static_cast<std::int64_t>(settings.field));
  VGSALES_TRAINING_SETTINGS(VGSALES_WRITE_SETTING)
#undef VGSALES_WRITE_SETTING
  // Saved models record what was used, never "auto".
  w.Key("validation_split");
  w.Double(settings.validation_split.value_or(0.0));
  w.Key("target_transform");
  write_json_string(w, settings.target_transform);
  w.Key("input_scaling");
  write_json_string(w, settings.input_scaling);
  w.Key("median");
  write_json_string(w, settings.median);
  w.Key("mean_correction");
  write_json_string(w, settings.mean_correction);
}

Result<void> read_settings_json(const rapidjson::Value& object, const JsonFieldReader& r, const std::string& path,
                                TrainingSettings& settings) {
#define VGSALES_READ_SETTING(type, field, flag, fallback, low, high, help)                            \
  {                                                                                                   \
    if constexpr (std::is_integral_v<type>) {                                                         \
      VGSALES_ASSIGN_OR_RETURN(const long long value, r.integer(object, #field, path + "." #field));  \
      if (!(value >= static_cast<long long>(low) && value <= static_cast<long long>(high)))           \
        return r.invalid(path + "." #field, fmt::format("{} is outside {} to {}", value, low, high)); \
      settings.field = static_cast<type>(value);                                                      \
    } else {                                                                                          \
      VGSALES_ASSIGN_OR_RETURN(const double value, r.number(object, #field, path + "." #field));      \
      if (!(value >= static_cast<double>(low) && value <= static_cast<double>(high)))                 \
        return r.invalid(path + "." #field, fmt::format("{} is outside {} to {}", value, low, high)); \
      settings.field = static_cast<type>(value);                                                      \
    }                                                                                                 \
  }
  VGSALES_TRAINING_SETTINGS(VGSALES_READ_SETTING)
#undef VGSALES_READ_SETTING
  VGSALES_ASSIGN_OR_RETURN(const double validation, r.number(object, "validation_split", path + ".validation_split"));
  settings.validation_split = validation;
  VGSALES_ASSIGN_OR_RETURN(settings.target_transform, r.string(object, "target_transform", path + ".target_transform"));
  VGSALES_ASSIGN_OR_RETURN(settings.input_scaling, r.string(object, "input_scaling", path + ".input_scaling"));
  VGSALES_ASSIGN_OR_RETURN(settings.median, r.string(object, "median", path + ".median"));
  // Models saved before the setting existed were corrected by smearing.
  settings.mean_correction = "smearing";
  if (object.HasMember("mean_correction")) {
    VGSALES_ASSIGN_OR_RETURN(settings.mean_correction, r.string(object, "mean_correction", path + ".mean_correction"));
  }
  // The same rules as the flags, but a file's error names the file and the section, not a flag nobody gave.
  if (Result<void> valid = validate_settings(settings); !valid.ok()) return r.invalid(path, valid.error().message);
  return {};
}

}  // namespace vgsales
