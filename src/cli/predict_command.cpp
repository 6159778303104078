// vgsales predict: one estimate per row of a CSV, or for one game typed on the command line.
#include <fmt/format.h>

#include <cstdio>

#include "cli/command.h"
#include "cli/console_format.h"
#include "common/atomic_file.h"
#include "model/model_evaluation.h"
#include "model/table_cells.h"
#include "serve/rest_client.h"

namespace vgsales::cli {

namespace {

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string render_json(const std::vector<float>& predictions) {
  std::string out = "{\"predictions\": [";
  for (size_t i = 0; i < predictions.size(); ++i)
    out += fmt::format("{}[{}]", i ? ", " : "", predictions[i]);
  return out + "]}\n";
}

std::string render_csv(const TablePredictions& result, const std::string& column_name) {
  std::string out;
  for (const auto& column : result.table.columns) out += csv_escape(column.name) + ",";
  out += column_name + "\n";
  for (size_t r = 0; r < result.table.row_count(); ++r) {
    for (const auto& column : result.table.columns) out += csv_escape(column.text_at(r)) + ",";
    out += fmt::format("{}\n", result.predictions[r]);
  }
  return out;
}

Result<void> emit(const std::string& text, const std::string& output) {
  if (output.empty() || output == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return {};
  }
  return write_file_atomically(output, text);
}

// Rows of a CSV as cells for a remote model whose schema we do not have: every column is sent, text
// as strings and numbers as numbers, so the file must hold exactly the model's features.
Result<void> predict_remote_rows(const std::string& server, const std::string& model_name, const Table& table,
                                 const std::string& format, const std::string& output) {
  std::vector<std::string> names;
  for (const auto& column : table.columns) names.push_back(column.name);
  std::vector<FieldValue> cells(table.row_count() * names.size());
  for (size_t c = 0; c < names.size(); ++c) {
    const Column& column = table.columns[c];
    for (size_t r = 0; r < table.row_count(); ++r) {
      if (column.is_missing(r)) continue;
      if (column.has_text()) cells[r * names.size() + c] = column.text_at(r);
      else cells[r * names.size() + c] = static_cast<double>(column.numbers[r]);
    }
  }
  VGSALES_ASSIGN_OR_RETURN(std::vector<float> predictions, serve::predict_via_rest(server, model_name, names, cells));
  if (format == "json") return emit(render_json(predictions), output);
  TablePredictions result{table, std::move(predictions), {}, 0};
  return emit(render_csv(result, "prediction"), output);
}

}  // namespace

void register_predict_command(CLI::App& app, CommandAction& chosen) {
  struct Options {
    std::string model, input, output, format = "csv", row, server, model_name = "model";
    std::vector<std::string> na_values;
  };
  auto predict_remotely = [](const Options& o) -> Result<void> {
    if (!o.row.empty()) return make_error(ErrorKind::usage, "--row is for a local --model; use --input with --server");
    TableLoadOptions load;
    if (!o.na_values.empty()) load.missing_values = MissingValueSet(o.na_values);
    VGSALES_ASSIGN_OR_RETURN(const Table table, load_table(o.input, load));
    return predict_remote_rows(o.server, o.model_name, table, o.format, o.output);
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("predict", "Estimate the target for new games with a saved model");
  auto* model = command->add_option("--model", options->model, "model directory (or use --server)");
  auto* server = command->add_option("--server", options->server,
                                     "send the rows to a TF-Serving-compatible server instead, e.g. http://localhost:8501");
  command->add_option("--model_name", options->model_name, "model name on --server")->default_val("model");
  (void)model;
  (void)server;
  auto* input = command->add_option("--input", options->input, "CSV of games (columns by name, any order)");
  auto* row = command->add_option("--row", options->row, "one game as 'critic_rating=4.5,is_action=1,...'");
  input->excludes(row);
  command->add_option("--output", options->output, "write here instead of stdout (atomically)");
  command->add_option("--format", options->format, "csv (input columns + prediction) or json (TF Serving style)")
      ->default_val("csv")
      ->check(CLI::IsMember({"csv", "json"}));
  command->add_option("--na-values", options->na_values, "spellings of a missing value")->delimiter(',');
  command->callback([options, predict_remotely, &chosen] {
    chosen = [options, predict_remotely]() -> Result<void> {
      if (options->input.empty() && options->row.empty())
        return make_error(ErrorKind::usage, "give --input FILE or --row 'name=value,...'");
      if (options->model.empty() == options->server.empty())
        return make_error(ErrorKind::usage, "give either --model DIR or --server URL");
      if (!options->server.empty()) return predict_remotely(*options);
      VGSALES_ASSIGN_OR_RETURN(const auto predictor, load_predictor(options->model));
      const ModelSignature& signature = predictor->signature();
      if (!options->row.empty()) {
        VGSALES_ASSIGN_OR_RETURN(const auto cells, parse_row_assignment(options->row, signature));
        VGSALES_ASSIGN_OR_RETURN(const Predictions predicted, predictor->predict_cells(cells));
        if (predicted.unseen_categories > 0)
          fmt::print(stderr, "warning: {} categorical value(s) unseen in training were treated as 'other'\n",
                     predicted.unseen_categories);
        if (options->format == "json") return emit(render_json(predicted.values), options->output);
        return emit(fmt::format("{}\n", predicted.values[0]), options->output);
      }
      VGSALES_ASSIGN_OR_RETURN(const TablePredictions result, predict_table(*predictor, options->input, options->na_values));
      if (!result.ignored_columns.empty())
        fmt::print(stderr, "warning: ignoring column(s) the model does not use: {}\n", fmt::join(result.ignored_columns, ", "));
      if (result.unseen_categories > 0)
        fmt::print(stderr, "warning: {} categorical value(s) unseen in training were treated as 'other'\n",
                   result.unseen_categories);
      if (options->format == "json") return emit(render_json(result.predictions), options->output);
      return emit(render_csv(result, "predicted_" + signature.target_name), options->output);
    };
  });
}

}  // namespace vgsales::cli
