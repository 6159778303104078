// The training loop: determinism per seed, checkpoint resume equal to an unbroken run, the LibTorch checkpoint
// format, observers, Ctrl-C and early stopping.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <random>

#include "model/trainer.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

struct SyntheticSplit {
  std::vector<float> features, targets;
  SplitData view(const std::string& name) const { return SplitData{name, features.data(), targets.data(), targets.size()}; }
};

// y = 100 + 50 x0 - 30 x1 + 20 max(x2 - 0.5, 0) with a little noise: a shape a small ReLU network fits well.
SyntheticSplit make_split(size_t rows, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  SyntheticSplit split;
  for (size_t r = 0; r < rows; ++r) {
    const float x0 = uniform(generator), x1 = uniform(generator), x2 = uniform(generator);
    split.features.insert(split.features.end(), {x0, x1, x2});
    split.targets.push_back(100 + 50 * x0 - 30 * x1 + 20 * std::max(x2 - 0.5f, 0.0f) + 0.5f * uniform(generator));
  }
  return split;
}

PortableNetwork make_frame() {
  PortableNetwork frame;
  frame.input_names = {"x0", "x1", "x2"};
  frame.target_name = "y";
  frame.output_name = "y";
  frame.input_offset = {0, 0, 0};
  frame.input_scale = {1, 1, 1};
  frame.output_offset = 70;
  frame.output_scale = 90;
  return frame;
}

TrainerInputs make_inputs(const SyntheticSplit& train, const SyntheticSplit& test, int epochs) {
  TrainerInputs inputs;
  inputs.settings.epochs = epochs;
  inputs.settings.batch_size = 16;
  inputs.settings.hidden_layers = {8, 6};
  inputs.settings.learning_rate = 0.01;
  inputs.settings.seed = 5;
  inputs.frame = make_frame();
  inputs.train = train.view("train");
  inputs.evaluations.push_back(test.view("test"));
  return inputs;
}

std::vector<float> all_weights(const PortableNetwork& network) {
  std::vector<float> values;
  for (const auto& layer : network.layers) {
    values.insert(values.end(), layer.weight.begin(), layer.weight.end());
    values.insert(values.end(), layer.bias.begin(), layer.bias.end());
  }
  return values;
}

TEST(Trainer, LearnsASimpleFunction) {
  const SyntheticSplit train = make_split(500, 1), test = make_split(200, 2);
  auto result = train_network(make_inputs(train, test, 40));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->outcome.status, "completed");
  EXPECT_EQ(result->outcome.epochs_run, 40);
  // The target spans about 80 units; a constant guess has an RMSE near 17.
  EXPECT_LT(result->outcome.final_metrics.at("test").rmse, 4.0);
  EXPECT_GT(result->outcome.final_metrics.at("test").r2, 0.9);
}

TEST(Trainer, SameSeedOneThreadIsBitIdentical) {
  const SyntheticSplit train = make_split(300, 3), test = make_split(100, 4);
  auto first = train_network(make_inputs(train, test, 5));
  auto second = train_network(make_inputs(train, test, 5));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(all_weights(first->network), all_weights(second->network));
  EXPECT_EQ(first->outcome.final_metrics.at("test").loss, second->outcome.final_metrics.at("test").loss);
  TrainerInputs other_seed = make_inputs(train, test, 5);
  other_seed.settings.seed = 6;
  auto third = train_network(other_seed);
  ASSERT_TRUE(third.ok());
  EXPECT_NE(all_weights(first->network), all_weights(third->network));
}

TEST(Trainer, ResumingFromACheckpointEqualsAnUnbrokenRun) {
  const SyntheticSplit train = make_split(300, 5), test = make_split(100, 6);
  testing::TemporaryDirectory dir;
  auto unbroken = train_network(make_inputs(train, test, 6));
  TrainerInputs first_half = make_inputs(train, test, 3);
  first_half.checkpoint_out = dir.path() / "checkpoint.pt";
  ASSERT_TRUE(train_network(first_half).ok());
  TrainerInputs second_half = make_inputs(train, test, 6);
  second_half.resume_checkpoint = first_half.checkpoint_out;
  auto resumed = train_network(second_half);
  ASSERT_TRUE(unbroken.ok() && resumed.ok()) << resumed.error().message;
  EXPECT_EQ(resumed->outcome.epochs_run, 6);
  EXPECT_EQ(all_weights(resumed->network), all_weights(unbroken->network));
}

TEST(Trainer, CheckpointsKeepLibTorchsModuleAndAdamFormat) {
  const SyntheticSplit train = make_split(64, 7), test = make_split(16, 8);
  testing::TemporaryDirectory dir;
  TrainerInputs inputs = make_inputs(train, test, 2);
  inputs.checkpoint_out = dir.path() / "checkpoint.pt";
  auto result = train_network(inputs);
  ASSERT_TRUE(result.ok());
  // Read it back the way the LibTorch loop wrote and read it: named module parameters and Adam's archive.
  torch::serialize::InputArchive archive;
  archive.load_from(inputs.checkpoint_out.string());
  torch::serialize::InputArchive weights;
  archive.read("model", weights);
  // torch::nn::Module::save nests one archive per child module: layers -> 0 -> weight.
  torch::serialize::InputArchive layers, first_layer;
  ASSERT_TRUE(weights.try_read("layers", layers));
  ASSERT_TRUE(layers.try_read("0", first_layer));
  torch::Tensor first_weight;
  ASSERT_TRUE(first_layer.try_read("weight", first_weight));
  EXPECT_EQ(first_weight.sizes(), (std::vector<std::int64_t>{8, 3}));
  EXPECT_TRUE(torch::equal(first_weight, torch::from_blob(result->network.layers[0].weight.data(), {8, 3})));
  torch::Tensor epoch;
  archive.read("epoch", epoch);
  EXPECT_EQ(epoch.item<std::int64_t>(), 2);
  std::vector<torch::Tensor> parameters;
  for (int i = 0; i < 6; ++i) parameters.push_back(torch::zeros({1}));  // three layers x (weight, bias)
  torch::optim::Adam optimizer(parameters, torch::optim::AdamOptions(0.01));
  torch::serialize::InputArchive adam;
  archive.read("optimizer", adam);
  optimizer.load(adam);
  ASSERT_EQ(optimizer.state().size(), 6u);
  for (const auto& [key, state] : optimizer.state())
    EXPECT_EQ(static_cast<const torch::optim::AdamParamState&>(*state).step(), 2 * 4);  // 2 epochs x 4 batches
}

struct RecordingObserver : TrainingObserver {
  int batches = 0;
  std::vector<EpochSummary> epochs;
  std::vector<size_t> detail_activation_sizes;
  std::vector<float> detail_predictions, detail_actuals;
  bool wants_detail(int epoch) const override { return epoch == 2; }
  void on_batch_end(int, long long, long long, double) override { ++batches; }
  void on_epoch_end(const EpochSummary& summary, const EpochDetail* detail) override {
    epochs.push_back(summary);
    if (!detail) return;
    for (const auto& activation : detail->activations) detail_activation_sizes.push_back(activation.size());
    detail_predictions = detail->predictions;
    detail_actuals = detail->actuals;
  }
};

TEST(Trainer, ReportsEveryBatchAndEpochWithDetailWhenAsked) {
  const SyntheticSplit train = make_split(100, 9), test = make_split(30, 10);
  TrainerInputs inputs = make_inputs(train, test, 3);
  RecordingObserver observer;
  inputs.observers.push_back(&observer);
  ASSERT_TRUE(train_network(inputs).ok());
  EXPECT_EQ(observer.batches, 3 * 7);  // 100 rows in batches of 16
  ASSERT_EQ(observer.epochs.size(), 3u);
  EXPECT_EQ(observer.epochs[0].splits.count("train"), 1u);
  EXPECT_EQ(observer.epochs[0].splits.at("test").rows, 30);
  // Detail on the test split: 30 rows x (8, 6, 1) units.
  EXPECT_EQ(observer.detail_activation_sizes, (std::vector<size_t>{240, 180, 30}));
}

// TensorBoard's histograms and plot are drawn from the detail: it covers every evaluation row, not a sample
// (it once stopped at the first 2,048).
TEST(Trainer, DetailCoversEveryEvaluationRow) {
  const SyntheticSplit train = make_split(100, 9), test = make_split(5000, 10);
  TrainerInputs inputs = make_inputs(train, test, 2);
  RecordingObserver observer;
  inputs.observers.push_back(&observer);
  ASSERT_TRUE(train_network(inputs).ok());
  EXPECT_EQ(observer.detail_activation_sizes, (std::vector<size_t>{5000 * 8, 5000 * 6, 5000}));
  ASSERT_EQ(observer.detail_actuals, test.targets);
  ASSERT_EQ(observer.detail_predictions.size(), 5000u);
  // The detail's predictions are the ones the epoch's test errors were measured on.
  double squared = 0;
  for (size_t row = 0; row < 5000; ++row) {
    const double error = observer.detail_predictions[row] - observer.detail_actuals[row];
    squared += error * error;
  }
  EXPECT_NEAR(squared / 5000, observer.epochs.at(1).splits.at("test").mse, 1e-6 * observer.epochs.at(1).splits.at("test").mse);
}

TEST(Trainer, StopsAfterTheCurrentBatchWhenAskedTo) {
  const SyntheticSplit train = make_split(100, 11), test = make_split(30, 12);
  TrainerInputs inputs = make_inputs(train, test, 10);
  std::atomic<bool> stop{true};
  inputs.stop_requested = &stop;
  RecordingObserver observer;
  inputs.observers.push_back(&observer);
  auto result = train_network(inputs);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->outcome.status, "interrupted");
  EXPECT_EQ(observer.batches, 1);
  EXPECT_EQ(result->outcome.epochs_run, 1);
}

TEST(Trainer, EarlyStoppingKeepsTheBestValidationEpoch) {
  const SyntheticSplit train = make_split(200, 13), validation = make_split(50, 14), test = make_split(50, 15);
  TrainerInputs inputs = make_inputs(train, test, 200);
  inputs.settings.learning_rate = 0.05;  // large enough to plateau quickly
  inputs.settings.early_stopping = 3;
  inputs.evaluations.push_back(validation.view("validation"));
  RecordingObserver observer;
  inputs.observers.push_back(&observer);
  auto result = train_network(inputs);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->outcome.status, "stopped_early");
  EXPECT_LT(result->outcome.epochs_run, 200);
  double best = INFINITY;
  int best_epoch = 0;
  for (const auto& summary : observer.epochs)
    if (summary.splits.at("validation").loss < best) best = summary.splits.at("validation").loss, best_epoch = summary.epoch;
  EXPECT_EQ(result->outcome.best_epoch, best_epoch);
  EXPECT_NEAR(result->outcome.final_metrics.at("validation").loss, best, 1e-12);
}

}  // namespace
}  // namespace vgsales
