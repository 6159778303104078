// The training distribution of every feature as bin counts: what `vgsales monitor` and the server's drift gauges
// compare new rows with. Fitted on the training rows at train time and saved in the model directory as
// training_profile.json; the bins are Vertex AI Model Monitoring's (docs/monitoring.md).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "data/cell_parsing.h"
#include "data/feature_pipeline.h"
#include "data/table.h"

namespace vgsales {

// How a column is binned: numeric (and 0/1) columns by the training deciles, categorical ones by their categories.
enum class ProfileKind { numeric, categorical };
const char* profile_kind_name(ProfileKind kind);

// One column's bins and the training rows that fell in each.
//   numeric:     (-inf, edges[0]], (edges[0], edges[1]], ..., (edges[8], +inf), missing      (11 bins)
//   categorical: categories..., "other", "missing"                                            (categories + 2)
struct ColumnProfile {
  std::string name;
  ProfileKind kind = ProfileKind::numeric;
  std::vector<double> edges;            // numeric: the 10th, 20th, ..., 90th training percentiles, ascending
  std::vector<std::string> categories;  // categorical: the model's trained categories, in its order
  std::vector<long long> counts;        // training rows per bin, the missing bin last

  size_t bin_count() const;
  size_t missing_bin() const { return bin_count() - 1; }
  // "<= 3.5", "(3.5, 4]", "> 4.5", "missing"; a category's own text, "other", "missing".
  std::vector<std::string> bin_labels() const;
};

struct TrainingProfile {
  long long rows = 0;  // training rows profiled
  std::vector<ColumnProfile> columns;
  // The column named `name`, or nullptr.
  const ColumnProfile* find(std::string_view name) const;
};

// The decile edges of a numeric sample (NaN = missing, skipped): numpy's default (linear) percentiles at
// 10, 20, ..., 90. Empty when every value is missing.
std::vector<double> decile_edges(std::span<const float> values);

// The bin of one raw cell. Numbers go to the first bin whose upper edge they do not exceed; text in a numeric
// column is read as a number (an error if it is not one); a category not trained is "other"; the missing-value
// spellings of `missing` are "missing". Errors name the column and the value.
Result<size_t> profile_bin(const ColumnProfile& column, const RawCell& cell, const MissingValueSet& missing);

// The profile of the training rows `table` for the features of `pipeline` (deciles and counts).
Result<TrainingProfile> fit_training_profile(const Table& table, const FeaturePipeline& pipeline);

// training_profile.json: {"format": "vgsales-training-profile", "version": 1, "rows": N, "columns": [...]}.
std::string training_profile_to_json(const TrainingProfile& profile);
// Reads what training_profile_to_json wrote; every field checked (bin counts agree with the edges or categories,
// edges ascending, counts non-negative). Errors name `source` and the field.
Result<TrainingProfile> training_profile_from_json(std::string_view text, const std::string& source);

}  // namespace vgsales
