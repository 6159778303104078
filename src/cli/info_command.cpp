// vgsales info: a Keras-style summary of a saved model, its schema and its metrics.
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/console_format.h"
#include "cli/flag_table.h"
#include "model/model_directory.h"
#include "model/model_metadata.h"

namespace vgsales::cli {

namespace {

const std::string kRule(72, '_'), kDoubleRule(72, '=');

// Keras's summary table: each layer's output shape and parameters.
void print_layers(const ModelMetadata& m, const PortableNetwork& network) {
  fmt::print(" {:<28}{:<22}{:>12}\n{}\n", "Layer (type)", "Output Shape", "Param #", kDoubleRule);
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
    fmt::print(" {:<28}{:<22}{:>12}\n", fmt::format("ensemble (x{}, averaged)", network.stacks().size()), "(None, 1)",
               "");
  fmt::print(" {:<28}{:<22}{:>12}\n", "unscaling (fixed)", "(None, 1)", 0);
  if (network.clips_output()) fmt::print(" {:<28}{:<22}{:>12}\n", "target_range (clip)", "(None, 1)", 0);
  fmt::print("{}\n", kDoubleRule);
  fmt::print("Total params: {}\nTrainable params: {}\nNon-trainable params: 0\n{}\n\n",
             with_thousands(static_cast<double>(network.parameter_count()), 0),
             with_thousands(static_cast<double>(network.parameter_count()), 0), kRule);
}

// How the run went, every setting it used (from the settings' one list) and what the model estimates.
void print_training(const ModelMetadata& m) {
  std::string kept = fmt::format("kept epoch {}", m.kept_epoch);
  if (m.member_epochs.size() > 1) {
    kept = fmt::format("{} members, kept epochs", m.member_epochs.size());
    for (size_t k = 0; k < m.member_epochs.size(); ++k) kept += (k ? ", " : " ") + std::to_string(m.member_epochs[k]);
  }
  fmt::print("Training: {} epochs run, {}, status {}, {:.2f}s\nSettings: {}\n", m.epochs_run, kept, m.status,
             m.training_seconds, describe_settings(m.settings));
  const TargetUnits units = m.target_units();
  const TargetRange& range = m.pipeline.target_range();
  fmt::print("Target: {}{}, {}; {}\n", units.name(), units.name() == m.target() ? "" : " (" + m.target() + ")",
             units.units.empty() ? "no units given" : "in " + units.units,
             range.bounded() ? "every estimate, median and bound is clipped to " + describe_target_range(range)
                             : "estimates are not clipped (no target range)");
  if (m.has_interval())
    fmt::print("Estimates: mean ({}), median by {}, {:g}% interval ({})\n", describe_mean_shift(m),
               m.shifts.median_from_head ? "the median head" : "offset", 100 * m.interval_level,
               m.interval_calibration);
  else
    fmt::print("Estimates: mean only (no interval: {})\n",
               m.settings.interval > 0 ? "too few validation rows to calibrate one" : "--interval 0");
  fmt::print("\n");
}

void print_metrics(const ModelMetadata& m) {
  const TargetUnits unit = m.target_units();
  fmt::print("Errors {}:\n", unit.phrase());
  fmt::print(
      "| split | rows | RMSE | MAE | MAPE | R² | median MAE | coverage | mean width |\n"
      "|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& [split, s] : m.metrics) {
    const bool interval = s.has_interval_metrics();
    fmt::print("| {} | {} | {} | {} | {:.2f}% | {:.4f} | {} | {} | {} |\n", split, s.rows, target_amount(s.rmse, unit),
               target_amount(s.mae, unit), s.mape, s.r2, interval ? target_amount(s.median_mae, unit) : "",
               interval ? fmt::format("{:.1f}%", 100 * s.coverage) : "",
               interval ? target_amount(s.mean_interval_width, unit) : "");
  }
  for (const auto& [name, s] : m.baselines)
    fmt::print("| baseline: {} | {} | {} | {} | {:.2f}% | {:.4f} | | | |\n", name, s.rows, target_amount(s.rmse, unit),
               target_amount(s.mae, unit), s.mape, s.r2);
}

}  // namespace

void register_info_command(CLI::App& app, CommandAction& chosen) {
  auto model = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("info", "Summarise a model: layers, shapes, parameters, schema, metrics");
  FlagTable flags(command);
  flags.required("--model", "DIR", *model, "model directory");
  command->callback([model, &chosen] {
    chosen = [model]() -> Result<void> {
      VGSALES_ASSIGN_OR_RETURN(const LoadedModel loaded, load_model(*model));
      const ModelMetadata& m = loaded.metadata;
      fmt::print("Model: \"{}\" predicts {} (output \"{}\"), created {}\n{}\n", *model, m.target(), m.output_name,
                 m.created, kRule);
      print_layers(m, loaded.network);
      fmt::print("Features:\n{}\n", describe_features(m.pipeline));
      print_training(m);
      print_metrics(m);
      return {};
    };
  });
}

}  // namespace vgsales::cli
