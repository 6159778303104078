// Builds the model card; TensorBoard's text plugin renders Markdown tables.
#include "tensorboard/model_card.h"

#include <fmt/format.h>
#include <filesystem>
#include <map>
#include <type_traits>

#include "common/target_units.h"
#include "model/metrics.h"

namespace vgsales::tensorboard {
namespace {

std::string architecture_table(const PortableNetwork& network) {
  // One member's layers: an ensemble's members share them.
  const DenseStack& member = *network.stacks().front();
  std::string text = "| layer | inputs | outputs | activation | parameters |\n|---|---|---|---|---|\n";
  text += fmt::format("| scaling (fixed) | {} | {} | - | 0 |\n", network.input_width(), network.input_width());
  for (std::size_t index = 0; index < member.size(); ++index) {
    const DenseLayer& layer = member[index];
    // The names `vgsales info` and the histograms use: the last layer is `output`.
    text += fmt::format("| {} | {} | {} | {} | {} |\n", layer_display_name(index, member.size()), layer.input_size,
                        layer.output_size, layer.relu ? "ReLU" : "linear",
                        layer.input_size * layer.output_size + layer.output_size);
  }
  if (network.stacks().size() > 1)
    text += fmt::format(
        "\nAn ensemble of {} such networks (own seeds and shuffles), their outputs averaged; the "
        "Graphs tab and the weight histograms show the first.\n",
        network.stacks().size());
  if (member.back().output_size == 2)
    text += "\nThe output's second column is the median head (pinball loss, detached).\n";
  text += fmt::format("\n{} parameters in all.\n", network.parameter_count());
  return text;
}

std::string file_name(const std::string& path) {
  return path.empty() ? std::string("-") : std::filesystem::path(path).filename().string();
}

// The status line: training, or how it ended and which epochs the model keeps.
std::string status_section(const TrainingRunInfo& info, const TrainingOutcome* outcome) {
  if (outcome == nullptr) return fmt::format("**Status:** training ({} epochs planned).\n\n", info.epochs);
  std::string kept = fmt::format("kept epoch {}", outcome->kept_epoch);
  if (outcome->member_epochs.size() > 1) {
    kept = "members kept epochs";
    for (size_t k = 0; k < outcome->member_epochs.size(); ++k)
      kept += (k ? ", " : " ") + std::to_string(outcome->member_epochs[k]);
  }
  std::string text = fmt::format("**Status:** {} after {} of {} epochs ({}), {:.1f} s of training.\n\n",
                                 run_status_name(outcome->status), outcome->epochs_run, info.epochs, kept,
                                 outcome->training_seconds);
  if (!outcome->estimates_markdown.empty()) text += outcome->estimates_markdown + "\n\n";
  return text;
}

std::string data_section(const TrainingRunInfo& info) {
  const PortableNetwork& network = info.initial_network;
  std::string text = "## Data\n\n| split | file | rows |\n|---|---|---|\n";
  text += fmt::format("| train | {} | {} |\n", file_name(info.train_file), info.train_rows);
  if (info.validation_rows > 0)
    text += fmt::format("| validation | held out of {} | {} |\n", file_name(info.train_file), info.validation_rows);
  if (info.test_rows > 0) text += fmt::format("| test | {} | {} |\n", file_name(info.test_file), info.test_rows);
  const TargetUnits& units = info.target_units;
  text += fmt::format("\nTarget: `{}`{}{} (model output `{}`{}).\n\n", network.target_name,
                      units.label.empty() || units.label == network.target_name ? "" : ", " + units.label,
                      units.units.empty() ? "" : ", in " + units.units, network.output_name,
                      network.target_transform == TargetTransform::log1p ? ", trained on log1p of the target" : "");
  const TargetRange& range = info.pipeline.target_range();
  text += range.bounded() ? fmt::format(
                                "Every estimate, median and interval bound is clipped to the target's range: "
                                "{}.\n\n",
                                describe_target_range(range))
                          : std::string("Estimates are not clipped (no target range).\n\n");
  return text;
}

std::string settings_section(const TrainingRunInfo& info) {
  std::string text = "\n## Settings\n\n| setting | value |\n|---|---|\n";
  for (const auto& [name, value] : info.hyperparameters)
    text += fmt::format("| {} | {} |\n", name, hyperparameter_text(value));
  return text;
}

std::string final_metrics_section(const TargetUnits& units, const std::map<std::string, SplitMetrics>& metrics) {
  std::string text = fmt::format("\n## Final metrics (errors {}, loss on the scaled target)\n\n", units.phrase());
  text +=
      "| split | rows | loss | RMSE | MAE | MAPE % | R² | median MAE | coverage "
      "|\n|---|---|---|---|---|---|---|---|---|\n";
  for (const char* split : {"train", "validation", "test"}) {
    const auto found = metrics.find(split);
    if (found == metrics.end()) continue;
    const SplitMetrics& m = found->second;
    const std::string mape = mape_is_meaningful(m) ? fmt::format("{:.2f}", m.mape) : std::string("not shown*");
    const bool interval = m.has_interval_metrics();
    text += fmt::format("| {} | {} | {:.6f} | {} | {} | {} | {:.4f} | {} | {} |\n", split, m.rows, m.loss,
                        units.amount(m.rmse), units.amount(m.mae), mape, m.r2,
                        interval ? units.amount(m.median_mae) : "-",
                        interval ? fmt::format("{:.1f} %", 100 * m.coverage) : "-");
  }
  if (text.find("not shown*") != std::string::npos) {
    text += fmt::format(
        "\n\\* MAPE not shown: over {:g} % of the targets are near zero (0 or below {:g} % of the "
        "mean absolute target), where a percentage error says little.\n",
        100 * kMapeMaxNearZeroShare, 100 * kNearZeroTargetFraction);
  }
  return text;
}

}  // namespace

std::string hyperparameter_text(const HyperparameterValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, double>) return fmt::format("{:g}", v);
        else if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
        else return v;
      },
      value);
}

std::string model_card_markdown(const std::string& run_name, const TrainingRunInfo& info,
                                const TrainingOutcome* outcome) {
  std::string card = fmt::format("# vgsales model card: {}\n\n", run_name);
  card += status_section(info, outcome);
  card += data_section(info);
  card += "## Schema\n\n";
  card += info.schema_markdown.empty() ? std::string("(not given)\n") : info.schema_markdown + "\n";
  card += "\n## Architecture\n\n";
  card += architecture_table(info.initial_network);
  // The trainer's own summary, when it says more than the schema above.
  if (outcome != nullptr && !outcome->model_summary_markdown.empty() &&
      outcome->model_summary_markdown != info.schema_markdown)
    card += "\n" + outcome->model_summary_markdown + "\n";
  card += settings_section(info);
  if (outcome != nullptr && !outcome->final_metrics.empty())
    card += final_metrics_section(info.target_units, outcome->final_metrics);
  if (outcome != nullptr && !outcome->global_importance_markdown.empty())
    card += "\n" + outcome->global_importance_markdown;  // its own section, heading included
  return card;
}

}  // namespace vgsales::tensorboard
