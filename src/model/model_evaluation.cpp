// predict_csv / evaluate_csv / --row parsing.
#include "model/model_evaluation.h"

#include <optional>
#include <utility>

#include <fmt/format.h>

#include "common/closest_name.h"
#include "data/cell_parsing.h"
#include "data/csv_batches.h"
#include "data/csv_reader.h"
#include "model/metrics.h"
#include "model/native_forward.h"

namespace vgsales {

namespace {

// Rows per batch: large enough for the forward pass's GEMM tiles, small enough to keep memory flat; a multiple of
// the tile, so a row's estimate does not depend on where a batch starts (NativeForward::kTileRows).
constexpr size_t kPredictionBatchRows = 4096;
static_assert(kPredictionBatchRows % NativeForward::kTileRows == 0);

}  // namespace

Result<CsvPredictionSummary> predict_csv(const Predictor& predictor, const std::filesystem::path& input,
                                         const std::vector<std::string>& extra_missing,
                                         const CsvPredictionHandlers& handlers, char delimiter, bool with_interval) {
  const std::string source = input.string();
  const FeaturePipeline& pipeline = predictor.pipeline();
  const MissingValueSet extra(extra_missing);
  const size_t features = pipeline.features().size();
  ColumnBinding binding;
  std::vector<RawCell> cells;
  CsvPredictionSummary summary;
  CsvBatchHandlers reading;
  char detected_delimiter = 0;
  reading.on_detected_delimiter = [&](char detected) { detected_delimiter = detected; };
  reading.on_header = [&](const std::vector<std::string>& names) -> Result<void> {
    auto bound = pipeline.bind_columns(names);
    if (!bound.ok()) return make_error(bound.error().kind, source + ": " + bound.error().message);
    binding = std::move(bound).value();
    return handlers.on_header ? handlers.on_header(CsvHeader{names, binding.ignored, detected_delimiter})
                              : Result<void>{};
  };
  reading.on_batch = [&](const CsvRecordBatch& batch) -> Result<void> {
    cells.resize(batch.records.size() * features);
    for (size_t r = 0; r < batch.records.size(); ++r)
      for (size_t f = 0; f < features; ++f) {
        const std::string_view cell = trim_blanks(batch.records[r][binding.source_of_feature[f]]);
        cells[r * features + f] = extra.contains(cell) ? RawCell::missing_value() : RawCell::of_text(cell);
      }
    VGSALES_ASSIGN_OR_RETURN(const Predictions predicted,
                             predictor.predict(
                                 cells, [&](size_t row) { return fmt::format("{}:{}", source, batch.lines[row]); },
                                 with_interval));
    summary.unseen_categories += predicted.unseen_categories;
    summary.rows += static_cast<long long>(batch.records.size());
    return handlers.on_batch ? handlers.on_batch(CsvPredictionBatch{batch.records, batch.lines, predicted})
                             : Result<void>{};
  };
  VGSALES_TRY(read_csv_in_batches(input, kPredictionBatchRows, reading, delimiter));
  return summary;
}

Result<CsvEvaluation> evaluate_csv(const Predictor& predictor, const std::filesystem::path& data,
                                   const std::vector<std::string>& extra_missing, char delimiter) {
  const std::string source = data.string();
  const std::string& target = predictor.pipeline().target();
  CsvEvaluation evaluation;
  size_t target_column = 0;
  std::vector<float> predictions, actuals, median, lower, upper;
  const bool with_interval = predictor.has_interval();
  CsvPredictionHandlers handlers;
  handlers.on_header = [&](const CsvHeader& header) -> Result<void> {
    evaluation.header = header;
    const auto found = std::find(header.names.begin(), header.names.end(), target);
    if (found == header.names.end())
      return make_error(ErrorKind::invalid_data,
                        fmt::format("{}: no target column '{}' in the header{}; evaluate needs the true values (use "
                                    "`vgsales predict` for a file without them)",
                                    source, target, did_you_mean(target, header.names)));
    target_column = static_cast<size_t>(found - header.names.begin());
    evaluation.header.ignored_columns.clear();
    for (const auto& name : header.ignored_columns)
      if (name != target) evaluation.header.ignored_columns.push_back(name);
    return {};
  };
  handlers.on_batch = [&](const CsvPredictionBatch& batch) -> Result<void> {
    for (size_t r = 0; r < batch.records.size(); ++r) {
      double value = 0;
      const std::string_view cell = trim_blanks(batch.records[r][target_column]);
      const CellKind kind = parse_cell(cell, predictor.pipeline().missing_values(), value);
      if (kind != CellKind::number)
        return make_error(ErrorKind::invalid_data,
                          fmt::format("{}:{}: column '{}': the target {}", source, batch.lines[r], target,
                                      kind == CellKind::missing
                                          ? std::string("is missing")
                                          : "'" + std::string(cell) + "' is not a finite number"));
      actuals.push_back(static_cast<float>(value));
    }
    const Predictions& p = batch.predictions;
    predictions.insert(predictions.end(), p.values.begin(), p.values.end());
    median.insert(median.end(), p.median.begin(), p.median.end());
    lower.insert(lower.end(), p.lower.begin(), p.lower.end());
    upper.insert(upper.end(), p.upper.begin(), p.upper.end());
    return {};
  };
  VGSALES_ASSIGN_OR_RETURN(const CsvPredictionSummary summary,
                           predict_csv(predictor, data, extra_missing, handlers, delimiter, with_interval));
  evaluation.unseen_categories = summary.unseen_categories;
  evaluation.metrics = compute_metrics(predictions, actuals);
  if (with_interval) add_interval_metrics(evaluation.metrics, median, lower, upper, actuals);
  return evaluation;
}

namespace {

using Assignment = std::pair<std::string, std::string>;

// Reads --row left to right into name=value parts separated by commas; a value (or a whole part) may be
// double-quoted, with "" for a quote inside. Blanks around names, values and commas are dropped; empty parts are
// skipped.
class AssignmentReader {
 public:
  explicit AssignmentReader(const std::string& text) : text_(text) {}

  Result<std::vector<Assignment>> read_all() {
    std::vector<Assignment> parts;
    while (i_ < text_.size()) {
      VGSALES_ASSIGN_OR_RETURN(std::optional<Assignment> part, read_part());
      if (part) parts.push_back(std::move(*part));
    }
    return parts;
  }

 private:
  bool at(char c) const { return i_ < text_.size() && text_[i_] == c; }
  void skip_blanks() {
    while (i_ < text_.size() && (text_[i_] == ' ' || text_[i_] == '\t')) ++i_;
  }

  // One part and the comma after it; nullopt for an empty part.
  Result<std::optional<Assignment>> read_part() {
    skip_blanks();
    Assignment part;
    if (at('"')) {
      VGSALES_ASSIGN_OR_RETURN(part, read_quoted_part());
    } else {
      while (i_ < text_.size() && text_[i_] != '=' && text_[i_] != ',') part.first += text_[i_++];
      if (!at('=')) {
        if (std::string(trim_blanks(part.first)).empty()) {
          ++i_;
          return std::optional<Assignment>{};
        }
        return make_error(ErrorKind::usage, "--row: '" + std::string(trim_blanks(part.first)) + "' is not name=value");
      }
      ++i_;  // '='
      VGSALES_TRY(read_value(part.second));
    }
    VGSALES_TRY(read_separator(part.first));
    return std::optional<Assignment>{Assignment{std::string(trim_blanks(part.first)), std::move(part.second)}};
  }

  // A whole part in quotes: "name=value".
  Result<Assignment> read_quoted_part() {
    std::string part;
    VGSALES_TRY(read_quoted(part));
    const size_t equals = part.find('=');
    if (equals == std::string::npos) return make_error(ErrorKind::usage, "--row: '" + part + "' is not name=value");
    return Assignment{part.substr(0, equals), part.substr(equals + 1)};
  }

  // The value after '=', quoted or up to the next comma (then trimmed).
  Result<void> read_value(std::string& value) {
    skip_blanks();
    if (at('"')) return read_quoted(value);
    while (i_ < text_.size() && text_[i_] != ',') value += text_[i_++];
    value = std::string(trim_blanks(value));
    return {};
  }

  // Text from the opening quote at i_ to its closing quote, with "" read as one quote.
  Result<void> read_quoted(std::string& out) {
    const size_t opened = i_++;
    while (true) {
      if (i_ >= text_.size())
        return make_error(ErrorKind::usage,
                          fmt::format("--row: the quote at character {} is never closed", opened + 1));
      if (text_[i_] == '"') {
        if (i_ + 1 < text_.size() && text_[i_ + 1] == '"') {
          out += '"';
          i_ += 2;
          continue;
        }
        ++i_;
        return {};
      }
      out += text_[i_++];
    }
  }

  // The comma ending a part (or the end of the text).
  Result<void> read_separator(const std::string& name) {
    skip_blanks();
    if (i_ < text_.size() && text_[i_] != ',')
      return make_error(ErrorKind::usage, fmt::format("--row: expected ',' after the value of '{}' at character {}",
                                                      std::string(trim_blanks(name)), i_ + 1));
    ++i_;
    return {};
  }

  const std::string& text_;
  size_t i_ = 0;
};

}  // namespace

Result<std::vector<std::string>> parse_row_assignment(const std::string& text, const FeaturePipeline& pipeline) {
  VGSALES_ASSIGN_OR_RETURN(const auto parts, AssignmentReader(text).read_all());
  const auto& features = pipeline.features();
  std::vector<std::string> names;
  for (const auto& feature : features) names.push_back(feature.name);
  std::vector<std::string> row(features.size());
  std::vector<bool> given(features.size(), false);
  for (const auto& [name, value] : parts) {
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end())
      return make_error(ErrorKind::usage,
                        fmt::format("--row: the model has no feature '{}'{}", name, did_you_mean(name, names)));
    const auto index = static_cast<size_t>(found - names.begin());
    if (given[index]) return make_error(ErrorKind::usage, "--row: '" + name + "' is given twice");
    given[index] = true;
    row[index] = value;
  }
  std::vector<std::string> absent;
  for (size_t i = 0; i < given.size(); ++i)
    if (!given[i]) absent.push_back(names[i]);
  if (!absent.empty())
    return make_error(ErrorKind::usage,
                      fmt::format("--row: missing feature(s) {} (give an empty value, e.g. '{}=', for "
                                  "a missing one)",
                                  fmt::join(absent, ", "), absent.front()));
  return row;
}

}  // namespace vgsales
