// A small hand-made training run that drives a TrainingObserver the way the trainer does.
#pragma once

#include <cmath>
#include <string>

#include "model/training_observer.h"

namespace vgsales::tensorboard::testing {

inline PortableNetwork make_small_network(float shift = 0.0f) {
  PortableNetwork network;
  network.input_names = {"critic_rating", "is_action", "unit_price"};
  network.target_name = "total_earnings";
  network.output_name = "earnings";
  network.input_offset = {1.0f, 0.0f, 19.99f};
  network.input_scale = {0.25f, 1.0f, 0.025f};
  const auto layer = [shift](std::int64_t in, std::int64_t out, bool relu) {
    DenseLayer dense;
    dense.input_size = in;
    dense.output_size = out;
    dense.relu = relu;
    for (std::int64_t i = 0; i < in * out; ++i) dense.weight.push_back(std::sin(0.7f * i) * 0.5f + shift);
    dense.bias.assign(static_cast<std::size_t>(out), shift);
    return dense;
  };
  network.layers = {layer(3, 4, true), layer(4, 2, true), layer(2, 1, false)};
  network.output_scale = 270505.0f;
  network.output_offset = 31355.0f;
  return network;
}

inline TrainingRunInfo make_run_info(int epochs, bool with_validation = true) {
  TrainingRunInfo info;
  info.run_name = "synthetic";
  info.train_file = "/data/sales_data_training.csv";
  info.test_file = "/data/sales_data_test.csv";
  info.train_rows = 800;
  info.validation_rows = with_validation ? 200 : 0;
  info.test_rows = 400;
  info.epochs = epochs;
  info.batch_size = 32;
  info.hyperparameters = {{"layers", std::string("4,2")},
                          {"learning_rate", 0.001},
                          {"batch_size", 32.0},
                          {"epochs", static_cast<double>(epochs)},
                          {"shuffle", true}};
  info.schema_markdown = "| column | type |\n|---|---|\n| critic_rating | float |\n";
  info.initial_network = make_small_network();
  info.target_name = info.initial_network.target_name;
  info.target_units = TargetUnits::of_column(info.target_name);
  return info;
}

inline SplitMetrics make_metrics(int epoch, double factor) {
  SplitMetrics metrics;
  metrics.loss = factor / epoch;
  metrics.mse = 1e9 * factor / epoch;
  metrics.rmse = std::sqrt(metrics.mse);
  metrics.mae = 0.8 * metrics.rmse;
  metrics.r2 = 1.0 - factor / epoch;
  metrics.rows = 400;
  return metrics;
}

// Runs `epochs` epochs (or stops after `stop_after`), feeding detail when the observer asks for it.
inline void drive_run(TrainingObserver& observer, const TrainingRunInfo& info, int stop_after = -1,
                      RunStatus status = RunStatus::completed) {
  const int last = stop_after > 0 ? stop_after : info.epochs;
  for (int epoch = 1; epoch <= last; ++epoch) {
    EpochSummary summary;
    summary.epoch = epoch;
    summary.splits["train"] = make_metrics(epoch, 0.1);
    if (info.validation_rows > 0) summary.splits["validation"] = make_metrics(epoch, 0.12);
    summary.splits["test"] = make_metrics(epoch, 0.15);
    summary.learning_rate = 0.001;
    summary.seconds = 0.5;
    summary.samples_per_second = 1600;
    EpochDetail detail;
    const bool wants = observer.wants_detail(epoch);
    if (wants) {
      detail.network = make_small_network(0.01f * epoch);
      detail.evaluation_split = "test";
      detail.activations = {std::vector<float>(400 * 4, 0.5f), std::vector<float>(400 * 2, 0.25f),
                            std::vector<float>(400, 0.1f)};
      for (int row = 0; row < 400; ++row) {
        detail.actuals.push_back(31355.0f + 700.0f * row);
        detail.predictions.push_back(31355.0f + 700.0f * row * (0.9f + 0.01f * epoch));
      }
    }
    observer.on_epoch_end(summary, wants ? &detail : nullptr);
  }
  TrainingOutcome outcome;
  outcome.status = status;
  outcome.epochs_run = last;
  outcome.kept_epoch = last;
  outcome.final_metrics["train"] = make_metrics(last, 0.1);
  outcome.final_metrics["test"] = make_metrics(last, 0.15);
  outcome.training_seconds = 0.5 * last;
  observer.on_train_end(outcome);
}

}  // namespace vgsales::tensorboard::testing
