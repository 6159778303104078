// Small synthetic data sets and trained models shared by the model tests.
#pragma once

#include <filesystem>
#include <string>

#include "data/synthetic_sales.h"
#include "model/training_job.h"
#include "support/test_support.h"

namespace vgsales::testing {

// Trains a small model on synthetic sales data into `dir / name`; fast settings for tests.
inline TrainingJobReport train_small_model(const TemporaryDirectory& dir, const std::string& name, int epochs = 3,
                                           std::int64_t seed = 7) {
  const auto train = dir / "train.csv";
  const auto test = dir / "test.csv";
  if (!std::filesystem::exists(train)) {
    EXPECT_TRUE(write_synthetic_sales(train, {.rows = 300, .seed = 1}).ok());
    EXPECT_TRUE(write_synthetic_sales(test, {.rows = 100, .seed = 2}).ok());
  }
  TrainingJobOptions options;
  options.train_file = train;
  options.test_file = test;
  options.out_dir = dir / name;
  options.target = "total_earnings";
  options.settings.epochs = epochs;
  options.settings.seed = seed;
  options.settings.hidden_layers = {8, 4};
  auto report = run_training_job(options, {});
  EXPECT_TRUE(report.ok()) << report.error().message;
  return std::move(report).value();
}

}  // namespace vgsales::testing
