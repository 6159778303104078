// Tests for src/model/ensemble_trainer.cpp: the ensemble's evaluation on hand-computed members, and the stages'
// checks (the whole loop is tested through train_network in trainer_test.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "model/ensemble_trainer.h"

namespace vgsales {
namespace {

// One input, one output, unscaled: y = w x + b.
PortableNetwork linear_frame() {
  PortableNetwork frame;
  frame.input_names = {"x"};
  frame.target_name = "y";
  frame.output_name = "y";
  frame.input_offset = {0.0f};
  frame.input_scale = {1.0f};
  return frame;
}

TEST(EnsembleEvaluator, AveragesTheMembersAndMeasuresEachOnItsOwn) {
  const PortableNetwork frame = linear_frame();
  const DenseStackLayout layout({1, 1});
  const std::vector<float> times_one{1.0f, 0.0f}, times_three{3.0f, 0.0f};  // weight, bias
  const std::vector<float> x{1.0f, 2.0f}, y{2.0f, 5.0f};
  const SplitData split{SplitRole::validation, x.data(), y.data(), 2};
  EnsembleEvaluator evaluator(layout, frame);
  std::vector<float> predictions;
  const EnsembleEvaluation evaluation = evaluator.evaluate({times_one.data(), times_three.data()}, split, &predictions);
  // The ensemble answers 2x: 2 and 4 against 2 and 5.
  EXPECT_EQ(predictions, (std::vector<float>{2.0f, 4.0f}));
  EXPECT_DOUBLE_EQ(evaluation.metrics.loss, 0.5);
  EXPECT_DOUBLE_EQ(evaluation.metrics.mse, 0.5);
  EXPECT_EQ(evaluation.metrics.rows, 2);
  // Each member's own loss: x against y gives (1 + 9) / 2, 3x gives (1 + 1) / 2.
  EXPECT_EQ(evaluation.member_loss, (std::vector<double>{5.0, 1.0}));
}

TEST(EnsembleEvaluator, CoversEveryRowAcrossChunks) {
  const PortableNetwork frame = linear_frame();
  const DenseStackLayout layout({1, 1});
  const std::vector<float> identity{1.0f, 0.0f};
  std::vector<float> x;
  for (int i = 0; i < 5000; ++i) x.push_back(static_cast<float>(i % 100));
  const SplitData split{SplitRole::test, x.data(), x.data(), x.size()};
  EnsembleEvaluator evaluator(layout, frame);
  std::vector<float> predictions;
  const EnsembleEvaluation evaluation = evaluator.evaluate({identity.data()}, split, &predictions);
  EXPECT_EQ(predictions, x);
  EXPECT_EQ(evaluation.metrics.loss, 0.0);
  const EpochDetail detail = evaluator.detail({identity.data()}, split);
  EXPECT_EQ(detail.evaluation_split, "test");
  ASSERT_EQ(detail.activations.size(), 1u);
  EXPECT_EQ(detail.activations[0], x);
  EXPECT_EQ(detail.predictions, x);
  EXPECT_EQ(detail.actuals, x);
  EXPECT_EQ(detail.network.layers.front().weight, std::vector<float>{1.0f});
}

TEST(EnsembleTrainer, RefusesACheckpointOfAnotherShape) {
  const std::vector<float> x{0.0f, 1.0f, 2.0f}, y{0.0f, 1.0f, 2.0f};
  TrainerInputs inputs;
  inputs.settings.hidden_layers = {4};
  inputs.frame = linear_frame();
  inputs.train = SplitData{SplitRole::train, x.data(), y.data(), 3};
  TrainingCheckpoint checkpoint;
  checkpoint.members.push_back(MemberCheckpoint{std::vector<float>(3, 0.0f), {}, 2});
  inputs.resume = checkpoint;
  EnsembleTrainer trainer(inputs);
  const Result<void> restored = trainer.restore_or_initialise();
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.error().message, "the checkpoint's member 1 holds 3 parameters, the network has 13");
}

TEST(EnsembleTrainer, StagesRunInOrderGiveTheMembersTheirKeptEpochs) {
  const std::vector<float> x{0.0f, 1.0f, 2.0f, 3.0f}, y{0.0f, 1.0f, 2.0f, 3.0f};
  TrainerInputs inputs;
  inputs.settings.hidden_layers = {4};
  inputs.settings.members = 2;
  inputs.settings.epochs = 3;
  inputs.settings.early_stopping = 0;
  inputs.frame = linear_frame();
  inputs.train = SplitData{SplitRole::train, x.data(), y.data(), 4};
  EnsembleTrainer trainer(inputs);
  ASSERT_TRUE(trainer.restore_or_initialise().ok());
  trainer.train();
  const TrainerResult result = trainer.finish();
  // Without a holdout every member keeps its last epoch.
  EXPECT_EQ(result.member_epochs, (std::vector<int>{3, 3}));
  EXPECT_EQ(result.outcome.status, RunStatus::completed);
  EXPECT_EQ(result.outcome.epochs_run, 3);
  EXPECT_EQ(result.network.members.size(), 2u);
  EXPECT_EQ(result.checkpoint.members.size(), 2u);
  EXPECT_EQ(result.outcome.final_metrics.count("train"), 1u);
}

}  // namespace
}  // namespace vgsales
