// vgsales train: fit the network on a CSV and write the model directory.
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/console_format.h"
#include "cli/delimiter_flag.h"
#include "cli/flag_table.h"
#include "cli/interrupt.h"
#include "cli/progress_printer.h"
#include "cli/train_extensions.h"
#include "common/target_units.h"
#include "explain/global_importance.h"
#include "model/training_job.h"

namespace vgsales::cli {

namespace {

void print_report(const TrainingJobReport& report, const TargetUnits& unit, const KeptEpochFacts& kept) {
  const ModelMetadata& m = report.metadata;
  // The last epoch line shows the last epoch's weights; the model holds the kept epoch's, and so does the table.
  // A log1p model's saved output also carries the retransformation-bias correction, applied after training:
  // that is why its errors differ from the kept epoch's line.
  const std::string weights = m.member_epochs.size() > 1
                                  ? fmt::format("{} members at their kept epochs", m.member_epochs.size())
                                  : fmt::format("the weights of epoch {}", m.kept_epoch);
  fmt::print("\n{}\nErrors of the saved model ({}{}), {}:\n", describe_kept_epoch(kept), weights,
             m.pipeline.target_transform() == TargetTransform::log1p ? ", with the log1p bias correction" : "",
             unit.phrase());
  fmt::print("| split | rows | RMSE | MAE | MAPE | R² |\n|---|---|---|---|---|---|\n");
  std::vector<std::string> mape_notes;
  for (const auto& [split, metrics] : m.metrics) {
    fmt::print("| {} | {} | {} | {} | {} | {:.4f} |\n", split, with_thousands(static_cast<double>(metrics.rows), 0),
               target_amount(metrics.rmse, unit), target_amount(metrics.mae, unit), mape_cell(metrics), metrics.r2);
    if (auto reason = mape_hidden_reason(metrics, split)) mape_notes.push_back(*reason);
  }
  for (const std::string& note : mape_notes) fmt::print("* MAPE {}\n", note);
  if (!m.baselines.empty()) {
    const std::string held_out = m.metrics.count("test")         ? "test"
                                 : m.metrics.count("validation") ? "validation"
                                                                 : "train";
    const auto& mean = m.baselines.at("mean");
    const auto& linear = m.baselines.at("linear");
    const auto& network = m.metrics.at(held_out);
    fmt::print("\nOn the {} split, RMSE / MAE: network {} / {} · linear baseline {} / {} · mean baseline {} / {}\n",
               held_out, target_amount(network.rmse, unit), target_quantity(network.mae, unit),
               target_amount(linear.rmse, unit), target_quantity(linear.mae, unit), target_amount(mean.rmse, unit),
               target_quantity(mean.mae, unit));
  }
  if (m.has_interval()) {
    const std::string held_out = m.metrics.count("test") ? "test" : "validation";
    const auto& metrics = m.metrics.at(held_out);
    fmt::print(
        "Median and {:g}% interval on the {} split: median MAE {}, {:.1f}% of the rows inside, mean width {} "
        "(calibrated on {} validation rows; median by {})\n",
        100 * m.interval_level, held_out, target_quantity(metrics.median_mae, unit), 100 * metrics.coverage,
        target_quantity(metrics.mean_interval_width, unit), m.interval_calibration_rows,
        m.shifts.median_from_head ? "the median head" : "offset");
  }
  if (m.member_epochs.size() > 1)
    fmt::print("Saved the ensemble of {} members to {} ({} epochs run in {:.2f} s)\n", m.member_epochs.size(),
               report.model_dir.string(), m.epochs_run, m.training_seconds);
  else
    fmt::print("Saved the model of epoch {} to {} ({} epochs run in {:.2f} s)\n", m.kept_epoch,
               report.model_dir.string(), m.epochs_run, m.training_seconds);
}

// The printer's view of the run, completed with how it ended and what the model's metadata says was kept.
KeptEpochFacts kept_epoch_facts(const ProgressPrinter& progress, const TrainingJobReport& report) {
  const ModelMetadata& m = report.metadata;
  KeptEpochFacts facts = progress.facts();
  facts.status = report.outcome.status;
  facts.planned_epochs = m.settings.epochs;
  facts.epochs_run = m.epochs_run;
  facts.kept_epoch = m.kept_epoch;
  facts.member_epochs = m.member_epochs;
  facts.early_stopping = m.settings.early_stopping;
  return facts;
}

struct TrainOptions {
  TrainingJobOptions job;
  std::string train, test, out, resume, schema, delimiter = "auto";
  // Each setting whose flag takes text (--layers, --median, ...): its declaration and the flag's text.
  std::vector<std::pair<const SettingDeclaration*, std::string>> text_settings;
  bool quiet = false;
  TrainExtensionOptions extensions;
};

// Every training setting from its one declaration: those whose flag takes text first, then the typed, bounded
// numbers (the README's order).
void add_setting_flags(FlagTable& flags, TrainOptions& options) {
  TrainingSettings& s = options.job.settings;
  for (const SettingDeclaration& setting : training_setting_declarations())
    if (!setting.numeric) options.text_settings.emplace_back(&setting, setting.flag_text(s));
  // Bound only now: CLI11 keeps a reference to each text, and the vector no longer grows.
  for (auto& [setting, text] : options.text_settings)
    flags.option(setting->flag, setting->value_name, text, setting->help);
#define VGSALES_ADD_SETTING_FLAG(type, field, flag, fallback, low, high, hparam, help)                   \
  flags.bounded<type>(flag, std::is_floating_point_v<type> ? "F" : "N", s.field, static_cast<type>(low), \
                      static_cast<type>(high), help);
  VGSALES_TRAINING_SETTINGS(VGSALES_ADD_SETTING_FLAG)
#undef VGSALES_ADD_SETTING_FLAG
}

// Which columns, how they are read, and what the output is called.
void add_column_flags(FlagTable& flags, TrainOptions& options) {
  TrainingJobOptions& job = options.job;
  flags.list("--features", "a,b,c", job.features, "all but the target", "feature columns, in this order");
  flags.list("--drop", "x,y", job.drop, "none", "columns to leave out");
  flags.list("--categorical", "x,y", job.categorical, "inferred", "columns to treat as categories");
  flags.list("--numeric", "x,y", job.numeric, "inferred", "columns to treat as numbers");
  flags.described("--schema", "FILE.json", options.schema, "inferred",
                  "column types as in model.json's pipeline features ([{\"name\": ..., \"type\": ...}])");
  flags.list("--na-values", "a,b", job.na_values, "`,NA,N/A,NaN,null,tbd`",
             "spellings of a missing value (case-insensitive); the model keeps them for predict and serve");
  add_delimiter_flag(flags, options.delimiter);
  flags.described("--output-name", "NAME", job.output_name, "target without `total_`",
                  "the output's name in exports and the REST API (`earnings`)");
}

// The parsed flags into the job's options; errors name the flag.
Result<void> complete_job_options(TrainOptions& options, const CLI::App& command) {
  TrainingJobOptions& job = options.job;
  for (const auto& [setting, text] : options.text_settings) VGSALES_TRY(setting->parse(job.settings, text));
  job.layers_given = command.count("--layers") > 0;
  job.train_file = options.train;
  job.test_file = options.test;
  job.resume_dir = options.resume;
  job.schema_file = options.schema;
  job.delimiter = delimiter_from_flag(options.delimiter);
  if (options.out.empty() && options.resume.empty())
    return make_error(ErrorKind::usage, "--out is required (the model directory to write)");
  job.out_dir = options.out.empty() ? options.resume : options.out;
  return {};
}

Result<void> run_train(TrainOptions& options, const CLI::App& command) {
  VGSALES_TRY(complete_job_options(options, command));
  const TargetUnits unit = target_units_of(options.job.target, options.job.settings);
  ProgressPrinter progress(unit, options.quiet);
  TrainingJobHooks hooks;
  hooks.observers.push_back(&progress);
  hooks.stop_requested = install_stop_handler();
  hooks.notice = [](const std::string& line) { fmt::print("{}\n", line); };
  if (!options.quiet)
    hooks.pipeline_ready = [](const FeaturePipeline& pipeline) {
      fmt::print("Features:\n{}\n", describe_features(pipeline));
    };
  hooks.explain_saved_model = describe_global_importance;
  VGSALES_ASSIGN_OR_RETURN(auto extensions, open_train_extensions(options.extensions, hooks));
  VGSALES_ASSIGN_OR_RETURN(const TrainingJobReport report, run_training_job(options.job, hooks));
  const KeptEpochFacts kept = kept_epoch_facts(progress, report);
  print_report(report, unit, kept);
  if (report.interrupted)
    return make_error(ErrorKind::interrupted, describe_interruption(kept, report.model_dir.string()));
  return {};
}

}  // namespace

void register_train_command(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* command = app.add_subcommand("train", "Train a network on a CSV of past games and save a model directory");
  FlagTable flags(command);
  flags.required("--train", "FILE", options->train, "training CSV (header row required)");
  flags.described("--test", "FILE", options->test, "none", "test CSV, evaluated every epoch, never used for fitting");
  flags.required("--target", "COLUMN", options->job.target, "column to predict (any position)");
  flags.described("--out", "DIR", options->out, "required (defaults to `--resume`'s)",
                  "model directory to write (replaced only once the new model is complete)");
  add_setting_flags(flags, *options);
  add_column_flags(flags, *options);
  flags.described("--resume", "DIR", options->resume, "none",
                  "continue from DIR's checkpoint (the kept epoch's weights and Adam state) up to `--epochs`");
  flags.flag("--quiet", options->quiet, "print only errors and the final summary");
  add_train_extension_flags(flags, options->extensions);
  command->callback([options, command, &chosen] {
    chosen = [options, command]() -> Result<void> { return run_train(*options, *command); };
  });
}

}  // namespace vgsales::cli
