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
      fmt::print(" {:<28}{:<22}{:>12}\n", "scaling (MinMax, fixed)", fmt::format("(None, {})", width), 0);
      for (size_t i = 0; i < network.layers.size(); ++i) {
        const auto& layer = network.layers[i];
        const bool last = i + 1 == network.layers.size();
        const std::string name =
            layer_display_name(i, network.layers.size()) + (last ? " (Dense)" : " (Dense, relu)");
        fmt::print(" {:<28}{:<22}{:>12}\n", name, fmt::format("(None, {})", layer.output_size),
                   with_thousands(static_cast<double>(layer.input_size * layer.output_size + layer.output_size), 0));
      }
      fmt::print(" {:<28}{:<22}{:>12}\n{}\n", "unscaling (fixed)", "(None, 1)", 0, double_rule);
      fmt::print("Total params: {}\nTrainable params: {}\nNon-trainable params: 0\n{}\n\n",
                 with_thousands(static_cast<double>(network.parameter_count()), 0),
                 with_thousands(static_cast<double>(network.parameter_count()), 0), rule);
      fmt::print("Features:\n{}\n", describe_features(m.pipeline));
      fmt::print("Training: {} epochs run, kept epoch {}, status {}, {:.2f}s; batch {}, learning rate {}, seed {}; "
                 "validation split {:g}, target transform {}\n\n",
                 m.epochs_run, m.best_epoch, m.status, m.training_seconds, m.settings.batch_size,
                 m.settings.learning_rate, m.settings.seed, m.settings.validation_split.value_or(0.0),
                 target_transform_name(m.pipeline.target_transform()));
      const std::string unit = unit_prefix_for(m.target());
      fmt::print("| split | rows | RMSE | MAE | MAPE | R² |\n|---|---|---|---|---|---|\n");
      for (const auto& [split, s] : m.metrics)
        fmt::print("| {} | {} | {} | {} | {:.2f}% | {:.4f} |\n", split, s.rows, target_amount(s.rmse, unit),
                   target_amount(s.mae, unit), s.mape, s.r2);
      for (const auto& [name, s] : m.baselines)
        fmt::print("| baseline: {} | {} | {} | {} | {:.2f}% | {:.4f} |\n", name, s.rows, target_amount(s.rmse, unit),
                   target_amount(s.mae, unit), s.mape, s.r2);
      return {};
    };
  });
}

}  // namespace vgsales::cli
