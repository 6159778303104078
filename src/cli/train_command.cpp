// vgsales train: fit the network on a CSV and write the model directory.
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/console_format.h"
#include "cli/interrupt.h"
#include "cli/progress_printer.h"
#include "cli/train_extensions.h"
#include "common/target_units.h"
#include "model/training_job.h"

namespace vgsales::cli {

namespace {

void print_report(const TrainingJobReport& report, const std::string& unit, const KeptEpochFacts& kept) {
  const ModelMetadata& m = report.metadata;
  // The last epoch line shows the last epoch's weights; the model holds the kept epoch's, and so does the table.
  // A log1p model's saved output also carries the retransformation-bias correction, applied after training:
  // that is why its errors differ from the kept epoch's line.
  fmt::print("\n{}\nErrors of the saved model (the weights of epoch {}{}), {}:\n", describe_kept_epoch(kept),
             m.best_epoch, m.target_transform == "log1p" ? ", with the log1p bias correction" : "",
             target_units_phrase(m.schema.target));
  fmt::print("| split | rows | RMSE | MAE | MAPE | R² |\n|---|---|---|---|---|---|\n");
  std::vector<std::string> mape_notes;
  for (const auto& [split, metrics] : m.metrics) {
    fmt::print("| {} | {} | {} | {} | {} | {:.4f} |\n", split, with_thousands(static_cast<double>(metrics.rows), 0),
               target_amount(metrics.rmse, unit), target_amount(metrics.mae, unit), mape_cell(metrics), metrics.r2);
    if (auto reason = mape_hidden_reason(metrics, split)) mape_notes.push_back(*reason);
  }
  for (const std::string& note : mape_notes) fmt::print("* MAPE {}\n", note);
  if (!m.baselines.empty()) {
    const std::string held_out = m.metrics.count("test") ? "test" : m.metrics.count("validation") ? "validation" : "train";
    const auto& mean = m.baselines.at("mean");
    const auto& linear = m.baselines.at("linear");
    const auto& network = m.metrics.at(held_out);
    fmt::print("\nOn the {} split, RMSE / MAE: network {} / {} · linear baseline {} / {} · mean baseline {} / {}\n",
               held_out, target_amount(network.rmse, unit), target_amount(network.mae, unit),
               target_amount(linear.rmse, unit), target_amount(linear.mae, unit), target_amount(mean.rmse, unit),
               target_amount(mean.mae, unit));
  }
  fmt::print("Saved the model of epoch {} to {} ({} epochs run in {:.2f} s)\n", m.best_epoch, report.model_dir.string(),
             m.epochs_run, m.training_seconds);
}

// The printer's view of the run, completed with what the model's metadata says was kept.
KeptEpochFacts kept_epoch_facts(const ProgressPrinter& progress, const ModelMetadata& m) {
  KeptEpochFacts facts = progress.facts();
  facts.status = m.status;
  facts.planned_epochs = m.settings.epochs;
  facts.epochs_run = m.epochs_run;
  facts.kept_epoch = m.best_epoch;
  facts.early_stopping = m.settings.early_stopping;
  return facts;
}

}  // namespace

void register_train_command(CLI::App& app, CommandAction& chosen) {
  struct Options {
    TrainingJobOptions job;
    std::string train, test, out, resume, schema, layers = "50,100,50", validation_split = "auto";
    std::vector<std::string> features, drop, categorical, numeric, na_values;
    bool quiet = false;
    TrainExtensionOptions extensions;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("train", "Train a network on a CSV of past games and save a model directory");
  command->add_option("--train", options->train, "training CSV (header row required)")->required();
  command->add_option("--test", options->test, "test CSV, evaluated every epoch (never used for fitting)");
  command->add_option("--target", options->job.schema.target, "name of the column to predict")->required();
  command->add_option("--out", options->out, "model directory to write (replaced only once the new model is complete)");
  command->add_option("--layers", options->layers, "hidden layer widths")->default_val("50,100,50");
  TrainingSettings& s = options->job.settings;
#define VGSALES_ADD_SETTING_FLAG(type, field, flag, fallback, low, high, help) \
  command->add_option(flag, s.field, help)->default_val(fallback)->check(CLI::Range(static_cast<type>(low), static_cast<type>(high)));
  VGSALES_TRAINING_SETTINGS(VGSALES_ADD_SETTING_FLAG)
#undef VGSALES_ADD_SETTING_FLAG
  command->add_option("--validation-split", options->validation_split,
                      "fraction of the training rows held out to pick the best epoch (auto: 0.1 above 10,000 rows)")
      ->default_val("auto");
  command->add_option("--target-transform", s.target_transform,
                      "transform the target before scaling (auto: log1p for a non-negative target with skewness above 2)")
      ->default_val("auto")
      ->check(CLI::IsMember({"auto", "none", "log1p"}));
  command->add_option("--features", options->features, "feature columns (default: every column but the target)")->delimiter(',');
  command->add_option("--drop", options->drop, "columns to leave out")->delimiter(',');
  command->add_option("--categorical", options->categorical, "columns to treat as categories")->delimiter(',');
  command->add_option("--numeric", options->numeric, "columns to treat as numbers")->delimiter(',');
  command->add_option("--schema", options->schema, "JSON file of column types (the format of model.json's \"features\")");
  command->add_option("--na-values", options->na_values, "spellings of a missing value (default: empty,NA,N/A,NaN,null,tbd)")
      ->delimiter(',');
  command->add_option("--output-name", options->job.output_name, "output tensor name (default: target without 'total_')");
  command->add_option("--resume", options->resume, "continue training the model in this directory from its checkpoint");
  command->add_flag("--quiet", options->quiet, "print only errors and the final summary");
  add_train_extension_flags(*command, options->extensions);
  command->callback([options, command, &chosen] {
    chosen = [options, command]() -> Result<void> {
      TrainingJobOptions& job = options->job;
      VGSALES_ASSIGN_OR_RETURN(job.settings.hidden_layers, parse_layer_list(options->layers));
      VGSALES_ASSIGN_OR_RETURN(job.settings.validation_split, parse_validation_split(options->validation_split));
      job.layers_given = command->count("--layers") > 0;
      job.train_file = options->train;
      job.test_file = options->test;
      job.resume_dir = options->resume;
      job.schema_file = options->schema;
      job.schema.features = options->features;
      job.schema.drop = options->drop;
      job.schema.categorical = options->categorical;
      job.schema.numeric = options->numeric;
      job.na_values = options->na_values;
      if (options->out.empty() && options->resume.empty())
        return make_error(ErrorKind::usage, "--out is required (the model directory to write)");
      job.out_dir = options->out.empty() ? options->resume : options->out;
      const std::string unit = unit_prefix_for(job.schema.target);

      ProgressPrinter progress(unit, options->quiet);
      TrainingJobHooks hooks;
      hooks.observers.push_back(&progress);
      hooks.stop_requested = install_stop_handler();
      hooks.notice = [](const std::string& line) { fmt::print("{}\n", line); };
      if (!options->quiet)
        hooks.schema_ready = [](const DatasetSchema& schema) { fmt::print("Schema:\n{}\n", describe_schema(schema)); };
      VGSALES_ASSIGN_OR_RETURN(auto extensions, open_train_extensions(options->extensions, hooks));
      VGSALES_ASSIGN_OR_RETURN(const TrainingJobReport report, run_training_job(job, hooks));
      const KeptEpochFacts kept = kept_epoch_facts(progress, report.metadata);
      print_report(report, unit, kept);
      if (report.interrupted)
        return make_error(ErrorKind::interrupted, describe_interruption(kept, report.model_dir.string()));
      return {};
    };
  });
}

}  // namespace vgsales::cli
