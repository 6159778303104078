// Fitting the feature pipeline on training rows, and the one encoder every raw row goes through.
#include "data/feature_pipeline.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>
#include <unordered_set>

#include <fmt/format.h>

#include "common/closest_name.h"
#include "common/statistics.h"
#include "data/csv_reader.h"

namespace vgsales {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

Error column_error(const Table& table, const std::string& column, const std::string& what) {
  return make_error(ErrorKind::invalid_data, table.source + ": column '" + column + "': " + what);
}

std::string header_names(const Table& table) {
  std::vector<std::string> names;
  for (const auto& column : table.columns) names.push_back(column.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

std::vector<std::string> column_names(const Table& table) {
  std::vector<std::string> names;
  for (const auto& column : table.columns) names.push_back(column.name);
  return names;
}

// "no column 'x' in the header (did you mean 'X'?; the header has: a, b, c)"
Error absent_column_error(const Table& table, const std::string& what, const std::string& name) {
  const std::vector<std::string> names = column_names(table);
  return make_error(ErrorKind::invalid_data,
                    fmt::format("{}: no {} '{}' in the header{}; the header has: {}", table.source, what, name,
                                did_you_mean(name, names), header_names(table)));
}

long long distinct_present(const Column& column) {
  if (column.text_codes.empty()) {
    std::unordered_set<float> values;
    for (float v : column.numbers)
      if (!std::isnan(v)) values.insert(v);
    return static_cast<long long>(values.size());
  }
  std::vector<bool> used(column.dictionary.size(), false);
  long long count = 0;
  for (auto code : column.text_codes)
    if (code >= 0 && !used[code]) used[code] = true, ++count;
  return count;
}

// Fills in range, imputation and vocabulary of `spec` from the training column.
Result<void> fit_feature(const Table& table, const Column& column, FeatureSpec& spec,
                         const PipelineFitOptions& options) {
  const long long present = static_cast<long long>(table.row_count()) - column.missing_cells;
  if (present == 0)
    return column_error(table, column.name, "every cell is missing; drop it with --drop " + column.name);
  if (spec.type == ColumnType::categorical) {
    // Counted by each cell's exact text, so "007", "7" and "7.0" are three categories, as written.
    std::unordered_map<std::string, long long> counts;
    for (size_t row = 0; row < table.row_count(); ++row)
      if (!column.is_missing(row)) ++counts[column.text_at(row)];
    if (counts.size() < 2)
      return column_error(table, column.name,
                          "has a single value ('" + counts.begin()->first +
                              "'), which carries no information; drop it with --drop " + column.name);
    std::vector<std::pair<std::string, long long>> ordered(counts.begin(), counts.end());
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    spec.distinct_values = static_cast<long long>(ordered.size());
    spec.categories.clear();
    spec.rare_categories.clear();
    // A value seen in fewer rows than min_category_rows would get an input the network can barely learn (the
    // baselines' min_frequency); past max_categories the first layer would grow without bound.
    for (size_t i = 0; i < ordered.size(); ++i) {
      const bool own_input = i < options.max_categories &&
                             static_cast<unsigned long long>(ordered[i].second) >= options.min_category_rows;
      (own_input ? spec.categories : spec.rare_categories).push_back(ordered[i].first);
    }
    spec.missing_indicator = false;
    return {};
  }
  if (column.has_text()) return non_numeric_cell_error(table, column);
  double sum = 0, low = INFINITY, high = -INFINITY;
  for (float v : column.numbers) {
    if (std::isnan(v)) continue;
    sum += v;
    low = std::min(low, static_cast<double>(v));
    high = std::max(high, static_cast<double>(v));
  }
  spec.min = low;
  spec.max = high;
  spec.fill_value = sum / static_cast<double>(present);
  spec.missing_indicator = column.missing_cells > 0;
  spec.categories.clear();
  spec.rare_categories.clear();
  return {};
}

bool only_zero_and_one(const Column& column) {
  for (float v : column.numbers)
    if (!std::isnan(v) && v != 0.0f && v != 1.0f) return false;
  return true;
}

// Writes one numeric feature's inputs: the value (or the training mean when missing) and the missing indicator.
void write_numeric(const FeatureSpec& spec, float value, float* out) {
  const bool is_missing = std::isnan(value);
  out[0] = is_missing ? static_cast<float>(spec.fill_value) : value;
  if (spec.missing_indicator) out[1] = is_missing ? 1.0f : 0.0f;
}

std::string quoted_value(std::string_view text) {
  std::string shown(text.substr(0, 64));
  if (text.size() > 64) shown += "...";
  return "'" + shown + "'";
}

}  // namespace

const char* column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::numeric: return "numeric";
    case ColumnType::boolean: return "boolean";
    case ColumnType::categorical: return "categorical";
    case ColumnType::identifier: return "identifier";
  }
  return "numeric";
}

Result<ColumnType> parse_column_type(const std::string& name) {
  for (ColumnType type : {ColumnType::numeric, ColumnType::boolean, ColumnType::categorical, ColumnType::identifier})
    if (name == column_type_name(type)) return type;
  return make_error(ErrorKind::invalid_data,
                    "unknown column type '" + name + "' (expected numeric, boolean, categorical or identifier)");
}

const char* target_transform_name(TargetTransform transform) {
  return transform == TargetTransform::log1p ? "log1p" : "none";
}

Error non_numeric_cell_error(const Table& table, const Column& column) {
  std::string message = table.source + ":" + std::to_string(column.first_text_line) + ": column '" + column.name +
                        "': value '" + column.first_text_value + "' is not a number";
  if (column.text_cells > 1)
    message += fmt::format(" ({} more non-numeric cells in this column)", column.text_cells - 1);
  return make_error(ErrorKind::invalid_data, message);
}

size_t FeatureSpec::encoded_width() const {
  if (type == ColumnType::categorical) return categories.size() + 2;
  return missing_indicator ? 2 : 1;
}

std::vector<std::string> FeatureSpec::encoded_names() const {
  std::vector<std::string> names;
  if (type == ColumnType::categorical) {
    for (const auto& category : categories) names.push_back(name + "=" + category);
    names.push_back(name + "=" + kOtherCategory);
    names.push_back(name + "=" + kMissingCategory);
  } else {
    names.push_back(name);
    if (missing_indicator) names.push_back(name + "_missing");
  }
  return names;
}

FeaturePipeline::FeaturePipeline(std::vector<FeatureSpec> features, std::string target, MissingValueSet missing_values)
    : features_(std::move(features)), target_(std::move(target)), missing_values_(std::move(missing_values)) {
  index_features();
}

void FeaturePipeline::index_features() {
  encoded_width_ = 0;
  encoded_offsets_.clear();
  category_slots_.clear();
  for (const auto& spec : features_) {
    encoded_offsets_.push_back(encoded_width_);
    encoded_width_ += spec.encoded_width();
    std::unordered_map<std::string, size_t> slots;
    for (size_t i = 0; i < spec.categories.size(); ++i) slots.emplace(spec.categories[i], i);
    for (const auto& rare : spec.rare_categories) slots.emplace(rare, spec.other_slot());
    category_slots_.push_back(std::move(slots));
  }
}

std::vector<std::string> FeaturePipeline::encoded_names() const {
  std::vector<std::string> names;
  for (const auto& feature : features_)
    for (auto& name : feature.encoded_names()) names.push_back(std::move(name));
  return names;
}

bool FeaturePipeline::all_numeric() const {
  for (const auto& feature : features_)
    if (feature.type == ColumnType::categorical) return false;
  return true;
}

size_t FeaturePipeline::category_slot(size_t feature, std::string_view text, bool& unseen) const {
  const FeatureSpec& spec = features_[feature];
  unseen = false;
  if (missing_values_.contains(text)) return spec.missing_slot();
  // Heterogeneous lookup is C++20 but needs a transparent hash; a short key stays in the string's own buffer.
  const auto found = category_slots_[feature].find(std::string(text));
  if (found != category_slots_[feature].end()) return found->second;
  unseen = true;
  return spec.other_slot();
}

Result<ColumnBinding> FeaturePipeline::bind_columns(std::span<const std::string> names) const {
  ColumnBinding binding;
  std::unordered_map<std::string_view, size_t> position;
  for (size_t i = 0; i < names.size(); ++i) position.emplace(names[i], i);
  std::vector<std::string> absent;
  for (const auto& spec : features_) {
    const auto found = position.find(spec.name);
    if (found == position.end()) {
      absent.push_back("'" + spec.name + "'" + did_you_mean(spec.name, names));
      continue;
    }
    binding.source_of_feature.push_back(found->second);
  }
  if (!absent.empty())
    return make_error(ErrorKind::invalid_data,
                      fmt::format("missing feature column(s) {} that the model needs; the columns given are: {}",
                                  fmt::join(absent, ", "), fmt::join(names, ", ")));
  std::unordered_set<std::string_view> used;
  for (const auto& spec : features_) used.insert(spec.name);
  for (const auto& name : names)
    if (!used.count(name) && name != target_) binding.ignored.push_back(name);
  return binding;
}

Result<void> FeaturePipeline::encode_row(std::span<const RawCell> cells, std::span<float> out,
                                         long long& unseen_categories) const {
  if (cells.size() != features_.size())
    return make_error(ErrorKind::invalid_data,
                      fmt::format("expected {} feature values, got {}", features_.size(), cells.size()));
  std::fill(out.begin(), out.end(), 0.0f);
  for (size_t f = 0; f < features_.size(); ++f) {
    const FeatureSpec& spec = features_[f];
    const RawCell& cell = cells[f];
    float* slot = out.data() + encoded_offsets_[f];
    if (spec.type == ColumnType::categorical) {
      size_t position = spec.missing_slot();
      bool unseen = false;
      if (cell.kind == RawCell::Kind::text) {
        position = category_slot(f, trim_blanks(cell.text), unseen);
      } else if (cell.kind == RawCell::Kind::number) {
        // A number for a category (a year, a code): the category is the text it was written with.
        char buffer[32];
        std::string_view written = cell.text;
        if (written.empty())
          written = std::string_view(buffer, std::to_chars(buffer, buffer + sizeof buffer, cell.number).ptr);
        position = category_slot(f, written, unseen);
      }
      unseen_categories += unseen ? 1 : 0;
      slot[position] = 1.0f;
      continue;
    }
    double value = NAN;
    if (cell.kind == RawCell::Kind::number) {
      value = cell.number;
    } else if (cell.kind == RawCell::Kind::text) {
      const std::string_view text = trim_blanks(cell.text);
      switch (parse_cell(text, missing_values_, value)) {
        case CellKind::number: break;
        case CellKind::missing: value = NAN; break;
        case CellKind::text:
          return make_error(ErrorKind::invalid_data,
                            "column '" + spec.name + "': value " + quoted_value(text) + " is not a number");
        case CellKind::non_finite:
          return make_error(ErrorKind::invalid_data,
                            "column '" + spec.name + "': value " + quoted_value(text) + " is not a finite number");
      }
    }
    if (cell.kind == RawCell::Kind::number && !std::isfinite(value))
      return make_error(ErrorKind::invalid_data, "column '" + spec.name + "': value is not a finite number");
    write_numeric(spec, static_cast<float>(value), slot);
  }
  return {};
}

Result<EncodedRows> FeaturePipeline::encode_table(const Table& table) const {
  EncodedRows encoded;
  encoded.rows = table.row_count();
  encoded.width = encoded_width_;
  encoded.values.assign(encoded.rows * encoded.width, 0.0f);
  for (size_t f = 0; f < features_.size(); ++f) {
    const FeatureSpec& spec = features_[f];
    const auto index = table.find(spec.name);
    if (!index) return absent_column_error(table, "feature column", spec.name);
    const Column& column = table.columns[*index];
    float* out = encoded.values.data() + encoded_offsets_[f];
    if (spec.type == ColumnType::categorical) {
      // The same lookup as encode_row, made once per distinct text rather than once per row.
      std::vector<size_t> slot_of_code(column.dictionary.size());
      std::vector<bool> unseen_code(column.dictionary.size());
      for (size_t code = 0; code < column.dictionary.size(); ++code) {
        bool unseen = false;
        slot_of_code[code] = category_slot(f, column.dictionary[code], unseen);
        unseen_code[code] = unseen;
      }
      for (size_t row = 0; row < encoded.rows; ++row) {
        size_t position = spec.missing_slot();
        if (!column.is_missing(row)) {
          if (!column.text_codes.empty()) {
            const auto code = static_cast<size_t>(column.text_codes[row]);
            position = slot_of_code[code];
            encoded.unseen_categories += unseen_code[code] ? 1 : 0;
          } else {
            // A column read without text (all numbers): only a table loaded without the model's text columns.
            bool unseen = false;
            position = category_slot(f, column.text_at(row), unseen);
            encoded.unseen_categories += unseen ? 1 : 0;
          }
        }
        out[row * encoded.width + position] = 1.0f;
      }
    } else {
      if (column.has_text()) return non_numeric_cell_error(table, column);
      for (size_t row = 0; row < encoded.rows; ++row)
        write_numeric(spec, column.numbers[row], out + row * encoded.width);
    }
  }
  return encoded;
}

float FeaturePipeline::scale_target(float y) const {
  if (target_transform_ == TargetTransform::log1p) y = std::log1p(y);
  return (y - scaling_.target_offset) / scaling_.target_scale;
}

float FeaturePipeline::unscale_target(float scaled) const {
  const float y = scaled * scaling_.target_scale + scaling_.target_offset;
  return target_transform_ == TargetTransform::log1p ? std::expm1(y) : y;
}

namespace {

using DroppedColumns = std::vector<std::pair<std::string, std::string>>;

// The features fitted and the columns left out, with the reason.
struct FittedFeatures {
  std::vector<FeatureSpec> features;
  DroppedColumns dropped;
};

// A column's type as inferred: ColumnType::identifier (with the reason) when it is left out.
struct ColumnTypeDecision {
  ColumnType type = ColumnType::numeric;
  std::string dropped_because;
};

// One rule of column-type inference; `present` counts the column's non-missing cells.
using ColumnTypeRule = std::optional<ColumnTypeDecision> (*)(const Column& column, long long present,
                                                             const PipelineFitOptions& options);

std::optional<ColumnTypeDecision> forced_categorical(const Column& column, long long,
                                                     const PipelineFitOptions& options) {
  if (!contains(options.categorical, column.name)) return std::nullopt;
  return ColumnTypeDecision{ColumnType::categorical, {}};
}

std::optional<ColumnTypeDecision> forced_numeric(const Column& column, long long, const PipelineFitOptions& options) {
  if (!contains(options.numeric, column.name)) return std::nullopt;
  return ColumnTypeDecision{ColumnType::numeric, {}};
}

// Mostly text: a category, unless nearly every value is different (names, ids).
std::optional<ColumnTypeDecision> mostly_text(const Column& column, long long present, const PipelineFitOptions&) {
  if (!(present > 0 && column.text_cells * 2 >= present)) return std::nullopt;
  const long long distinct = distinct_present(column);
  if (present >= 20 && distinct * 2 > present)
    return ColumnTypeDecision{ColumnType::identifier,
                              fmt::format("identifier-like text ({} distinct values in {} rows)", distinct, present)};
  return ColumnTypeDecision{ColumnType::categorical, {}};
}

// Mostly numbers: numeric. Stray text cells are errors (fit_feature names the first).
std::optional<ColumnTypeDecision> mostly_numbers(const Column& column, long long present, const PipelineFitOptions&) {
  return ColumnTypeDecision{only_zero_and_one(column) && present > 0 ? ColumnType::boolean : ColumnType::numeric, {}};
}

// The first rule that decides wins: --categorical, --numeric, then what the cells hold.
constexpr ColumnTypeRule kColumnTypeRules[] = {forced_categorical, forced_numeric, mostly_text, mostly_numbers};

ColumnTypeDecision infer_column_type(const Column& column, long long present, const PipelineFitOptions& options) {
  for (const ColumnTypeRule rule : kColumnTypeRules)
    if (auto decision = rule(column, present, options)) return *std::move(decision);
  return {};
}

// The target and every column the options name must be in the header.
Result<void> check_named_columns(const Table& training, const PipelineFitOptions& options) {
  if (!training.find(options.target)) return absent_column_error(training, "target column", options.target);
  for (const auto& list : {options.features, options.drop, options.categorical, options.numeric})
    for (const auto& name : list)
      if (!training.find(name)) return absent_column_error(training, "column", name);
  return {};
}

// --schema: the types given, identifier columns left out.
Result<FittedFeatures> fit_schema_features(const Table& training, const PipelineFitOptions& options) {
  FittedFeatures fitted;
  for (const auto& [name, type] : options.schema_types) {
    const auto index = training.find(name);
    if (!index)
      return make_error(ErrorKind::invalid_data,
                        training.source + ": the schema names column '" + name + "', which the file lacks");
    if (type == ColumnType::identifier) continue;
    FeatureSpec spec;
    spec.name = name;
    spec.type = type;
    VGSALES_TRY(fit_feature(training, training.columns[*index], spec, options));
    fitted.features.push_back(std::move(spec));
  }
  return fitted;
}

// The columns to infer types for: --features as listed, else every column but the target and the --drop ones.
Result<std::vector<size_t>> candidate_columns(const Table& training, const PipelineFitOptions& options,
                                              DroppedColumns& dropped) {
  std::vector<size_t> chosen;
  if (!options.features.empty()) {
    for (const auto& name : options.features) {
      if (name == options.target)
        return make_error(ErrorKind::usage, "the target '" + name + "' cannot also be a feature");
      chosen.push_back(*training.find(name));
    }
    return chosen;
  }
  const size_t target_index = *training.find(options.target);
  for (size_t i = 0; i < training.columns.size(); ++i) {
    const std::string& name = training.columns[i].name;
    if (i == target_index) continue;
    if (contains(options.drop, name)) {
      dropped.emplace_back(name, "dropped by --drop");
      continue;
    }
    chosen.push_back(i);
  }
  return chosen;
}

Result<FittedFeatures> fit_inferred_features(const Table& training, const PipelineFitOptions& options) {
  FittedFeatures fitted;
  VGSALES_ASSIGN_OR_RETURN(const std::vector<size_t> chosen, candidate_columns(training, options, fitted.dropped));
  for (size_t index : chosen) {
    const Column& column = training.columns[index];
    const long long present = static_cast<long long>(training.row_count()) - column.missing_cells;
    ColumnTypeDecision decision = infer_column_type(column, present, options);
    if (decision.type == ColumnType::identifier) {
      fitted.dropped.emplace_back(column.name, std::move(decision.dropped_because));
      continue;
    }
    FeatureSpec spec;
    spec.name = column.name;
    spec.type = decision.type;
    VGSALES_TRY(fit_feature(training, column, spec, options));
    fitted.features.push_back(std::move(spec));
  }
  return fitted;
}

}  // namespace

Result<FeaturePipeline> fit_feature_encoding(const Table& training, const PipelineFitOptions& options) {
  VGSALES_TRY(check_named_columns(training, options));
  VGSALES_ASSIGN_OR_RETURN(FittedFeatures fitted, options.schema_types.empty()
                                                      ? fit_inferred_features(training, options)
                                                      : fit_schema_features(training, options));
  if (fitted.features.empty())
    return make_error(ErrorKind::invalid_data, training.source + ": no feature columns left to train on");
  FeaturePipeline pipeline(std::move(fitted.features), options.target, options.missing_values);
  pipeline.set_dropped(std::move(fitted.dropped));
  return pipeline;
}

TargetTransformChoice choose_target_transform(std::span<const float> targets) {
  TargetTransformChoice choice;
  choice.skewness = sample_skewness(targets);
  const bool non_negative = std::all_of(targets.begin(), targets.end(), [](float y) { return y >= 0; });
  choice.strongly_skewed = non_negative && choice.skewness > kLog1pMinimumSkewness;
  choice.transform = choice.strongly_skewed ? TargetTransform::log1p : TargetTransform::none;
  return choice;
}

const char* input_scaling_name(InputScaling scaling) {
  return scaling == InputScaling::standard ? "standard" : "minmax";
}

Result<void> fit_scaling(FeaturePipeline& pipeline, const EncodedRows& training, std::span<const float> targets,
                         InputScaling method) {
  const size_t width = training.width;
  PipelineScaling scaling;
  scaling.method = method;
  scaling.input_offset.assign(width, INFINITY);
  std::vector<float> high(width, -INFINITY);
  for (size_t r = 0; r < training.rows; ++r)
    for (size_t c = 0; c < width; ++c) {
      const float v = training.values[r * width + c];
      scaling.input_offset[c] = std::min(scaling.input_offset[c], v);
      high[c] = std::max(high[c], v);
    }
  scaling.input_scale.resize(width);
  // A constant column maps to 0 rather than dividing by zero.
  for (size_t c = 0; c < width; ++c)
    scaling.input_scale[c] = high[c] > scaling.input_offset[c] ? 1.0f / (high[c] - scaling.input_offset[c]) : 1.0f;
  if (method == InputScaling::standard) {
    // Only a numeric feature's value input moves to z-scores; 0/1 inputs stay 0/1, which min-max also gives them.
    std::vector<bool> standardised(width, false);
    for (size_t f = 0; f < pipeline.features().size(); ++f)
      if (pipeline.features()[f].type == ColumnType::numeric) standardised[pipeline.encoded_offset(f)] = true;
    for (size_t c = 0; c < width; ++c) {
      if (!standardised[c]) {
        scaling.input_offset[c] = 0.0f;
        scaling.input_scale[c] = 1.0f;
        continue;
      }
      double sum = 0, squares = 0;
      for (size_t r = 0; r < training.rows; ++r) sum += training.values[r * width + c];
      const double mean = training.rows ? sum / static_cast<double>(training.rows) : 0.0;
      for (size_t r = 0; r < training.rows; ++r) {
        const double d = training.values[r * width + c] - mean;
        squares += d * d;
      }
      const double sd = training.rows ? std::sqrt(squares / static_cast<double>(training.rows)) : 0.0;
      scaling.input_offset[c] = static_cast<float>(mean);
      scaling.input_scale[c] = sd > 0 ? static_cast<float>(1.0 / sd) : 1.0f;
    }
  }
  const bool log1p = pipeline.target_transform() == TargetTransform::log1p;
  float low = INFINITY, top = -INFINITY;
  for (float y : targets) {
    if (log1p && y <= -1.0f)
      return make_error(ErrorKind::invalid_data,
                        fmt::format("--target-transform log1p needs targets above -1; found {:g}", y));
    const float t = log1p ? std::log1p(y) : y;
    low = std::min(low, t);
    top = std::max(top, t);
  }
  scaling.target_offset = low;
  scaling.target_scale = top > low ? top - low : 1.0f;
  pipeline.set_scaling(std::move(scaling));
  return {};
}

Result<std::vector<float>> read_target(const Table& table, const std::string& target) {
  const auto index = table.find(target);
  if (!index) return absent_column_error(table, "target column", target);
  const Column& column = table.columns[*index];
  const long long present = static_cast<long long>(table.row_count()) - column.missing_cells;
  if (present == 0) return column_error(table, target, "the target is missing in every row");
  if (column.text_cells * 2 >= present)
    return column_error(table, target,
                        "the target holds text (e.g. '" + column.first_text_value + "' at line " +
                            std::to_string(column.first_text_line) + "); it must be numeric");
  if (column.has_text()) return non_numeric_cell_error(table, column);
  for (size_t row = 0; row < table.row_count(); ++row)
    if (std::isnan(column.numbers[row]))
      return make_error(ErrorKind::invalid_data, table.source + ":" + std::to_string(table.lines[row]) + ": column '" +
                                                     target + "': the target is missing");
  return column.numbers;
}

std::vector<size_t> rows_with_target(const Table& table, size_t target_column) {
  std::vector<size_t> rows;
  rows.reserve(table.row_count());
  const Column& column = table.columns[target_column];
  for (size_t row = 0; row < table.row_count(); ++row)
    if (!column.is_missing(row)) rows.push_back(row);
  return rows;
}

std::string describe_features(const FeaturePipeline& pipeline) {
  std::ostringstream out;
  out << "| column | type | training values | inputs |\n|---|---|---|---|\n";
  for (const auto& spec : pipeline.features()) {
    std::string values;
    if (spec.type == ColumnType::categorical) {
      values = fmt::format("{} distinct, top: ", spec.distinct_values);
      for (size_t i = 0; i < spec.categories.size() && i < 3; ++i) values += (i ? ", " : "") + spec.categories[i];
      if (spec.categories.size() < static_cast<size_t>(spec.distinct_values))
        values += fmt::format(" (kept {}, rest as other)", spec.categories.size());
    } else {
      values = fmt::format("{:g} to {:g}", spec.min, spec.max);
      if (spec.missing_indicator) values += fmt::format(", missing imputed as {:g}", spec.fill_value);
    }
    out << "| " << spec.name << " | " << column_type_name(spec.type) << " | " << values << " | " << spec.encoded_width()
        << " |\n";
  }
  for (const auto& [name, why] : pipeline.dropped()) out << "| " << name << " | dropped | " << why << " | 0 |\n";
  out << "| " << pipeline.target() << " | target | | |\n";
  return out.str();
}

}  // namespace vgsales
