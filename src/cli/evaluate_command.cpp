// vgsales evaluate: a saved model's errors on a labelled CSV, in the target's units.
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/console_format.h"
#include "model/model_evaluation.h"

namespace vgsales::cli {

void register_evaluate_command(CLI::App& app, CommandAction& chosen) {
  struct Options {
    std::string model, data;
    std::vector<std::string> na_values;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("evaluate", "Report MSE, RMSE, MAE, MAPE and R² of a model on a labelled CSV");
  command->add_option("--model", options->model, "model directory")->required();
  command->add_option("--data", options->data, "CSV with the feature columns and the target")->required();
  command->add_option("--na-values", options->na_values, "spellings of a missing value")->delimiter(',');
  command->add_flag("--json", options->json, "print one JSON object (mse, rmse, mae, mape, r2, rows)");
  command->callback([options, &chosen] {
    chosen = [options]() -> Result<void> {
      VGSALES_ASSIGN_OR_RETURN(const auto predictor, load_predictor(options->model));
      VGSALES_ASSIGN_OR_RETURN(const SplitMetrics m, evaluate_table(*predictor, options->data, options->na_values));
      if (options->json) {
        fmt::print("{{\"mse\": {}, \"rmse\": {}, \"mae\": {}, \"mape\": {}, \"r2\": {}, \"rows\": {}}}\n", m.mse, m.rmse,
                   m.mae, m.mape, m.r2, m.rows);
        return {};
      }
      const std::string unit = unit_prefix_for(predictor->signature().target_name);
      fmt::print("{} rows of {} (target {})\n", m.rows, options->data, predictor->signature().target_name);
      fmt::print("  RMSE  {}\n  MAE   {}\n  MSE   {}\n  MAPE  {:.2f}%\n  R²    {:.4f}\n", target_amount(m.rmse, unit),
                 target_amount(m.mae, unit), with_thousands(m.mse, 0), m.mape, m.r2);
      return {};
    };
  });
}

}  // namespace vgsales::cli
