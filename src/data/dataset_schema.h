// Which columns feed the model, of which type, and how each is encoded into the network's inputs.
// Fitted on training rows only; persisted in model.json so prediction encodes exactly the same way.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "data/table.h"

namespace vgsales {

enum class ColumnType { numeric, boolean, categorical, identifier };
const char* column_type_name(ColumnType type);
Result<ColumnType> parse_column_type(const std::string& name);

// Encoded layout of one feature:
//   numeric / boolean: [value (missing -> fill_value)] + [1 if missing] when missing_indicator
//   categorical:       one-hot over [categories..., "other", "missing"]
struct FeatureSpec {
  std::string name;
  ColumnType type = ColumnType::numeric;
  double min = 0;  // range seen in training (numeric / boolean)
  double max = 0;
  double fill_value = 0;  // training mean, imputed for missing cells
  bool missing_indicator = false;  // training data had missing cells in this column
  std::vector<std::string> categories;       // most frequent first, capped
  std::vector<std::string> rare_categories;  // the rest of training's values: they share "other" but are not unseen
  long long distinct_values = 0;             // distinct values seen in training (categorical)

  size_t encoded_width() const;
  std::vector<std::string> encoded_names() const;
};

// Input slot of each category value known from training: its own slot, or "other" for a rare one. A value
// absent from the map is unseen in training (it goes to "other" too, and is counted).
std::unordered_map<std::string, size_t> category_slots(const FeatureSpec& spec);

struct DatasetSchema {
  std::vector<FeatureSpec> features;  // in input order
  std::string target;
  std::vector<std::pair<std::string, std::string>> dropped;  // column, why

  size_t encoded_width() const;
  std::vector<std::string> encoded_names() const;
  bool all_numeric() const;
};

struct SchemaOptions {
  std::string target;
  std::vector<std::string> features;     // explicit list; empty = every column but the target
  std::vector<std::string> drop;
  std::vector<std::string> categorical;  // force categorical
  std::vector<std::string> numeric;      // force numeric
  size_t max_categories = 50;            // vocabulary cap; the rest share "other"
};

// Infers column types and fits encoders on `training`. Errors name the column (and line).
Result<DatasetSchema> infer_schema(const Table& training, const SchemaOptions& options);

// Refits the encoders of a given schema (types fixed, e.g. from --schema) on `training`.
Result<DatasetSchema> fit_schema(const Table& training, const DatasetSchema& types, size_t max_categories);

struct EncodedFeatures {
  std::vector<float> values;  // row-major [rows][width]
  size_t rows = 0;
  size_t width = 0;
  long long unseen_categories = 0;  // categorical cells with a value unseen in training (encoded as "other")
};

// Encodes the schema's features of `table` (columns found by name, any order, extra ones ignored).
Result<EncodedFeatures> encode_features(const Table& table, const DatasetSchema& schema);

// The target column as numbers; errors if it is absent, text, or has missing cells.
Result<std::vector<float>> read_target(const Table& table, const std::string& target);

// Rows whose target cell is present (rows with a missing target are skipped by training).
std::vector<size_t> rows_with_target(const Table& table, size_t target_column);

// The error for a numeric column holding text: file, line and value of its first text cell, and how many more.
Error non_numeric_cell_error(const Table& table, const Column& column);

// A Markdown table of the schema (name, type, range or categories), as `train` prints it.
std::string describe_schema(const DatasetSchema& schema);

}  // namespace vgsales
