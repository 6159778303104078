// The training loop: determinism per seed, torch::nn::Linear's initialisation scheme, checkpoint resume equal to an
// unbroken run, the checkpoint file, observers, Ctrl-C and early stopping.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <random>
#include "common/atomic_file.h"
#include "common/file_checksums.h"
#include "model/model_directory.h"
#include "model/training_checkpoint.h"

#include "model/native_forward.h"
#include "model/trainer.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

struct SyntheticSplit {
  std::vector<float> features, targets;
  SplitData view(SplitRole role) const { return SplitData{role, features.data(), targets.data(), targets.size()}; }
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
  inputs.settings.members = 1;
  inputs.settings.early_stopping = 0;
  inputs.frame = make_frame();
  inputs.train = train.view(SplitRole::train);
  inputs.evaluations.push_back(test.view(SplitRole::test));
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
  EXPECT_EQ(result->outcome.status, RunStatus::completed);
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
  auto unbroken = train_network(make_inputs(train, test, 6));
  auto first_half = train_network(make_inputs(train, test, 3));
  ASSERT_TRUE(first_half.ok());
  EXPECT_EQ(first_half->checkpoint.earliest_epoch(), 3);
  TrainerInputs second_half = make_inputs(train, test, 6);
  second_half.resume = first_half->checkpoint;
  auto resumed = train_network(second_half);
  ASSERT_TRUE(unbroken.ok() && resumed.ok()) << resumed.error().message;
  EXPECT_EQ(resumed->outcome.epochs_run, 6);
  EXPECT_EQ(all_weights(resumed->network), all_weights(unbroken->network));
}

TEST(Trainer, CheckpointFileRoundTripsWeightsAdamStateAndEpochOfEveryMember) {
  const SyntheticSplit train = make_split(64, 7), test = make_split(16, 8);
  testing::TemporaryDirectory dir;
  TrainerInputs inputs = make_inputs(train, test, 2);
  inputs.settings.members = 2;
  inputs.median_head = true;
  auto result = train_network(inputs);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->checkpoint.members.size(), 2u);
  EXPECT_EQ(result->checkpoint.output_columns, 2);
  EXPECT_EQ(result->checkpoint.members[1].moments.step, 2 * 4);  // 2 epochs x 4 batches of 16
  ASSERT_TRUE(write_file_atomically(dir.path() / kCheckpointFileName, serialize_checkpoint(result->checkpoint)).ok());
  ASSERT_TRUE(write_checksum_file(dir.path(), {kCheckpointFileName}).ok());
  auto read = read_checkpoint(dir.path());
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->output_columns, 2);
  ASSERT_EQ(read->members.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    const MemberCheckpoint& written = result->checkpoint.members[k];
    EXPECT_EQ(read->members[k].epoch, 2);
    EXPECT_EQ(read->members[k].parameters, written.parameters);
    EXPECT_EQ(read->members[k].moments.exp_avg, written.moments.exp_avg);
    EXPECT_EQ(read->members[k].moments.exp_avg_sq, written.moments.exp_avg_sq);
    EXPECT_EQ(read->members[k].moments.step, 8);
  }
  EXPECT_NE(read->members[0].parameters, read->members[1].parameters);
  // A checkpoint whose size does not fit the network is refused by the trainer, naming the member.
  TrainerInputs mismatched = make_inputs(train, test, 4);
  mismatched.settings.hidden_layers = {9, 6};
  mismatched.resume = *read;
  auto refused = train_network(mismatched);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("member 1 holds"), std::string::npos) << refused.error().message;
}

// Each member is the network its own seed would train alone: same rows, its own initialisation and shuffles, its
// own kept epoch and patience. So the ensemble's members equal single runs with member_seed(seed, k).
TEST(Trainer, EachMemberTrainsAndStopsAsItsOwnSeedWouldAlone) {
  const SyntheticSplit train = make_split(200, 13), validation = make_split(50, 14), test = make_split(50, 15);
  TrainerInputs ensemble = make_inputs(train, test, 60);
  ensemble.settings.learning_rate = 0.05;
  ensemble.settings.early_stopping = 3;
  ensemble.settings.members = 3;
  ensemble.evaluations.push_back(validation.view(SplitRole::validation));
  auto together = train_network(ensemble);
  ASSERT_TRUE(together.ok()) << together.error().message;
  ASSERT_EQ(together->network.members.size(), 3u);
  ASSERT_EQ(together->member_epochs.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    TrainerInputs alone = ensemble;
    alone.settings.members = 1;
    alone.settings.seed = member_seed(ensemble.settings.seed, k);
    auto single = train_network(alone);
    ASSERT_TRUE(single.ok());
    PortableNetwork member = together->network;
    member.layers = together->network.members[k];
    EXPECT_EQ(all_weights(member), all_weights(single->network)) << "member " << k;
    EXPECT_EQ(together->member_epochs[k], single->outcome.kept_epoch) << "member " << k;
  }
  EXPECT_NE(together->network.members[0][0].weight, together->network.members[1][0].weight);
}

// Members are independent: on two threads they train side by side into exactly the weights one thread gives.
TEST(Trainer, MembersOnSeveralThreadsEqualOneThread) {
  const SyntheticSplit train = make_split(200, 31), test = make_split(50, 32);
  TrainerInputs one = make_inputs(train, test, 4);
  one.settings.members = 3;
  TrainerInputs two = one;
  two.settings.threads = 2;
  auto sequential = train_network(one);
  auto parallel = train_network(two);
  ASSERT_TRUE(sequential.ok() && parallel.ok());
  ASSERT_EQ(parallel->network.members.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    PortableNetwork a = sequential->network, b = parallel->network;
    a.layers = sequential->network.members[k];
    b.layers = parallel->network.members[k];
    EXPECT_EQ(all_weights(a), all_weights(b)) << "member " << k;
  }
}

// The median head reads the last hidden layer detached: the mean's column and every hidden layer train as without
// it (equal up to the BLAS's rounding, which a second output column may reorder), and the head lands near the median
// (half of the training targets on either side), below the mean of a right-skewed target.
TEST(Trainer, TheMedianHeadLeavesTheMeanUntouchedAndFindsTheMedian) {
  // A skewed target: the median sits well below the mean.
  SyntheticSplit train = make_split(600, 21), test = make_split(100, 22);
  std::mt19937 generator(7);
  std::exponential_distribution<float> tail(0.025f);  // mean 40, median 27.7
  for (float& y : train.targets) y += tail(generator);
  TrainerInputs plain = make_inputs(train, test, 30);
  plain.frame.output_scale = 200;
  TrainerInputs with_head = plain;
  with_head.median_head = true;
  auto mean_only = train_network(plain);
  auto both = train_network(with_head);
  ASSERT_TRUE(mean_only.ok() && both.ok());
  const DenseStack& a = mean_only->network.layers;
  const DenseStack& b = both->network.layers;
  ASSERT_EQ(b.back().output_size, 2);
  auto expect_near = [](const std::vector<float>& x, const std::vector<float>& y, const std::string& what) {
    ASSERT_EQ(x.size(), y.size()) << what;
    for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], y[i], 1e-4f) << what << " [" << i << "]";
  };
  for (size_t l = 0; l + 1 < a.size(); ++l) {
    expect_near(a[l].weight, b[l].weight, "layer " + std::to_string(l) + " weight");
    expect_near(a[l].bias, b[l].bias, "layer " + std::to_string(l) + " bias");
  }
  const auto hidden = static_cast<size_t>(a.back().input_size);
  expect_near(std::vector<float>(b.back().weight.begin(), b.back().weight.begin() + hidden), a.back().weight, "output");
  EXPECT_NEAR(b.back().bias[0], a.back().bias[0], 1e-4f);
  // The head's estimates: about half the training targets below them, and a lower estimate than the mean's.
  NativeForward forward(both->network);
  const size_t n = train.targets.size();
  std::vector<float> z(2 * n);
  forward.predict_network_columns(train.features, n, z);
  size_t below_head = 0, head_below_mean = 0;
  for (size_t i = 0; i < n; ++i) {
    const float head = z[2 * i + 1] * plain.frame.output_scale + plain.frame.output_offset;
    below_head += train.targets[i] < head;
    head_below_mean += z[2 * i + 1] < z[2 * i];
  }
  EXPECT_NEAR(static_cast<double>(below_head) / n, 0.5, 0.1);
  EXPECT_GT(head_below_mean, n / 2);
}

TEST(Trainer, InitialisesAsTorchNnLinearDoes) {
  // torch::nn::Linear draws weights and biases uniformly in +-1/sqrt(fan_in); ours come from another generator,
  // so compare the law: every value inside the bound, and mean and variance of a uniform law on it.
  PortableNetwork frame = make_frame();
  frame.input_names.resize(200, "x");
  frame.input_offset.resize(200, 0);
  frame.input_scale.resize(200, 1);
  TrainingSettings settings;
  settings.hidden_layers = {300};
  settings.members = 1;
  const PortableNetwork network = initialise_network(frame, settings);
  torch::manual_seed(1);
  torch::nn::Linear reference(200, 300);
  const float bound = 1.0f / std::sqrt(200.0f);
  const DenseLayer& layer = network.layers[0];
  double sum = 0, squares = 0;
  for (float w : layer.weight) {
    ASSERT_LE(std::abs(w), bound);
    sum += w;
    squares += static_cast<double>(w) * w;
  }
  const double n = static_cast<double>(layer.weight.size());
  const double variance = squares / n - (sum / n) * (sum / n);
  const double torch_variance = reference->weight.var().item<double>();
  EXPECT_NEAR(sum / n, 0.0, 0.01 * bound);
  EXPECT_NEAR(variance, bound * bound / 3.0, 0.02 * bound * bound);
  EXPECT_NEAR(variance, torch_variance, 0.03 * bound * bound);
  EXPECT_LE(reference->weight.abs().max().item<float>(), bound);
  for (float b : layer.bias) EXPECT_LE(std::abs(b), bound);
  // Deterministic per seed, different across seeds.
  EXPECT_EQ(initialise_network(frame, settings).layers[0].weight, layer.weight);
  settings.seed = 43;
  EXPECT_NE(initialise_network(frame, settings).layers[0].weight, layer.weight);
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
  EXPECT_NEAR(squared / 5000, observer.epochs.at(1).splits.at("test").mse,
              1e-6 * observer.epochs.at(1).splits.at("test").mse);
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
  EXPECT_EQ(result->outcome.status, RunStatus::interrupted);
  EXPECT_EQ(observer.batches, 1);
  // The epoch cut short is discarded: not run, not reported, not kept.
  EXPECT_EQ(result->outcome.epochs_run, 0);
  EXPECT_EQ(result->outcome.discarded_epoch, 1);
  EXPECT_EQ(result->outcome.discarded_batches, 1);
  EXPECT_TRUE(observer.epochs.empty());
}

TEST(Trainer, EarlyStoppingKeepsTheBestValidationEpoch) {
  const SyntheticSplit train = make_split(200, 13), validation = make_split(50, 14), test = make_split(50, 15);
  TrainerInputs inputs = make_inputs(train, test, 200);
  inputs.settings.learning_rate = 0.05;  // large enough to plateau quickly
  inputs.settings.early_stopping = 3;
  inputs.evaluations.push_back(validation.view(SplitRole::validation));
  RecordingObserver observer;
  inputs.observers.push_back(&observer);
  auto result = train_network(inputs);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->outcome.status, RunStatus::stopped_early);
  EXPECT_LT(result->outcome.epochs_run, 200);
  double best = INFINITY;
  int best_epoch = 0;
  for (const auto& summary : observer.epochs)
    if (summary.splits.at("validation").loss < best)
      best = summary.splits.at("validation").loss, best_epoch = summary.epoch;
  EXPECT_EQ(result->outcome.kept_epoch, best_epoch);
  EXPECT_NEAR(result->outcome.final_metrics.at("validation").loss, best, 1e-12);
}

}  // namespace
}  // namespace vgsales
