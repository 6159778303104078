// Writing and reading background.csv.
#include "model/background_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "common/file_checksums.h"
#include "data/row_split.h"

namespace vgsales {
namespace fs = std::filesystem;

namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

std::string sample_background_csv(const Table& train, const FeaturePipeline& pipeline, size_t rows,
                                  std::uint64_t seed) {
  if (rows == 0 || train.row_count() == 0) return {};
  std::vector<size_t> all(train.row_count());
  std::iota(all.begin(), all.end(), 0);
  std::vector<size_t> chosen = all;
  if (rows < all.size()) {
    chosen = split_rows(all, static_cast<double>(rows) / static_cast<double>(all.size()), seed).held_out;
    chosen.resize(std::min(rows, chosen.size()));
    std::sort(chosen.begin(), chosen.end());
  }
  std::vector<const Column*> columns;
  std::string text;
  for (const FeatureSpec& feature : pipeline.features()) {
    const auto index = train.find(feature.name);
    columns.push_back(index ? &train.columns[*index] : nullptr);
    text += (columns.size() > 1 ? "," : "") + csv_field(feature.name);
  }
  text += "\n";
  for (size_t row : chosen) {
    for (size_t f = 0; f < columns.size(); ++f)
      text += (f ? "," : "") + (columns[f] ? csv_field(columns[f]->text_at(row)) : std::string());
    text += "\n";
  }
  return text;
}

BackgroundRows::BackgroundRows(std::vector<std::string> texts, std::vector<bool> missing, size_t features)
    : texts_(std::move(texts)), missing_(std::move(missing)), features_(features) {
  cells_.reserve(texts_.size());
  for (size_t i = 0; i < texts_.size(); ++i)
    cells_.push_back(missing_[i] ? RawCell::missing_value() : RawCell::of_text(texts_[i]));
}

Result<BackgroundRows> parse_background_csv(std::string_view csv, const std::string& source,
                                            const FeaturePipeline& pipeline) {
  // Only an empty cell is missing here: the file writes missing cells empty, and a category spelled "NA" in a model
  // trained with other --na-values stays that category.
  TableLoadOptions load;
  load.missing_values = MissingValueSet({""});
  load.delimiter = ',';
  for (const FeatureSpec& feature : pipeline.features())
    if (feature.type == ColumnType::categorical) load.text_columns.push_back(feature.name);
  VGSALES_ASSIGN_OR_RETURN(const Table table, load_table_from_bytes(csv, source, load));
  std::vector<std::string> names;
  for (const Column& column : table.columns) names.push_back(column.name);
  Result<ColumnBinding> bound = pipeline.bind_columns(names);
  // The binding's error lists the columns; which file lacks them is ours to say.
  if (!bound.ok()) return make_error(bound.error().kind, source + ": " + bound.error().message);
  const ColumnBinding& binding = *bound;
  if (table.row_count() == 0) return make_error(ErrorKind::invalid_data, source + ": has a header but no rows");
  const size_t features = pipeline.features().size();
  std::vector<std::string> texts(table.row_count() * features);
  std::vector<bool> missing(texts.size());
  for (size_t r = 0; r < table.row_count(); ++r)
    for (size_t f = 0; f < features; ++f) {
      const Column& column = table.columns[binding.source_of_feature[f]];
      missing[r * features + f] = column.is_missing(r);
      texts[r * features + f] = column.text_at(r);
    }
  return BackgroundRows(std::move(texts), std::move(missing), features);
}

Result<BackgroundRows> read_background_rows(const fs::path& model_dir, const FeaturePipeline& pipeline) {
  std::error_code ec;
  if (!fs::is_regular_file(model_dir / kBackgroundFileName, ec))
    return make_error(ErrorKind::not_found,
                      fmt::format("{}: the model has no {}, the sample of training rows attributions are measured "
                                  "against: it was trained with --background-rows 0 (to keep training rows out of "
                                  "its files) or by an older vgsales; retrain it with --background-rows N to explain "
                                  "its estimates",
                                  model_dir.string(), kBackgroundFileName));
  VGSALES_ASSIGN_OR_RETURN(const std::string text, read_verified_file(model_dir, kBackgroundFileName));
  return parse_background_csv(text, (model_dir / kBackgroundFileName).string(), pipeline);
}

}  // namespace vgsales
