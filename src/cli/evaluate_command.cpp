// vgsales evaluate: a saved model's errors on a labelled CSV, in the target's units.
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/console_format.h"
#include "cli/delimiter_flag.h"
#include "cli/flag_table.h"
#include "common/target_units.h"
#include "model/model_evaluation.h"
#include "storage/gcs_model_store.h"

namespace vgsales::cli {

void register_evaluate_command(CLI::App& app, CommandAction& chosen) {
  struct Options {
    std::string model, data, delimiter = "auto";
    std::vector<std::string> na_values;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("evaluate", "Report MSE, RMSE, MAE, MAPE and R² of a model on a labelled CSV");
  FlagTable flags(command);
  flags.required("--model", "DIR", options->model, "model directory or `gs://BUCKET/PATH`");
  flags.required("--data", "FILE", options->data, "CSV with the feature columns and the target");
  flags.list("--na-values", "a,b", options->na_values, "the model's own",
             "extra spellings of a missing value (the model's own always apply)");
  add_delimiter_flag(flags, options->delimiter);
  flags.flag(
      "--json", options->json,
      "print one JSON object (`mse`, `rmse`, `mae`, `mape`, `r2`, `rows`, `near_zero_targets`; with an interval also "
      "`median_mae`, `coverage`, `mean_interval_width`)");
  command->callback([options, &chosen] {
    chosen = [options]() -> Result<void> {
      VGSALES_ASSIGN_OR_RETURN(const auto model_dir, storage::local_model_directory(options->model));
      VGSALES_ASSIGN_OR_RETURN(const auto predictor, load_predictor(model_dir));
      VGSALES_ASSIGN_OR_RETURN(const CsvEvaluation evaluation,
                               evaluate_csv(*predictor, options->data, options->na_values,
                                            delimiter_from_flag(options->delimiter)));
      // On stderr, so that --json stays one object on stdout.
      if (evaluation.header.detected_delimiter)
        fmt::print(stderr, "{}\n", detected_delimiter_notice(options->data, evaluation.header.detected_delimiter));
      const SplitMetrics& m = evaluation.metrics;
      if (options->json) {
        const std::string interval =
            m.has_interval_metrics()
                ? fmt::format(", \"median_mae\": {}, \"coverage\": {}, \"mean_interval_width\": {}", m.median_mae,
                              m.coverage, m.mean_interval_width)
                : "";
        fmt::print(
            "{{\"mse\": {}, \"rmse\": {}, \"mae\": {}, \"mape\": {}, \"r2\": {}, \"rows\": {}, "
            "\"near_zero_targets\": {}{}}}\n",
            m.mse, m.rmse, m.mae, m.mape, m.r2, m.rows, m.near_zero_targets, interval);
        return {};
      }
      const std::string& target = predictor->pipeline().target();
      const TargetUnits unit = predictor->metadata().target_units();
      fmt::print("{} rows of {} (target {}, errors {})\n", with_thousands(static_cast<double>(m.rows), 0),
                 options->data, target, unit.phrase());
      // MSE is in squared units, so it gets no currency sign; every figure keeps 4 significant digits.
      fmt::print("  RMSE  {}\n  MAE   {}\n  MSE   {}\n", target_quantity(m.rmse, unit), target_quantity(m.mae, unit),
                 figure(m.mse));
      if (auto reason = mape_hidden_reason(m)) {
        fmt::print("  MAPE  {}\n", *reason);
      } else {
        fmt::print("  MAPE  {:.2f}%\n", m.mape);
      }
      fmt::print("  R²    {:.4f}\n", m.r2);
      if (m.has_interval_metrics())
        fmt::print("  median MAE  {}\n  interval    {:.1f}% of the rows inside, mean width {}\n",
                   target_quantity(m.median_mae, unit), 100 * m.coverage, target_quantity(m.mean_interval_width, unit));
      return {};
    };
  });
}

}  // namespace vgsales::cli
