// vgsales info: a Keras-style summary of a saved model, its schema and its metrics.
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/console_format.h"
#include "cli/flag_table.h"
#include "model/model_directory.h"
#include "model/model_metadata.h"

namespace vgsales::cli {

void register_info_command(CLI::App& app, CommandAction& chosen) {
  auto model = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("info", "Summarise a model: layers, shapes, parameters, schema, metrics");
  FlagTable flags(command);
  flags.required("--model", "DIR", *model, "model directory");
  command->callback([model, &chosen] {
    chosen = [model]() -> Result<void> {
      VGSALES_ASSIGN_OR_RETURN(const LoadedModel loaded, load_model(*model));
      const ModelMetadata& m = loaded.metadata;
      const PortableNetwork& network = loaded.network;
      const std::string rule(72, '_'), double_rule(72, '=');
      fmt::print("Model: \"{}\" predicts {} (output \"{}\"), created {}\n{}\n", *model, m.target(), m.output_name,
                 m.created, rule);
      fmt::print(" {:<28}{:<22}{:>12}\n{}\n", "Layer (type)", "Output Shape", "Param #", double_rule);
      const auto width = network.input_width();
      fmt::print(" {:<28}{:<22}{:>12}\n", "input (InputLayer)", fmt::format("(None, {})", width), 0);
      fmt::print(" {:<28}{:<22}{:>12}\n",
                 m.pipeline.scaling().method == InputScaling::standard ? "scaling (Standard, fixed)"
                                                                       : "scaling (MinMax, fixed)",
                 fmt::format("(None, {})", width), 0);
      // One member's layers: an ensemble's members share them (the count is below).
      const DenseStack& member = *network.stacks().front();
      for (size_t i = 0; i < member.size(); ++i) {
        const auto& layer = member[i];
        const bool last = i + 1 == member.size();
        const std::string name =
            layer_display_name(i, member.size()) +
            (last ? (layer.output_size == 2 ? " (Dense: mean, median)" : " (Dense)") : " (Dense, relu)");
        fmt::print(" {:<28}{:<22}{:>12}\n", name, fmt::format("(None, {})", layer.output_size),
                   with_thousands(static_cast<double>(layer.input_size * layer.output_size + layer.output_size), 0));
      }
      if (network.stacks().size() > 1)
        fmt::print(" {:<28}{:<22}{:>12}\n", fmt::format("ensemble (x{}, averaged)", network.stacks().size()),
                   "(None, 1)", "");
      fmt::print(" {:<28}{:<22}{:>12}\n{}\n", "unscaling (fixed)", "(None, 1)", 0, double_rule);
      fmt::print("Total params: {}\nTrainable params: {}\nNon-trainable params: 0\n{}\n\n",
                 with_thousands(static_cast<double>(network.parameter_count()), 0),
                 with_thousands(static_cast<double>(network.parameter_count()), 0), rule);
      fmt::print("Features:\n{}\n", describe_features(m.pipeline));
      std::string kept = fmt::format("kept epoch {}", m.best_epoch);
      if (m.member_epochs.size() > 1) {
        kept = fmt::format("{} members, kept epochs", m.member_epochs.size());
        for (size_t k = 0; k < m.member_epochs.size(); ++k)
          kept += (k ? ", " : " ") + std::to_string(m.member_epochs[k]);
      }
      fmt::print(
          "Training: {} epochs run, {}, status {}, {:.2f}s; batch {}, learning rate {}, seed {}; "
          "validation split {:g}, patience {}, target transform {}, input scaling {}\n",
          m.epochs_run, kept, m.status, m.training_seconds, m.settings.batch_size, m.settings.learning_rate,
          m.settings.seed, m.settings.validation_split.value_or(0.0), m.settings.early_stopping,
          target_transform_name(m.pipeline.target_transform()), input_scaling_name(m.pipeline.scaling().method));
      if (m.has_interval())
        fmt::print("Estimates: mean ({}), median by {}, {:g}% interval ({})\n", describe_mean_shift(m),
                   m.shifts.median_from_head ? "the median head" : "offset", 100 * m.interval_level,
                   m.interval_calibration);
      else
        fmt::print("Estimates: mean only (no interval: {})\n",
                   m.settings.interval > 0 ? "too few validation rows to calibrate one" : "--interval 0");
      fmt::print("\n");
      const std::string unit = unit_prefix_for(m.target());
      fmt::print(
          "| split | rows | RMSE | MAE | MAPE | R² | median MAE | coverage | mean width |\n"
          "|---|---|---|---|---|---|---|---|---|\n");
      for (const auto& [split, s] : m.metrics) {
        const bool interval = s.has_interval_metrics();
        fmt::print("| {} | {} | {} | {} | {:.2f}% | {:.4f} | {} | {} | {} |\n", split, s.rows,
                   target_amount(s.rmse, unit), target_amount(s.mae, unit), s.mape, s.r2,
                   interval ? target_amount(s.median_mae, unit) : "",
                   interval ? fmt::format("{:.1f}%", 100 * s.coverage) : "",
                   interval ? target_amount(s.mean_interval_width, unit) : "");
      }
      for (const auto& [name, s] : m.baselines)
        fmt::print("| baseline: {} | {} | {} | {} | {:.2f}% | {:.4f} | | | |\n", name, s.rows,
                   target_amount(s.rmse, unit), target_amount(s.mae, unit), s.mape, s.r2);
      return {};
    };
  });
}

}  // namespace vgsales::cli
