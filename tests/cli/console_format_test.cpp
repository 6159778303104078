// The training printout's wording and the console's number formatting, without running the binary.
#include <gtest/gtest.h>

#include "cli/console_format.h"
#include "cli/progress_printer.h"

namespace vgsales::cli {
namespace {

TEST(ConsoleFormat, AmountsKeepFourSignificantDigits) {
  const TargetUnits money = TargetUnits::of_column("total_earnings");
  const TargetUnits unknown = TargetUnits::of_column("Global_Sales");
  const TargetUnits sales{"Global_Sales", "Worldwide sales", "million copies"};
  EXPECT_EQ(target_amount(1805.26, money), "$1,805");
  EXPECT_EQ(target_amount(1.2873, unknown), "1.287");
  EXPECT_EQ(target_amount(0.45601, sales), "0.4560");
  EXPECT_EQ(target_amount(-12.346, money), "-$12.35");
  EXPECT_EQ(target_quantity(0.45601, sales), "0.4560 million copies");
  EXPECT_EQ(target_quantity(1805.26, money), "$1,805");
  EXPECT_EQ(figure(2.045), "2.045");
  EXPECT_EQ(figure(3258025.4), "3,258,025");
}

TEST(ConsoleFormat, MapeIsHiddenWhenTargetsAreNearZero) {
  SplitMetrics metrics;
  metrics.rows = 3320;
  metrics.mape = 403.2;
  metrics.near_zero_targets = 338;
  EXPECT_EQ(mape_cell(metrics), "not shown*");
  EXPECT_EQ(mape_hidden_reason(metrics, "test"),
            "not shown: 338 of 3,320 test targets are near zero (0 or below 5 % of the mean absolute target), where "
            "a percentage error says little");
  metrics.near_zero_targets = 33;  // 1 % of the rows: still shown
  EXPECT_EQ(mape_cell(metrics), "403.20%");
  EXPECT_FALSE(mape_hidden_reason(metrics).has_value());
}

TEST(ProgressWording, ValidationNotesFollowKeras) {
  EXPECT_EQ(validation_note(std::nullopt, 0, 0.0123), "val_loss improved from inf to 0.01230, keeping this epoch");
  EXPECT_EQ(validation_note(0.0123, 1, 0.0101), "val_loss improved from 0.01230 to 0.01010, keeping this epoch");
  EXPECT_EQ(validation_note(0.0101, 2, 0.0101), "val_loss did not improve from 0.01010 (epoch 2)");
  EXPECT_EQ(validation_note(0.0101, 2, 0.02), "val_loss did not improve from 0.01010 (epoch 2)");
  // An improvement smaller than 4 digits show gets the digits that show it.
  EXPECT_EQ(validation_note(0.00022412, 65, 0.00022408),
            "val_loss improved from 0.00022412 to 0.00022408, keeping this epoch");
}

KeptEpochFacts facts(RunStatus status, int run, int kept, bool validation) {
  KeptEpochFacts f;
  f.status = status;
  f.planned_epochs = 50;
  f.epochs_run = run;
  f.kept_epoch = kept;
  f.has_validation = validation;
  if (validation) {
    f.best_validation_loss = 0.0101;
    f.best_validation_epoch = kept;
  }
  return f;
}

TEST(ProgressWording, SummarySaysWhichEpochWasKeptAndWhy) {
  EXPECT_EQ(describe_kept_epoch(facts(RunStatus::completed, 50, 2, true)),
            "Kept the weights of epoch 2 of 50 run: the lowest validation loss (0.01010).");
  KeptEpochFacts early = facts(RunStatus::stopped_early, 12, 2, true);
  early.early_stopping = 10;
  EXPECT_EQ(describe_kept_epoch(early),
            "Kept the weights of epoch 2 of 12 run: the lowest validation loss (0.01010). Training stopped early: the "
            "validation loss did not improve for 10 epochs.");
  EXPECT_EQ(describe_kept_epoch(facts(RunStatus::completed, 50, 50, false)),
            "Kept the weights of the last epoch (50 of 50): with no validation split there is no earlier epoch to "
            "prefer.");
}

TEST(ProgressWording, CtrlCInTheMiddleOfAnEpochSaysWhatBecameOfIt) {
  KeptEpochFacts discarded = facts(RunStatus::interrupted, 3, 2, true);
  discarded.partial_batches_done = 120;
  discarded.partial_batches = 374;
  EXPECT_EQ(describe_interruption(discarded, "models/m"),
            "interrupted in epoch 3 after 120 of 374 batches: the partial epoch was discarded; saved the model of "
            "epoch 2 to models/m");
  EXPECT_EQ(describe_kept_epoch(discarded),
            "Kept the weights of epoch 2 of 3 run: the lowest validation loss (0.01010). The partial epoch 3 (Ctrl-C "
            "cut it short after 120 of 374 batches) was discarded.");
  KeptEpochFacts best_partial = facts(RunStatus::interrupted, 3, 3, true);
  best_partial.partial_batches_done = 120;
  best_partial.partial_batches = 374;
  EXPECT_EQ(describe_kept_epoch(best_partial),
            "Kept the weights of epoch 3 as they stood when Ctrl-C cut it short after 120 of 374 batches: the lowest "
            "validation loss (0.01010).");

  KeptEpochFacts kept = facts(RunStatus::interrupted, 3, 3, false);
  kept.partial_batches_done = 120;
  kept.partial_batches = 374;
  EXPECT_EQ(describe_interruption(kept, "m"),
            "interrupted in epoch 3 after 120 of 374 batches: with no validation split the latest weights are kept; "
            "saved the model of epoch 3 as it stood (partial) to m");

  EXPECT_EQ(describe_kept_epoch(kept),
            "Kept the weights of epoch 3 as they stood when Ctrl-C cut it short after 120 of 374 batches: with no "
            "validation split the latest weights are kept.");

  KeptEpochFacts between = facts(RunStatus::interrupted, 4, 4, false);  // Ctrl-C after the epoch's last batch
  EXPECT_EQ(describe_interruption(between, "m"), "interrupted after epoch 4: saved the model of epoch 4 to m");
  EXPECT_EQ(describe_kept_epoch(between),
            "Kept the weights of the last epoch run (4 of 50 planned): with no validation split there is no earlier "
            "epoch to prefer.");
}

}  // namespace
}  // namespace vgsales::cli
