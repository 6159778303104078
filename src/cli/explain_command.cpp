// vgsales explain: why a saved model estimates what it does, per raw column (Shapley values against the model's
// background rows): for one game typed in or each row of a CSV, or the global importance over a file.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <numeric>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/choice_flag.h"
#include "cli/command.h"
#include "cli/delimiter_flag.h"
#include "cli/flag_table.h"
#include "common/atomic_file.h"
#include "common/number_format.h"
#include "common/target_units.h"
#include "data/csv_batches.h"
#include "data/csv_reader.h"
#include "explain/global_importance.h"
#include "model/model_evaluation.h"
#include "serve/explanation_encoder.h"

namespace vgsales::cli {

namespace {

// --format, a closed choice with one name table.
enum class ExplainFormat { table, csv, json };
constexpr ChoiceNames<ExplainFormat, 3> kExplainFormatNames{
    {{ExplainFormat::table, "table"}, {ExplainFormat::csv, "csv"}, {ExplainFormat::json, "json"}}};

struct ExplainOptions {
  std::string model, row, input, global, output, format_name = "table", delimiter = "auto";
  ExplainFormat format() const { return choice_named(kExplainFormatNames, format_name); }
};

// The rows to explain as raw cells in the pipeline's order, with their labels and their texts kept alive.
struct ExplainedRows {
  std::vector<std::vector<std::string>> records;  // the cells' storage
  std::vector<RawCell> cells;
  std::vector<std::string> labels;
};

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

Result<ExplainedRows> row_from_flag(const std::string& row, const FeaturePipeline& pipeline) {
  ExplainedRows rows;
  VGSALES_ASSIGN_OR_RETURN(std::vector<std::string> texts, parse_row_assignment(row, pipeline));
  rows.records.push_back(std::move(texts));
  for (const std::string& text : rows.records.front()) rows.cells.push_back(RawCell::of_text(text));
  rows.labels.emplace_back("--row");
  return rows;
}

// Every row of a CSV, its columns found by name (any order; extra ones are ignored, missing ones are an error).
Result<ExplainedRows> rows_from_file(const std::string& path, const FeaturePipeline& pipeline, char delimiter) {
  ExplainedRows rows;
  std::vector<size_t> source;
  std::vector<long long> lines;
  CsvBatchHandlers handlers;
  handlers.on_header = [&](const std::vector<std::string>& names) -> Result<void> {
    auto binding = pipeline.bind_columns(names);
    if (!binding.ok()) return make_error(binding.error().kind, path + ": " + binding.error().message);
    source = binding->source_of_feature;
    return {};
  };
  handlers.on_batch = [&](const CsvRecordBatch& batch) -> Result<void> {
    for (size_t r = 0; r < batch.records.size(); ++r) {
      std::vector<std::string> record;
      for (size_t column : source) record.emplace_back(trim_blanks(batch.records[r][column]));
      rows.records.push_back(std::move(record));
      lines.push_back(batch.lines[r]);
    }
    return {};
  };
  VGSALES_TRY(read_csv_in_batches(path, 1024, handlers, delimiter));
  for (size_t r = 0; r < rows.records.size(); ++r) {
    for (const std::string& text : rows.records[r]) rows.cells.push_back(RawCell::of_text(text));
    rows.labels.push_back(fmt::format("{}:{}", path, lines[r]));
  }
  if (rows.records.empty()) return make_error(ErrorKind::invalid_data, path + ": has a header but no rows");
  return rows;
}

std::string signed_amount(double value, const TargetUnits& units) {
  return (value > 0 ? "+" : "") + units.amount(value);
}

// One instance as a table: the baseline, each column's contribution (largest first), the estimate.
std::string explanation_table(const InstanceExplanation& explanation, const ExplainedRows& rows, size_t r,
                              const FeaturePipeline& pipeline, size_t background_rows, const TargetUnits& units) {
  const size_t k = pipeline.features().size();
  std::vector<std::string> names(k);
  size_t width = std::string_view("baseline").size();
  for (size_t f = 0; f < k; ++f) {
    const std::string& text = rows.records[r][f];
    names[f] = pipeline.features()[f].name + " = " + (text.empty() ? std::string("(missing)") : text);
    width = std::max(width, names[f].size());
  }
  std::string text = fmt::format("{}: {} Shapley values over {} background rows{}\n", rows.labels[r],
                                 attribution_method_name(explanation.method), background_rows,
                                 explanation.method == AttributionMethod::sampled ? " (± the 99.9 % bound)" : "");
  text += fmt::format("{:<{}}", "", width);
  for (const OutputAttribution& output : explanation.outputs) text += fmt::format("  {:>14}", output.output_name);
  text += fmt::format("\n{:<{}}", "baseline", width);
  for (const OutputAttribution& output : explanation.outputs)
    text += fmt::format("  {:>14}", units.amount(output.baseline));
  std::vector<size_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  const std::vector<double>& mean = explanation.outputs.front().attributions;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return std::abs(mean[a]) > std::abs(mean[b]); });
  for (size_t f : order) {
    text += fmt::format("\n{:<{}}", names[f], width);
    for (const OutputAttribution& output : explanation.outputs) {
      text += fmt::format("  {:>14}", signed_amount(output.attributions[f], units));
      if (explanation.method == AttributionMethod::sampled)
        text += fmt::format(" ± {}", units.amount(output.error_bounds[f]));
    }
  }
  text += fmt::format("\n{:<{}}", "estimate", width);
  for (const OutputAttribution& output : explanation.outputs)
    text += fmt::format("  {:>14}", units.amount(output.estimate));
  return text + "\n";
}

// One line per instance and output: the row's label, the output, the baseline, the estimate, the approximation error
// and one column per feature.
std::string explanation_csv(const std::vector<InstanceExplanation>& explanations, const ExplainedRows& rows,
                            const FeaturePipeline& pipeline) {
  std::string text = "row,output,method,baseline,estimate,approximation_error";
  for (const FeatureSpec& feature : pipeline.features()) text += "," + csv_escape(feature.name);
  text += "\n";
  for (size_t r = 0; r < explanations.size(); ++r)
    for (const OutputAttribution& output : explanations[r].outputs) {
      text += fmt::format("{},{},{},{},{},{}", csv_escape(rows.labels[r]), output.output_name,
                          attribution_method_name(explanations[r].method), output.baseline, output.estimate,
                          output.approximation_error);
      for (double value : output.attributions) text += fmt::format(",{}", value);
      text += "\n";
    }
  return text;
}

std::string global_importance_table(const GlobalImportance& summary, const TargetUnits& units) {
  std::string text =
      fmt::format("Global importance over {} rows: each column's mean |attribution| of the {} estimate (baseline {})\n",
                  summary.rows, summary.output_name, units.amount(summary.baseline));
  size_t width = 6;
  for (const ColumnImportance& column : summary.columns) width = std::max(width, column.column.size());
  for (const ColumnImportance& column : summary.columns)
    text += fmt::format("  {:<{}}  {:>12}\n", column.column, width, units.amount(column.mean_absolute_attribution));
  text += "How the estimate moves with each column's values (mean attribution, rows):\n";
  for (const ColumnImportance& column : summary.columns) {
    std::vector<std::string> parts;
    for (const ValueEffect& effect : column.effects)
      parts.push_back(fmt::format("{} {} ({})", effect.value, signed_amount(effect.mean_attribution, units),
                                  effect.rows));
    text += fmt::format("  {}: {}\n", column.column, fmt::join(parts, " · "));
  }
  return text;
}

std::string global_importance_csv(const GlobalImportance& summary) {
  std::string text = "column,value,rows,mean_attribution,mean_absolute_attribution\n";
  for (const ColumnImportance& column : summary.columns) {
    text += fmt::format("{},,{},,{}\n", csv_escape(column.column), summary.rows, column.mean_absolute_attribution);
    for (const ValueEffect& effect : column.effects)
      text += fmt::format("{},{},{},{},\n", csv_escape(column.column), csv_escape(effect.value), effect.rows,
                          effect.mean_attribution);
  }
  return text;
}

Result<void> write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::fputs(text.c_str(), stdout);
    return {};
  }
  return write_file_atomically(path, text);
}

Result<void> run_explain(const ExplainOptions& o) {
  VGSALES_ASSIGN_OR_RETURN(const std::shared_ptr<const Predictor> predictor, load_predictor(o.model));
  const FeaturePipeline& pipeline = predictor->pipeline();
  VGSALES_ASSIGN_OR_RETURN(BackgroundRows background, read_background_rows(o.model, pipeline));
  const size_t background_rows = background.rows();
  VGSALES_ASSIGN_OR_RETURN(const ShapleyExplainer explainer,
                           ShapleyExplainer::create(predictor, std::move(background)));
  VGSALES_ASSIGN_OR_RETURN(const ExplainedRows rows, !o.row.empty()
                                                         ? row_from_flag(o.row, pipeline)
                                                         : rows_from_file(o.global.empty() ? o.input : o.global,
                                                                          pipeline, delimiter_from_flag(o.delimiter)));
  VGSALES_ASSIGN_OR_RETURN(const std::vector<InstanceExplanation> explanations,
                           explainer.explain(rows.cells, [&](size_t r) { return rows.labels[r]; }));
  if (!o.global.empty()) {
    const GlobalImportance summary = summarize_global_importance(pipeline, rows.cells, explanations);
    if (o.format() == ExplainFormat::csv) return write_output(o.output, global_importance_csv(summary));
    return write_output(o.output, global_importance_table(summary, predictor->metadata().target_units()));
  }
  if (o.format() == ExplainFormat::json) {
    serve::ExplainAnswer answer;
    for (const FeatureSpec& feature : pipeline.features()) answer.columns.push_back(feature.name);
    answer.explanations = explanations;
    return write_output(o.output, serve::encode_explain_answer(answer) + "\n");
  }
  if (o.format() == ExplainFormat::csv) return write_output(o.output, explanation_csv(explanations, rows, pipeline));
  std::string text;
  for (size_t r = 0; r < explanations.size(); ++r)
    text += (r ? "\n" : "") + explanation_table(explanations[r], rows, r, pipeline, background_rows,
                                                predictor->metadata().target_units());
  return write_output(o.output, text);
}

}  // namespace

void register_explain_command(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<ExplainOptions>();
  CLI::App* command =
      app.add_subcommand("explain", "Show how much each column moves a saved model's estimate (Shapley values)");
  FlagTable flags(command);
  flags.required("--model", "DIR", options->model, "model directory (with its background.csv)");
  auto* row = flags.described("--row", "'name=value,...'", options->row, "required (or `--input`, `--global`)",
                              "one game typed in, as for `predict --row`");
  auto* input = flags.described("--input", "FILE", options->input, "none", "explain each row of this CSV");
  auto* global = flags.described("--global", "FILE", options->global, "none",
                                 "each column's mean |attribution| over this CSV's rows, and the mean attribution "
                                 "per value or range (global importance)");
  input->excludes(row);
  global->excludes(row);
  global->excludes(input);
  flags
      .option("--format", "table|csv|json", options->format_name,
              "table for people; csv one line per row and output; json the server's `:explain` answer")
      ->check(CLI::IsMember(choice_names_of(kExplainFormatNames)));
  flags.described("--output", "FILE", options->output, "stdout", "write here instead (atomically)");
  add_delimiter_flag(flags, options->delimiter);
  command->callback([options, &chosen] {
    chosen = [options]() -> Result<void> {
      const ExplainOptions& o = *options;
      if (o.row.empty() && o.input.empty() && o.global.empty())
        return make_error(ErrorKind::usage, "give --row 'name=value,...', --input FILE or --global FILE");
      if (!o.global.empty() && o.format() == ExplainFormat::json)
        return make_error(ErrorKind::usage, "--global prints a table or csv (--format table|csv)");
      return run_explain(o);
    };
  });
}

}  // namespace vgsales::cli
