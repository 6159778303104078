// Type inference, vocabulary and imputation fitting, and the encoding they define.
#include "data/dataset_schema.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

namespace vgsales {

namespace {

constexpr const char* kOtherCategory = "other";
constexpr const char* kMissingCategory = "missing";

bool contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

Error column_error(const Table& table, const std::string& column, const std::string& what) {
  return make_error(ErrorKind::invalid_data, table.source + ": column '" + column + "': " + what);
}

}  // namespace

Error non_numeric_cell_error(const Table& table, const Column& column) {
  std::string message = table.source + ":" + std::to_string(column.first_text_line) + ": column '" + column.name +
                        "': value '" + column.first_text_value + "' is not a number";
  if (column.text_cells > 1) message += fmt::format(" ({} more non-numeric cells in this column)", column.text_cells - 1);
  return make_error(ErrorKind::invalid_data, message);
}

namespace {

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
Result<void> fit_feature(const Table& table, const Column& column, FeatureSpec& spec, size_t max_categories) {
  const long long present = static_cast<long long>(table.row_count()) - column.missing_cells;
  if (present == 0)
    return column_error(table, column.name, "every cell is missing; drop it with --drop " + column.name);
  if (spec.type == ColumnType::categorical) {
    // Count by the cell's text so numeric-looking categories ("2600") count like any other.
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
    for (size_t i = 0; i < ordered.size(); ++i)
      (i < max_categories ? spec.categories : spec.rare_categories).push_back(ordered[i].first);
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
  return make_error(ErrorKind::invalid_data, "unknown column type '" + name +
                                                  "' (expected numeric, boolean, categorical or identifier)");
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

size_t DatasetSchema::encoded_width() const {
  size_t width = 0;
  for (const auto& feature : features) width += feature.encoded_width();
  return width;
}

std::vector<std::string> DatasetSchema::encoded_names() const {
  std::vector<std::string> names;
  for (const auto& feature : features)
    for (auto& name : feature.encoded_names()) names.push_back(std::move(name));
  return names;
}

bool DatasetSchema::all_numeric() const {
  for (const auto& feature : features)
    if (feature.type == ColumnType::categorical) return false;
  return true;
}

Result<DatasetSchema> infer_schema(const Table& training, const SchemaOptions& options) {
  DatasetSchema schema;
  schema.target = options.target;
  const auto target_index = training.find(options.target);
  if (!target_index)
    return make_error(ErrorKind::invalid_data,
                      training.source + ": no target column '" + options.target + "' in the header");
  for (const auto& list : {options.features, options.drop, options.categorical, options.numeric})
    for (const auto& name : list)
      if (!training.find(name))
        return make_error(ErrorKind::invalid_data, training.source + ": no column '" + name + "' in the header");

  std::vector<size_t> chosen;
  if (!options.features.empty()) {
    for (const auto& name : options.features) {
      if (name == options.target)
        return make_error(ErrorKind::usage, "the target '" + name + "' cannot also be a feature");
      chosen.push_back(*training.find(name));
    }
  } else {
    for (size_t i = 0; i < training.columns.size(); ++i) {
      const std::string& name = training.columns[i].name;
      if (i == *target_index) continue;
      if (contains(options.drop, name)) {
        schema.dropped.emplace_back(name, "dropped by --drop");
        continue;
      }
      chosen.push_back(i);
    }
  }

  for (size_t index : chosen) {
    const Column& column = training.columns[index];
    FeatureSpec spec;
    spec.name = column.name;
    const long long present = static_cast<long long>(training.row_count()) - column.missing_cells;
    if (contains(options.categorical, column.name)) {
      spec.type = ColumnType::categorical;
    } else if (contains(options.numeric, column.name)) {
      spec.type = ColumnType::numeric;
    } else if (present > 0 && column.text_cells * 2 >= present) {
      // Mostly text: a category, unless nearly every value is different (names, ids).
      const long long distinct = distinct_present(column);
      if (present >= 20 && distinct * 2 > present) {
        schema.dropped.emplace_back(column.name,
                                    fmt::format("identifier-like text ({} distinct values in {} rows)", distinct, present));
        continue;
      }
      spec.type = ColumnType::categorical;
    } else {
      // Mostly numbers: numeric. Stray text cells are errors (fit_feature names the first).
      spec.type = only_zero_and_one(column) && present > 0 ? ColumnType::boolean : ColumnType::numeric;
    }
    VGSALES_TRY(fit_feature(training, column, spec, options.max_categories));
    schema.features.push_back(std::move(spec));
  }
  if (schema.features.empty())
    return make_error(ErrorKind::invalid_data, training.source + ": no feature columns left to train on");
  return schema;
}

Result<DatasetSchema> fit_schema(const Table& training, const DatasetSchema& types, size_t max_categories) {
  DatasetSchema schema = types;
  if (!training.find(schema.target))
    return make_error(ErrorKind::invalid_data,
                      training.source + ": no target column '" + schema.target + "' in the header");
  for (auto& spec : schema.features) {
    const auto index = training.find(spec.name);
    if (!index)
      return make_error(ErrorKind::invalid_data,
                        training.source + ": the schema names column '" + spec.name + "', which the file lacks");
    if (spec.type == ColumnType::identifier)
      return column_error(training, spec.name, "an identifier column cannot be a feature");
    VGSALES_TRY(fit_feature(training, training.columns[*index], spec, max_categories));
  }
  return schema;
}

std::unordered_map<std::string, size_t> category_slots(const FeatureSpec& spec) {
  std::unordered_map<std::string, size_t> slots;
  for (size_t i = 0; i < spec.categories.size(); ++i) slots.emplace(spec.categories[i], i);
  for (const auto& rare : spec.rare_categories) slots.emplace(rare, spec.categories.size());
  return slots;
}

Result<EncodedFeatures> encode_features(const Table& table, const DatasetSchema& schema) {
  EncodedFeatures encoded;
  encoded.rows = table.row_count();
  encoded.width = schema.encoded_width();
  encoded.values.assign(encoded.rows * encoded.width, 0.0f);
  size_t offset = 0;
  for (const auto& spec : schema.features) {
    const auto index = table.find(spec.name);
    if (!index) return make_error(ErrorKind::invalid_data, table.source + ": missing column '" + spec.name + "'");
    const Column& column = table.columns[*index];
    float* out = encoded.values.data() + offset;
    if (spec.type == ColumnType::categorical) {
      const std::unordered_map<std::string, size_t> slot = category_slots(spec);
      const size_t other = spec.categories.size(), missing = other + 1;
      constexpr size_t kUnseen = SIZE_MAX;
      // Codes map to slots once per dictionary entry, not once per row.
      std::vector<size_t> slot_of_code(column.dictionary.size());
      for (size_t code = 0; code < column.dictionary.size(); ++code) {
        auto found = slot.find(column.dictionary[code]);
        slot_of_code[code] = found == slot.end() ? kUnseen : found->second;
      }
      for (size_t row = 0; row < encoded.rows; ++row) {
        size_t position;
        if (column.is_missing(row)) position = missing;
        else if (!column.text_codes.empty()) position = slot_of_code[column.text_codes[row]];
        else {
          auto found = slot.find(column.text_at(row));
          position = found == slot.end() ? kUnseen : found->second;
        }
        if (position == kUnseen) {
          ++encoded.unseen_categories;
          position = other;
        }
        out[row * encoded.width + position] = 1.0f;
      }
    } else {
      if (column.has_text()) return non_numeric_cell_error(table, column);
      for (size_t row = 0; row < encoded.rows; ++row) {
        const float value = column.numbers[row];
        const bool is_missing = std::isnan(value);
        out[row * encoded.width] = is_missing ? static_cast<float>(spec.fill_value) : value;
        if (spec.missing_indicator) out[row * encoded.width + 1] = is_missing ? 1.0f : 0.0f;
      }
    }
    offset += spec.encoded_width();
  }
  return encoded;
}

Result<std::vector<float>> read_target(const Table& table, const std::string& target) {
  const auto index = table.find(target);
  if (!index)
    return make_error(ErrorKind::invalid_data, table.source + ": no target column '" + target + "' in the header");
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
      return make_error(ErrorKind::invalid_data, table.source + ":" + std::to_string(table.lines[row]) +
                                                     ": column '" + target + "': the target is missing");
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

std::string describe_schema(const DatasetSchema& schema) {
  std::ostringstream out;
  out << "| column | type | training values | inputs |\n|---|---|---|---|\n";
  for (const auto& spec : schema.features) {
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
    out << "| " << spec.name << " | " << column_type_name(spec.type) << " | " << values << " | "
        << spec.encoded_width() << " |\n";
  }
  for (const auto& [name, why] : schema.dropped) out << "| " << name << " | dropped | " << why << " | 0 |\n";
  out << "| " << schema.target << " | target | | |\n";
  return out.str();
}

}  // namespace vgsales
