// The settings' declarations and name tables, parsing, validation and their JSON form.
#include "model/training_settings.h"

#include <algorithm>
#include <charconv>
#include <type_traits>
#include <utility>

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

// "auto|none|log1p" as --help shows the choices, or "auto, none or log1p" as an error spells them.
template <class Choice>
std::string listed_choices(bool spelled) {
  const auto names = choice_names(Choice{});
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += !spelled ? "|" : i + 1 == names.size() ? " or " : ", ";
    text += names[i].name;
  }
  return text;
}

template <class Choice>
Result<Choice> parse_choice(const std::string& flag, const std::string& text) {
  if (const std::optional<Choice> value = choice_from_name<Choice>(text)) return *value;
  return make_error(ErrorKind::usage, flag + ": '" + text + "' is not " + listed_choices<Choice>(true));
}

// The words every declaration starts from.
struct SettingText {
  const char* key;
  const char* flag;
  const char* hparam;
  const char* help;
};

SettingDeclaration declared(const SettingText& text, std::string value_name) {
  SettingDeclaration declaration;
  declaration.key = text.key;
  declaration.flag = text.flag;
  declaration.hparam = text.hparam;
  declaration.value_name = std::move(value_name);
  declaration.help = text.help;
  return declaration;
}

// A number with bounds; model.json's value is checked against them, naming the field.
template <class T>
SettingDeclaration numeric_setting(const SettingText& text, T TrainingSettings::*field, T low, T high) {
  SettingDeclaration declaration = declared(text, std::is_floating_point_v<T> ? "F" : "N");
  declaration.numeric = true;
  declaration.value = [field](const TrainingSettings& s) -> SettingValue {
    if constexpr (std::is_floating_point_v<T>) return static_cast<double>(s.*field);
    else return static_cast<std::int64_t>(s.*field);
  };
  declaration.parse = [field, low, high, flag = declaration.flag](TrainingSettings& s,
                                                                  const std::string& text) -> Result<void> {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !(value >= static_cast<double>(low)) ||
        !(value <= static_cast<double>(high)))
      return make_error(ErrorKind::usage, fmt::format("{}: '{}' is not a number from {} to {}", flag, text, low, high));
    s.*field = static_cast<T>(value);
    return {};
  };
  declaration.read_json = [field, low, high, key = declaration.key](TrainingSettings& s, const rapidjson::Value& object,
                                                                    const JsonFieldReader& r,
                                                                    const std::string& path) -> Result<void> {
    const std::string at = path + "." + key;
    if constexpr (std::is_integral_v<T>) {
      VGSALES_ASSIGN_OR_RETURN(const long long value, r.integer(object, key.c_str(), at));
      if (!(value >= static_cast<long long>(low) && value <= static_cast<long long>(high)))
        return r.invalid(at, fmt::format("{} is outside {} to {}", value, low, high));
      s.*field = static_cast<T>(value);
    } else {
      VGSALES_ASSIGN_OR_RETURN(const double value, r.number(object, key.c_str(), at));
      if (!(value >= static_cast<double>(low) && value <= static_cast<double>(high)))
        return r.invalid(at, fmt::format("{} is outside {} to {}", value, low, high));
      s.*field = static_cast<T>(value);
    }
    return {};
  };
  return declaration;
}

// model.json's text of a setting whose flag takes text, read through the flag's own parser: refused as the flag would
// refuse it, naming the file and the section.
auto read_json_through_parse(const SettingDeclaration& declaration) {
  return [parse = declaration.parse, key = declaration.key](TrainingSettings& s, const rapidjson::Value& object,
                                                            const JsonFieldReader& r,
                                                            const std::string& path) -> Result<void> {
    VGSALES_ASSIGN_OR_RETURN(const std::string word, r.string(object, key.c_str(), path + "." + key));
    if (Result<void> parsed = parse(s, word); !parsed.ok()) return r.invalid(path, parsed.error().message);
    return {};
  };
}

// One word of a closed list, such as --median auto|head|offset; model.json's word is refused as the flag would
// refuse it, naming the file and the section.
template <class Choice>
SettingDeclaration choice_setting(const SettingText& text, Choice TrainingSettings::*field) {
  SettingDeclaration declaration = declared(text, listed_choices<Choice>(false));
  declaration.value = [field](const TrainingSettings& s) { return SettingValue{std::string(choice_name(s.*field))}; };
  declaration.flag_text = [field](const TrainingSettings& s) { return std::string(choice_name(s.*field)); };
  declaration.parse = [field, flag = declaration.flag](TrainingSettings& s, const std::string& word) -> Result<void> {
    VGSALES_ASSIGN_OR_RETURN(s.*field, parse_choice<Choice>(flag, word));
    return {};
  };
  declaration.read_json = read_json_through_parse(declaration);
  return declaration;
}

SettingDeclaration layers_setting() {
  SettingDeclaration declaration = declared({"layers", "--layers", "layers", "hidden layer widths"}, "50,100,50");
  declaration.in_training_section = false;
  declaration.value = [](const TrainingSettings& s) { return SettingValue{format_layer_list(s.hidden_layers)}; };
  declaration.flag_text = [](const TrainingSettings& s) { return format_layer_list(s.hidden_layers); };
  declaration.parse = [](TrainingSettings& s, const std::string& text) -> Result<void> {
    VGSALES_ASSIGN_OR_RETURN(s.hidden_layers, parse_layer_list(text));
    return {};
  };
  return declaration;
}

SettingDeclaration validation_split_setting() {
  SettingDeclaration declaration = declared(
      {"validation_split", "--validation-split", "validation_split",
       "fraction of the training rows held out to pick each member's epoch and calibrate the interval; auto is "
       "10 %, but at least 200 rows and at most 25 %; 0 trains on every row (no interval)"},
      "auto|F");
  // Saved models record what was used, never "auto".
  declaration.value = [](const TrainingSettings& s) { return SettingValue{s.validation_split.value_or(0.0)}; };
  declaration.flag_text = [](const TrainingSettings& s) {
    return s.validation_split ? fmt::format("{:g}", *s.validation_split) : std::string("auto");
  };
  declaration.parse = [](TrainingSettings& s, const std::string& text) -> Result<void> {
    VGSALES_ASSIGN_OR_RETURN(s.validation_split, parse_validation_split(text));
    return {};
  };
  declaration.read_json = [](TrainingSettings& s, const rapidjson::Value& object, const JsonFieldReader& r,
                             const std::string& path) -> Result<void> {
    VGSALES_ASSIGN_OR_RETURN(const double fraction, r.number(object, "validation_split", path + ".validation_split"));
    s.validation_split = fraction;  // its range is checked with the others, in validate_settings
    return {};
  };
  return declaration;
}

// A setting the flag takes as text, kept in model.json's "training" section as a string.
SettingDeclaration text_setting(const SettingText& text, std::string value_name,
                                std::function<std::string(const TrainingSettings&)> flag_text,
                                std::function<Result<void>(TrainingSettings&, const std::string&)> parse) {
  SettingDeclaration declaration = declared(text, std::move(value_name));
  declaration.value = [flag_text](const TrainingSettings& s) { return SettingValue{flag_text(s)}; };
  declaration.flag_text = std::move(flag_text);
  declaration.parse = std::move(parse);
  declaration.read_json = read_json_through_parse(declaration);
  return declaration;
}

// --target-range, --target-units and --target-label. Models saved before them (formats 2 and 3) clip nothing and
// keep the money rule for their units.
std::vector<SettingDeclaration> target_settings() {
  std::vector<SettingDeclaration> settings;
  settings.push_back(text_setting(
      {"target_range", "--target-range", "target_range",
       "values the target can take; every estimate, median and bound is clipped to them: auto is at least 0 when "
       "every training value is, none clips nothing, MIN,MAX fixes them (an empty side is open: 0, is at least 0)"},
      "auto|none|MIN,MAX", [](const TrainingSettings& s) { return format_target_range_setting(s.target_range); },
      [](TrainingSettings& s, const std::string& text) -> Result<void> {
        VGSALES_ASSIGN_OR_RETURN(s.target_range, parse_target_range_setting(text));
        return {};
      }));
  settings.back().when_absent = "none";
  settings.push_back(text_setting(
      {"target_units", "--target-units", "",
       "the target's units, shown beside every amount (e.g. \"million copies\"); auto is dollars for a target "
       "named like money (earnings, revenue, income, usd, dollars), else none"},
      "auto|TEXT", [](const TrainingSettings& s) { return s.target_units; },
      [](TrainingSettings& s, const std::string& text) -> Result<void> {
        VGSALES_TRY(check_target_display_text("--target-units", text));
        s.target_units = text;
        return {};
      }));
  settings.back().when_absent = "auto";
  settings.push_back(text_setting(
      {"target_label", "--target-label", "",
       "the target's name for people (e.g. \"Worldwide sales\"); the column's name when not given"},
      "TEXT", [](const TrainingSettings& s) { return s.target_label; },
      [](TrainingSettings& s, const std::string& text) -> Result<void> {
        VGSALES_TRY(check_target_display_text("--target-label", text));
        s.target_label = text;
        return {};
      }));
  settings.back().when_absent = "";
  return settings;
}

std::vector<SettingDeclaration> declare_training_settings() {
  std::vector<SettingDeclaration> settings;
#define VGSALES_DECLARE_NUMERIC(type, field, flag, fallback, low, high, hparam, help)              \
  settings.push_back(numeric_setting<type>({#field, flag, hparam, help}, &TrainingSettings::field, \
                                           static_cast<type>(low), static_cast<type>(high)));
  VGSALES_TRAINING_SETTINGS(VGSALES_DECLARE_NUMERIC)
#undef VGSALES_DECLARE_NUMERIC
  settings.push_back(layers_setting());
  settings.push_back(validation_split_setting());
#define VGSALES_DECLARE_CHOICE(type, field, flag, fallback, hparam, help) \
  settings.push_back(choice_setting<type>({#field, flag, hparam, help}, &TrainingSettings::field));
  VGSALES_CHOICE_SETTINGS(VGSALES_DECLARE_CHOICE)
#undef VGSALES_DECLARE_CHOICE
  for (SettingDeclaration& setting : target_settings()) settings.push_back(std::move(setting));
  // Models saved before --mean-correction existed were corrected by smearing.
  for (SettingDeclaration& setting : settings) {
    if (setting.flag == "--mean-correction") setting.when_absent = choice_name(MeanCorrection::smearing);
    // Models saved before --background-rows existed have no background.csv.
    if (setting.flag == "--background-rows") setting.when_absent = "0";
  }
  return settings;
}

// A record's value as `info` prints it.
std::string value_text(const SettingValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, double>) return fmt::format("{:g}", v);
        else if constexpr (std::is_same_v<T, std::string>) return v;
        else return fmt::format("{}", v);
      },
      value);
}

}  // namespace

std::span<const ChoiceName<TargetTransformSetting>> choice_names(TargetTransformSetting) {
  // none and log1p as the pipeline's transform spells them, so model.json's two records of it agree.
  static const ChoiceName<TargetTransformSetting> names[] = {{TargetTransformSetting::automatic, "auto"},
                                                             {TargetTransformSetting::none,
                                                              target_transform_name(TargetTransform::none)},
                                                             {TargetTransformSetting::log1p,
                                                              target_transform_name(TargetTransform::log1p)}};
  return names;
}

std::span<const ChoiceName<InputScaling>> choice_names(InputScaling) {
  static const ChoiceName<InputScaling> names[] = {{InputScaling::standard, input_scaling_name(InputScaling::standard)},
                                                   {InputScaling::minmax, input_scaling_name(InputScaling::minmax)}};
  return names;
}

std::span<const ChoiceName<MedianSetting>> choice_names(MedianSetting) {
  static const ChoiceName<MedianSetting> names[] = {{MedianSetting::automatic, "auto"},
                                                    {MedianSetting::head, "head"},
                                                    {MedianSetting::offset, "offset"}};
  return names;
}

std::span<const ChoiceName<MeanCorrection>> choice_names(MeanCorrection) {
  static const ChoiceName<MeanCorrection> names[] = {{MeanCorrection::least_squares, "least-squares"},
                                                     {MeanCorrection::smearing, "smearing"}};
  return names;
}

TargetTransformSetting target_transform_setting(TargetTransform transform) {
  return transform == TargetTransform::log1p ? TargetTransformSetting::log1p : TargetTransformSetting::none;
}

const std::vector<SettingDeclaration>& training_setting_declarations() {
  static const std::vector<SettingDeclaration> settings = declare_training_settings();
  return settings;
}

Result<void> validate_settings(const TrainingSettings& settings) {
#define VGSALES_CHECK_SETTING(type, field, flag, fallback, low, high, hparam, help)             \
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
  return {};
}

void write_settings_json(JsonWriter& w, const TrainingSettings& settings) {
  for (const SettingDeclaration& setting : training_setting_declarations()) {
    if (!setting.in_training_section) continue;
    w.Key(setting.key.c_str());
    std::visit(
        [&w](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, double>) w.Double(v);
          else if constexpr (std::is_same_v<T, std::string>) write_json_string(w, v);
          else w.Int64(v);
        },
        setting.value(settings));
  }
}

Result<void> read_settings_json(const rapidjson::Value& object, const JsonFieldReader& r, const std::string& path,
                                TrainingSettings& settings) {
  for (const SettingDeclaration& setting : training_setting_declarations()) {
    if (!setting.in_training_section) continue;
    if (setting.when_absent && !object.HasMember(setting.key.c_str())) {
      VGSALES_TRY(setting.parse(settings, *setting.when_absent));
      continue;
    }
    VGSALES_TRY(setting.read_json(settings, object, r, path));
  }
  // The same rules as the flags, but a file's error names the file and the section, not a flag nobody gave.
  if (Result<void> valid = validate_settings(settings); !valid.ok()) return r.invalid(path, valid.error().message);
  return {};
}

std::vector<std::pair<std::string, HyperparameterValue>> hyperparameters_of(const TrainingSettings& settings) {
  std::vector<std::pair<std::string, HyperparameterValue>> hyperparameters;
  for (const SettingDeclaration& setting : training_setting_declarations()) {
    if (setting.hparam.empty()) continue;
    const SettingValue value = setting.value(settings);
    if (const auto* word = std::get_if<std::string>(&value)) hyperparameters.emplace_back(setting.hparam, *word);
    else if (const auto* whole = std::get_if<std::int64_t>(&value))
      hyperparameters.emplace_back(setting.hparam, static_cast<double>(*whole));
    else hyperparameters.emplace_back(setting.hparam, std::get<double>(value));
  }
  return hyperparameters;
}

TargetUnits target_units_of(const std::string& target, const TrainingSettings& settings) {
  return TargetUnits{target, settings.target_label, resolve_target_units(target, settings.target_units)};
}

std::string describe_settings(const TrainingSettings& settings) {
  std::string text;
  for (const SettingDeclaration& setting : training_setting_declarations())
    text += (text.empty() ? "" : " ") + setting.key + "=" + value_text(setting.value(settings));
  return text;
}

}  // namespace vgsales
