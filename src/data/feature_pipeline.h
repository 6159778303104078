// The one contract from a raw row to the network's inputs. Fitted once on the training rows, saved in model.json,
// and the only code that turns raw cells (a CSV table or record, --row, REST instances) into model inputs: training,
// evaluate, predict, the server and every export use it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "data/cell_parsing.h"
#include "data/table.h"
#include "data/target_range.h"

namespace vgsales {

enum class ColumnType { numeric, boolean, categorical, identifier };
const char* column_type_name(ColumnType type);
Result<ColumnType> parse_column_type(const std::string& name);

enum class TargetTransform { none, log1p };
const char* target_transform_name(TargetTransform transform);

// The two extra slots every categorical feature has after its vocabulary.
inline constexpr const char* kOtherCategory = "other";
inline constexpr const char* kMissingCategory = "missing";

// One feature's encoding:
//   numeric / boolean: [value (missing -> fill_value)] + [1 if missing] when missing_indicator
//   categorical:       one-hot over [categories..., "other", "missing"]
struct FeatureSpec {
  std::string name;
  ColumnType type = ColumnType::numeric;
  double min = 0;  // range seen in training (numeric / boolean)
  double max = 0;
  double fill_value = 0;                     // training mean, imputed for missing cells
  bool missing_indicator = false;            // training data had missing cells in this column
  std::vector<std::string> categories;       // exact cell texts, most frequent first, capped
  std::vector<std::string> rare_categories;  // the rest of training's values: they share "other" but are not unseen
  long long distinct_values = 0;             // distinct values seen in training (categorical)

  size_t encoded_width() const;
  std::vector<std::string> encoded_names() const;
  size_t other_slot() const { return categories.size(); }
  size_t missing_slot() const { return categories.size() + 1; }
};

// One raw cell as a client gave it. Text is trimmed and read by the feature's type: a number for a numeric
// feature (or one of the missing-value spellings), the category itself for a categorical one. A number given as a
// number (a JSON number) keeps the text it was written with, so "1.10" stays the category "1.10".
struct RawCell {
  enum class Kind : std::uint8_t { missing, number, text };
  Kind kind = Kind::missing;
  double number = 0;
  std::string_view text;  // text: the cell; number: how it was written (may be empty)

  static RawCell missing_value() { return {}; }
  static RawCell of_number(double value, std::string_view written = {}) { return {Kind::number, value, written}; }
  static RawCell of_text(std::string_view text) { return {Kind::text, 0, text}; }
};

// The input scaling of the encoded inputs, x' = (x - offset) * scale, and of the target,
// t' = (transform(y) - target_offset) / target_scale; the network works in the primed units.
enum class InputScaling { standard, minmax };
const char* input_scaling_name(InputScaling scaling);

struct PipelineScaling {
  std::vector<float> input_offset;
  std::vector<float> input_scale;
  float target_offset = 0;
  float target_scale = 1;
  InputScaling method = InputScaling::minmax;  // how the inputs' offset and scale were fitted (recorded in model.json)
};

// Which source column feeds each feature, for a header or a JSON object's keys.
struct ColumnBinding {
  std::vector<size_t> source_of_feature;  // per feature, the index in the names given
  std::vector<std::string> ignored;       // names the model does not use (the target excluded)
};

// Encoded rows, not yet scaled: what the network's "encoded" input takes. Row-major [rows][width].
struct EncodedRows {
  std::vector<float> values;
  size_t rows = 0;
  size_t width = 0;
  long long unseen_categories = 0;  // categorical cells with a value never seen in training (encoded as "other")
};

class FeaturePipeline {
 public:
  FeaturePipeline() = default;
  FeaturePipeline(std::vector<FeatureSpec> features, std::string target, MissingValueSet missing_values);

  const std::vector<FeatureSpec>& features() const { return features_; }
  const std::string& target() const { return target_; }
  const MissingValueSet& missing_values() const { return missing_values_; }
  // Columns left out in training, with the reason (dropped by --drop, identifier-like text, ...).
  const std::vector<std::pair<std::string, std::string>>& dropped() const { return dropped_; }
  void set_dropped(std::vector<std::pair<std::string, std::string>> dropped) { dropped_ = std::move(dropped); }
  TargetTransform target_transform() const { return target_transform_; }
  const PipelineScaling& scaling() const { return scaling_; }
  void set_target_transform(TargetTransform transform) { target_transform_ = transform; }
  void set_scaling(PipelineScaling scaling) { scaling_ = std::move(scaling); }
  // The values the target can take: every output is clipped to it (unbounded for models before format 4).
  const TargetRange& target_range() const { return target_range_; }
  void set_target_range(TargetRange range) { target_range_ = range; }

  size_t encoded_width() const { return encoded_width_; }
  std::vector<std::string> encoded_names() const;
  bool all_numeric() const;
  // Where each feature's encoded inputs start.
  size_t encoded_offset(size_t feature) const { return encoded_offsets_[feature]; }

  // The slot of a categorical cell's text: its own, "other" for a rare or unseen value (`unseen` is set then),
  // "missing" for a missing-value spelling.
  size_t category_slot(size_t feature, std::string_view text, bool& unseen) const;

  // Maps the model's features onto `names` (a header, or a JSON object's keys). Errors list the features the
  // names lack, with the closest name for each where one is close.
  Result<ColumnBinding> bind_columns(std::span<const std::string> names) const;

  // One row of raw cells in feature order into `out` (encoded_width() floats). Errors name the feature and the
  // value; the caller adds where the row came from (file:line, instance index).
  Result<void> encode_row(std::span<const RawCell> cells, std::span<float> out, long long& unseen_categories) const;

  // Every row of a loaded table, columns found by name (any order, extra ones ignored). Errors name file, line
  // and column.
  Result<EncodedRows> encode_table(const Table& table) const;

  // The target, transformed and scaled as the network is trained on it.
  float scale_target(float y) const;
  // The network's scaled output back in the target's units (before any bias correction).
  float unscale_target(float scaled) const;

 private:
  void index_features();

  std::vector<FeatureSpec> features_;
  std::string target_;
  MissingValueSet missing_values_;
  std::vector<std::pair<std::string, std::string>> dropped_;
  TargetTransform target_transform_ = TargetTransform::none;
  PipelineScaling scaling_;
  TargetRange target_range_;
  // Derived once from features_: encoded layout and the category lookups.
  size_t encoded_width_ = 0;
  std::vector<size_t> encoded_offsets_;
  std::vector<std::unordered_map<std::string, size_t>> category_slots_;
};

// --- fitting -------------------------------------------------------------------------------------------------------

struct PipelineFitOptions {
  std::string target;
  std::vector<std::string> features;  // explicit list; empty = every column but the target
  std::vector<std::string> drop;
  std::vector<std::string> categorical;  // force categorical
  std::vector<std::string> numeric;      // force numeric
  // Column types given by --schema (a model.json "features" list); when set, they replace inference.
  std::vector<std::pair<std::string, ColumnType>> schema_types;
  size_t max_categories = 50;    // vocabulary cap; the rest share "other"
  size_t min_category_rows = 1;  // a value needs this many training rows for its own input
  MissingValueSet missing_values;
};

// Column types, vocabularies and imputation from the training rows. Errors name the column (and line).
Result<FeaturePipeline> fit_feature_encoding(const Table& training, const PipelineFitOptions& options);

// What "auto" picks for the target, and why (for the announcement).
struct TargetTransformChoice {
  TargetTransform transform = TargetTransform::none;
  double skewness = 0;
  bool strongly_skewed = false;  // non-negative with skewness above kLog1pMinimumSkewness
};
inline constexpr double kLog1pMinimumSkewness = 2.0;
TargetTransformChoice choose_target_transform(std::span<const float> targets);

// The input scaling of the encoded training rows and the min-max scaling of the transformed target (errors: a
// target log1p cannot take). standard: numeric values (not 0/1 columns) to z-scores with the population sd, every
// 0/1 input (boolean columns, missing indicators, one-hot slots) kept as it is; minmax: every input to 0..1.
Result<void> fit_scaling(FeaturePipeline& pipeline, const EncodedRows& training, std::span<const float> targets,
                         InputScaling method = InputScaling::minmax);

// The target column as numbers; errors if it is absent, text, or has missing cells.
Result<std::vector<float>> read_target(const Table& table, const std::string& target);

// Rows whose target cell is present (rows with a missing target are skipped by training).
std::vector<size_t> rows_with_target(const Table& table, size_t target_column);

// The error for a numeric column holding text: file, line and value of its first text cell, and how many more.
Error non_numeric_cell_error(const Table& table, const Column& column);

// A Markdown table of the features (name, type, range or categories), as `train` prints it.
std::string describe_features(const FeaturePipeline& pipeline);

}  // namespace vgsales
