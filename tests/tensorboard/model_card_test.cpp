// The Markdown model card: data, schema, architecture, settings and (at the end) final metrics.
#include "tensorboard/model_card.h"

#include <gtest/gtest.h>

#include "synthetic_run.h"

namespace vgsales::tensorboard {
namespace {

TEST(TensorboardModelCard, WhileTrainingItHasNoMetrics) {
  const TrainingRunInfo info = testing::make_run_info(5);
  const std::string card = model_card_markdown("run-x", info, nullptr);
  EXPECT_NE(card.find("# vgsales model card: run-x"), std::string::npos);
  EXPECT_NE(card.find("training (5 epochs planned)"), std::string::npos);
  EXPECT_NE(card.find("| train | sales_data_training.csv | 800 |"), std::string::npos) << card;
  EXPECT_NE(card.find("| validation | held out of sales_data_training.csv | 200 |"), std::string::npos);
  EXPECT_NE(card.find("| critic_rating | float |"), std::string::npos);
  EXPECT_NE(card.find("| layer_1 | 3 | 4 | ReLU | 16 |"), std::string::npos) << card;
  // The last layer is `output`, as in `vgsales info` and the histograms.
  EXPECT_NE(card.find("| output | 2 | 1 | linear | 3 |"), std::string::npos) << card;
  EXPECT_EQ(card.find("layer_3"), std::string::npos);
  EXPECT_NE(card.find("| layers | 4,2 |"), std::string::npos);
  EXPECT_NE(card.find("| shuffle | true |"), std::string::npos);
  EXPECT_EQ(card.find("Final metrics"), std::string::npos);
}

TEST(TensorboardModelCard, AtTheEndItHasStatusAndFinalMetrics) {
  const TrainingRunInfo info = testing::make_run_info(5);
  TrainingOutcome outcome;
  outcome.status = RunStatus::stopped_early;
  outcome.epochs_run = 4;
  outcome.kept_epoch = 2;
  outcome.final_metrics["test"] = testing::make_metrics(2, 0.15);
  outcome.model_summary_markdown = info.schema_markdown;  // said nothing new: not repeated
  const std::string card = model_card_markdown("run-x", info, &outcome);
  EXPECT_NE(card.find("stopped_early after 4 of 5 epochs (kept epoch 2)"), std::string::npos) << card;
  EXPECT_NE(card.find("## Final metrics (errors in dollars, loss on the scaled target)"), std::string::npos) << card;
  EXPECT_NE(card.find("| test | 400 | 0.075000 | $8,660 | $6,928 | 0.00 |"), std::string::npos) << card;
  EXPECT_EQ(card.find("critic_rating"), card.rfind("critic_rating"));
}

// Only money targets are in dollars; MAPE is not shown when targets are near zero.
TEST(TensorboardModelCard, OtherTargetsKeepTheirUnitsAndMapeIsFlagged) {
  TrainingRunInfo info = testing::make_run_info(5);
  info.initial_network.target_name = "Global_Sales";
  info.target_units = TargetUnits::of_column("Global_Sales");
  TrainingOutcome outcome;
  outcome.status = RunStatus::completed;
  outcome.epochs_run = 5;
  outcome.kept_epoch = 5;
  SplitMetrics metrics = testing::make_metrics(1, 1e-10);
  metrics.rmse = 1.2873;
  metrics.mae = 0.45601;
  metrics.mape = 403.2;
  metrics.near_zero_targets = 40;  // of 400
  outcome.final_metrics["test"] = metrics;
  const std::string card = model_card_markdown("run-y", info, &outcome);
  EXPECT_NE(card.find("## Final metrics (errors in the target's units (Global_Sales), loss"), std::string::npos)
      << card;
  EXPECT_NE(card.find("| 1.287 | 0.4560 | not shown* |"), std::string::npos) << card;
  EXPECT_NE(card.find("MAPE not shown: over 1 % of the targets are near zero"), std::string::npos) << card;
  EXPECT_EQ(card.find("dollar"), std::string::npos) << card;
  EXPECT_EQ(card.find("403"), std::string::npos) << card;
}

TEST(TensorboardModelCard, HyperparameterText) {
  EXPECT_EQ(hyperparameter_text(0.001), "0.001");
  EXPECT_EQ(hyperparameter_text(32.0), "32");
  EXPECT_EQ(hyperparameter_text(false), "false");
  EXPECT_EQ(hyperparameter_text(std::string("50,100,50")), "50,100,50");
}

}  // namespace
}  // namespace vgsales::tensorboard
