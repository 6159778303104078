// predict_table / evaluate_table / --row parsing.
#include "model/model_evaluation.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "data/csv_reader.h"
#include "data/dataset_schema.h"
#include "model/metrics.h"
#include "model/table_cells.h"

namespace vgsales {

Result<TablePredictions> predict_table(const Predictor& predictor, const std::filesystem::path& input,
                                       const std::vector<std::string>& na_values) {
  const ModelSignature& signature = predictor.signature();
  TableLoadOptions options;
  if (!na_values.empty()) options.missing_values = MissingValueSet(na_values);
  TablePredictions result;
  VGSALES_ASSIGN_OR_RETURN(result.table, load_table(input, options));
  const auto absent = absent_features(result.table, signature);
  if (!absent.empty())
    return make_error(ErrorKind::invalid_data,
                      fmt::format("{}: missing feature column(s) {} that the model needs", input.string(), fmt::join(absent, ", ")));
  result.ignored_columns = unused_columns(result.table, signature);
  VGSALES_ASSIGN_OR_RETURN(const auto cells, table_cells(result.table, signature));
  auto predicted = predictor.predict_cells(cells);
  if (!predicted.ok()) return make_error(predicted.error().kind, input.string() + ": " + predicted.error().message);
  result.predictions = std::move(predicted->values);
  result.unseen_categories = predicted->unseen_categories;
  return result;
}

Result<SplitMetrics> evaluate_table(const Predictor& predictor, const std::filesystem::path& data,
                                    const std::vector<std::string>& na_values) {
  VGSALES_ASSIGN_OR_RETURN(TablePredictions result, predict_table(predictor, data, na_values));
  VGSALES_ASSIGN_OR_RETURN(const std::vector<float> targets, read_target(result.table, predictor.signature().target_name));
  return compute_metrics(result.predictions, targets);
}

Result<std::vector<FieldValue>> parse_row_assignment(const std::string& text, const ModelSignature& signature) {
  std::vector<FieldValue> row(signature.features.size());
  std::vector<bool> given(signature.features.size(), false);
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string part(trim_blanks(std::string_view(text).substr(start, comma - start)));
    start = comma + 1;
    if (part.empty()) continue;
    const size_t equals = part.find('=');
    if (equals == std::string::npos)
      return make_error(ErrorKind::usage, "--row: '" + part + "' is not name=value");
    const std::string name(trim_blanks(std::string_view(part).substr(0, equals)));
    const std::string value(trim_blanks(std::string_view(part).substr(equals + 1)));
    size_t index = signature.features.size();
    for (size_t i = 0; i < signature.features.size(); ++i)
      if (signature.features[i].name == name) index = i;
    if (index == signature.features.size())
      return make_error(ErrorKind::usage, "--row: the model has no feature '" + name + "'");
    given[index] = true;
    double number = 0;
    const CellKind kind = parse_cell(value, MissingValueSet(), number);
    if (kind == CellKind::number) row[index] = number;
    else if (kind == CellKind::text) row[index] = value;
    else if (kind == CellKind::non_finite)
      return make_error(ErrorKind::usage, "--row: " + name + "=" + value + " is not a finite number");
  }
  std::vector<std::string> absent;
  for (size_t i = 0; i < given.size(); ++i)
    if (!given[i]) absent.push_back(signature.features[i].name);
  if (!absent.empty())
    return make_error(ErrorKind::usage, fmt::format("--row: missing feature(s) {}", fmt::join(absent, ", ")));
  return row;
}

}  // namespace vgsales
