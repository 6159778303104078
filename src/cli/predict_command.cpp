// vgsales predict: one estimate per row of a CSV, or for one game typed on the command line, with a local model or
// a model server. Output CSVs echo every cell exactly as read.
#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/choice_flag.h"
#include "cli/command.h"
#include "cli/delimiter_flag.h"
#include "cli/flag_table.h"
#include "common/atomic_file.h"
#include "data/csv_batches.h"
#include "data/csv_reader.h"
#include "model/model_evaluation.h"
#include "serve/rest_client.h"
#include "serve/rest_response_encoder.h"
#include "storage/gcs_model_store.h"

namespace vgsales::cli {

namespace {

// --format, a closed choice with one name table: the flag's check and the writers read it.
enum class PredictionFormat { csv, json };
constexpr ChoiceNames<PredictionFormat, 2> kPredictionFormatNames{
    {{PredictionFormat::csv, "csv"}, {PredictionFormat::json, "json"}}};

struct PredictOptions {
  std::string model, input, output, format_name = "csv", row, server, model_name = "model", delimiter = "auto";
  std::vector<std::string> na_values;
  PredictionFormat format() const { return choice_named(kPredictionFormatNames, format_name); }
};

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// The name of the prediction column, locally and from a server alike.
std::string prediction_column(const std::string& target) { return "predicted_" + target; }

// Where the output goes: stdout, or a file written atomically (a temporary sibling renamed at the end).
class PredictionSink {
 public:
  explicit PredictionSink(std::string path) : path_(std::move(path)) {}
  Result<void> run(const std::function<Result<void>(PredictionSink&)>& produce) {
    if (path_.empty() || path_ == "-") {
      out_ = stdout;
      return produce(*this);
    }
    return write_stream_atomically(path_, [&](std::FILE* file) {
      out_ = file;
      return produce(*this);
    });
  }
  Result<void> write(const std::string& text) {
    errno = 0;
    if (std::fwrite(text.data(), 1, text.size(), out_) != text.size())
      return make_error(ErrorKind::io, (path_.empty() ? std::string("stdout") : path_) +
                                           ": cannot write: " + (errno ? std::strerror(errno) : "write failed"));
    return {};
  }

 private:
  std::string path_;
  std::FILE* out_ = stdout;
};

// CSV: the input's columns as read, then the mean (and the median and the interval's bounds for a model with an
// interval); JSON: TF Serving's {"predictions": [[mean], ...]}, the server's encoder and number formatting.
class PredictionWriter {
 public:
  PredictionWriter(PredictionSink& sink, PredictionFormat format, std::string column, bool interval)
      : sink_(sink), format_(format), column_(std::move(column)), interval_(interval) {}
  Result<void> header(const std::vector<std::string>& names) {
    if (format_ == PredictionFormat::json) return sink_.write(json_.begin());
    std::string line;
    for (const auto& name : names) line += csv_escape(name) + ",";
    line += csv_escape(column_);
    if (interval_)
      for (const char* suffix : {"_median", "_lower", "_upper"}) line += "," + csv_escape(column_ + suffix);
    return sink_.write(line + "\n");
  }
  Result<void> rows(std::span<const std::vector<std::string>> records, const Predictions& predictions) {
    const std::vector<float>& mean = predictions.values;
    if (format_ == PredictionFormat::json) return sink_.write(json_.add(mean));
    std::string text;
    for (size_t r = 0; r < mean.size(); ++r) {
      for (const auto& field : records[r]) text += csv_escape(field) + ",";
      text += fmt::format("{}", mean[r]);
      if (interval_)
        text += fmt::format(",{},{},{}", predictions.median[r], predictions.lower[r], predictions.upper[r]);
      text += "\n";
    }
    return sink_.write(text);
  }
  Result<void> finish() {
    return format_ == PredictionFormat::json ? sink_.write(json_.finish() + "\n") : Result<void>{};
  }

 private:
  PredictionSink& sink_;
  PredictionFormat format_;
  std::string column_;
  bool interval_;
  serve::PredictionListEncoder json_;
};

// Predictions go to stdout, so notices go to stderr.
void tell_detected_delimiter(const std::string& file, char delimiter) {
  if (delimiter) fmt::print(stderr, "{}\n", detected_delimiter_notice(file, delimiter));
}

void warn_ignored(const std::vector<std::string>& ignored) {
  if (!ignored.empty())
    fmt::print(stderr, "warning: ignoring column(s) the model does not use: {}\n", fmt::join(ignored, ", "));
}

void warn_unseen(long long unseen) {
  if (unseen > 0)
    fmt::print(stderr, "warning: {} categorical value(s) unseen in training were treated as 'other'\n", unseen);
}

Result<void> predict_row(const PredictOptions& o) {
  VGSALES_ASSIGN_OR_RETURN(const auto model_dir, storage::local_model_directory(o.model));
  VGSALES_ASSIGN_OR_RETURN(const auto predictor, load_predictor(model_dir));
  VGSALES_ASSIGN_OR_RETURN(const std::vector<std::string> texts, parse_row_assignment(o.row, predictor->pipeline()));
  std::vector<RawCell> cells;
  for (const auto& text : texts) cells.push_back(RawCell::of_text(text));
  const bool interval = predictor->has_interval() && o.format() == PredictionFormat::csv;
  VGSALES_ASSIGN_OR_RETURN(const Predictions predicted,
                           predictor->predict(
                               cells, [](size_t) { return std::string("--row"); }, interval));
  warn_unseen(predicted.unseen_categories);
  PredictionSink sink(o.output);
  return sink.run([&](PredictionSink& out) -> Result<void> {
    if (o.format() == PredictionFormat::json) {
      serve::PredictAnswer answer;
      answer.predictions.values = predicted.values;
      return out.write(serve::encode_predict_answer(answer) + "\n");
    }
    if (!interval) return out.write(fmt::format("{}\n", predicted.values[0]));
    // One game: the mean first (what scripts read), then the median and the range, labelled.
    return out.write(fmt::format("{}\nmedian {}, {:g}% interval {} to {}\n", predicted.values[0], predicted.median[0],
                                 100 * predictor->metadata().interval_level, predicted.lower[0], predicted.upper[0]));
  });
}

Result<void> predict_file(const PredictOptions& o) {
  VGSALES_ASSIGN_OR_RETURN(const auto model_dir, storage::local_model_directory(o.model));
  VGSALES_ASSIGN_OR_RETURN(const auto predictor, load_predictor(model_dir));
  PredictionSink sink(o.output);
  long long unseen = 0;
  VGSALES_TRY(sink.run([&](PredictionSink& out) -> Result<void> {
    const bool interval = predictor->has_interval() && o.format() == PredictionFormat::csv;
    PredictionWriter writer(out, o.format(), prediction_column(predictor->pipeline().target()), interval);
    CsvPredictionHandlers handlers;
    handlers.on_header = [&](const CsvHeader& header) {
      tell_detected_delimiter(o.input, header.detected_delimiter);
      warn_ignored(header.ignored_columns);
      return writer.header(header.names);
    };
    handlers.on_batch = [&](const CsvPredictionBatch& batch) { return writer.rows(batch.records, batch.predictions); };
    VGSALES_ASSIGN_OR_RETURN(const CsvPredictionSummary summary,
                             predict_csv(*predictor, o.input, o.na_values, handlers, delimiter_from_flag(o.delimiter),
                                         interval));
    unseen = summary.unseen_categories;
    return writer.finish();
  }));
  warn_unseen(unseen);
  return {};
}

// The same file sent to a server: only the model's feature columns, by name (extra ones are dropped with the same
// warning as locally), in batches.
Result<void> predict_file_remotely(const PredictOptions& o) {
  if (!o.row.empty()) return make_error(ErrorKind::usage, "--row is for a local --model; use --input with --server");
  VGSALES_ASSIGN_OR_RETURN(serve::RestClient client, serve::RestClient::open(o.server));
  VGSALES_ASSIGN_OR_RETURN(const serve::RemoteModel model, client.describe(o.model_name));
  const std::vector<serve::RemoteFeature>& features = model.features;
  MissingValueSet missing;
  if (!o.na_values.empty()) {
    std::vector<std::string> spellings = missing.spellings();
    spellings.insert(spellings.end(), o.na_values.begin(), o.na_values.end());
    missing = MissingValueSet(spellings);
  }
  PredictionSink sink(o.output);
  return sink.run([&](PredictionSink& out) -> Result<void> {
    // The server's interval signature, when it has one, so the file has the columns a local predict writes.
    PredictionWriter writer(out, o.format(), prediction_column(model.target_name), model.has_interval);
    std::vector<size_t> source;
    CsvBatchHandlers handlers;
    handlers.on_detected_delimiter = [&](char delimiter) { tell_detected_delimiter(o.input, delimiter); };
    handlers.on_header = [&](const std::vector<std::string>& names) -> Result<void> {
      std::vector<std::string> absent, ignored;
      for (const auto& feature : features) {
        const auto found = std::find(names.begin(), names.end(), feature.name);
        if (found == names.end()) absent.push_back("'" + feature.name + "'");
        else source.push_back(static_cast<size_t>(found - names.begin()));
      }
      if (!absent.empty())
        return make_error(ErrorKind::invalid_data,
                          fmt::format("{}: missing feature column(s) {} that the model on {} "
                                      "needs; the columns given are: {}",
                                      o.input, fmt::join(absent, ", "), o.server, fmt::join(names, ", ")));
      for (const auto& name : names)
        if (std::none_of(features.begin(), features.end(), [&](const auto& f) { return f.name == name; }))
          ignored.push_back(name);
      warn_ignored(ignored);
      return writer.header(names);
    };
    handlers.on_batch = [&](const CsvRecordBatch& batch) -> Result<void> {
      std::vector<std::string_view> cells;
      for (const auto& record : batch.records)
        for (size_t column : source) cells.push_back(trim_blanks(record[column]));
      VGSALES_ASSIGN_OR_RETURN(const Predictions predicted,
                               client.predict(o.model_name, features, cells, missing, model.has_interval));
      return writer.rows(batch.records, predicted);
    };
    VGSALES_TRY(read_csv_in_batches(o.input, serve::kRestClientBatchRows, handlers, delimiter_from_flag(o.delimiter)));
    return writer.finish();
  });
}

}  // namespace

void register_predict_command(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<PredictOptions>();
  CLI::App* command = app.add_subcommand("predict", "Estimate the target for new games with a saved model");
  FlagTable flags(command);
  flags.described("--model", "DIR", options->model, "required (or `--server`)",
                  "model directory, or `gs://BUCKET/PATH` (its highest complete version)");
  auto* input = flags.described("--input", "FILE", options->input, "required (or `--row`)",
                                "CSV of games (columns by name, any order; extra columns ignored with a warning)");
  auto* row =
      flags.described("--row", "'name=value,...'", options->row, "none",
                      "one game typed in; a value may be double-quoted (`Publisher=\"Take-Two Interactive, Inc.\"`)");
  input->excludes(row);
  flags.described("--output", "FILE", options->output, "stdout", "write here instead (atomically)");
  flags
      .option("--format", "csv|json", options->format_name,
              "csv: the input's cells as read plus `predicted_<target>`; json: TF Serving's `{\"predictions\": [[v], "
              "...]}`")
      ->check(CLI::IsMember(choice_names_of(kPredictionFormatNames)));
  flags.list("--na-values", "a,b", options->na_values, "the model's own",
             "extra spellings of a missing value (the model's own always apply)");
  add_delimiter_flag(flags, options->delimiter);
  flags.described("--server", "URL", options->server, "none",
                  "send the rows to a TF-Serving-compatible server instead, e.g. http://localhost:8501");
  flags.option("--model_name", "NAME", options->model_name, "the model's name on `--server`");
  command->callback([options, &chosen] {
    chosen = [options]() -> Result<void> {
      const PredictOptions& o = *options;
      if (o.input.empty() && o.row.empty())
        return make_error(ErrorKind::usage, "give --input FILE or --row 'name=value,...'");
      if (o.model.empty() == o.server.empty())
        return make_error(ErrorKind::usage, "give either --model DIR or --server URL");
      if (!o.server.empty()) return predict_file_remotely(o);
      if (!o.row.empty()) return predict_row(o);
      return predict_file(o);
    };
  });
}

}  // namespace vgsales::cli
