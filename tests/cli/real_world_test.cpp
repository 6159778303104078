// The real-world sales table (../shared/data/real/vgsales.csv): trains with no cleaning, and predicting
// rows with an unseen platform, an unseen publisher and an N/A year gives finite numbers.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <sstream>

#include "cli_fixtures.h"

namespace vgsales {
namespace {

using testing::q;
using testing::run_vgsales;

// The command on the real table, into dir/model, with extra flags.
testing::CommandOutput train_on_real_table(const std::filesystem::path& games, const testing::TemporaryDirectory& dir,
                                           const std::string& extra_flags) {
  return run_vgsales("train --train " + q(games) +
                     " --target Global_Sales --drop Rank,Name,NA_Sales,EU_Sales,JP_Sales,Other_Sales --test-split 0.2"
                     " --out " +
                     q(dir / "model") + " --no-logs " + extra_flags);
}

TEST(RealWorld, TrainsWithoutCleaningAndPredictsUnseenCategories) {
  VGSALES_SHARED_DATA_OR_SKIP(games, "real/vgsales.csv");
  testing::TemporaryDirectory dir;
  const auto train = train_on_real_table(games, dir, "--epochs 3");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.out.find("| Publisher | categorical |"), std::string::npos) << train.out;
  EXPECT_NE(train.out.find("| Year | numeric |"), std::string::npos);
  EXPECT_NE(train.out.find("missing imputed"), std::string::npos);
  EXPECT_NE(train.out.find("target: Global_Sales is strongly right-skewed"), std::string::npos) << train.out;
  EXPECT_NE(train.out.find("mean baseline"), std::string::npos);

  testing::write_text_file(dir / "new.csv",
                           "Name,Platform,Year,Genre,Publisher\n"
                           "\"Space Game, Deluxe\",HoloDeck,2021,Action,Nintendo\n"
                           "Quiet Farm,PS4,N/A,Simulation,Tiny Indie Studio\n"
                           "Both Unseen,Zeebo,N/A,Puzzle,Nobody Ltd\n");
  const auto predict =
      run_vgsales("predict --model " + q(dir / "model") + " --input " + q(dir / "new.csv") + " --format json");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  EXPECT_NE(predict.err.find("unseen in training"), std::string::npos) << predict.err;
  std::string cleaned;
  for (char c : predict.out) cleaned += std::string("[]{},:").find(c) == std::string::npos ? c : ' ';
  std::istringstream in(cleaned);
  std::string word;
  int values = 0;
  while (in >> word) {
    if (word == "\"predictions\"") continue;
    EXPECT_TRUE(std::isfinite(std::stod(word))) << word;
    ++values;
  }
  EXPECT_EQ(values, 3);
}

// The acceptance command, with default settings: the network beats the mean and the linear model on
// the held-out 20 %, on both RMSE and MAE.
TEST(RealWorld, DefaultSettingsBeatBothBaselinesOnTheHeldOutSplit) {
  VGSALES_SHARED_DATA_OR_SKIP(games, "real/vgsales.csv");
  testing::TemporaryDirectory dir;
  const auto train = train_on_real_table(games, dir, "--quiet");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  rapidjson::Document model;
  model.Parse(testing::read_text_file(dir / "model" / "model.json").c_str());
  ASSERT_FALSE(model.HasParseError());
  const auto& network = model["metrics"]["test"];
  for (const char* metric : {"rmse", "mae"})
    for (const char* baseline : {"linear", "mean"})
      EXPECT_LT(network[metric].GetDouble(), model["baselines"][baseline][metric].GetDouble())
          << metric << " against the " << baseline << " baseline\n"
          << train.out;
}

TEST(RealWorld, ReferenceDataKeepsItsNumericFlags) {
  VGSALES_SHARED_DATA_OR_SKIP(train, "sales_data_training.csv");
  testing::TemporaryDirectory dir;
  const auto result = run_vgsales("train --train " + q(train) + " --target total_earnings --epochs 1 --out " +
                                  q(dir / "model") + " --no-logs");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.find("categorical"), std::string::npos) << "0/1 flags must not become categories";
  EXPECT_NE(result.out.find("| is_action | boolean |"), std::string::npos);
  const std::string json = testing::read_text_file(dir / "model" / "model.json");
  EXPECT_NE(json.find("\"input_width\": 9"), std::string::npos);
}

}  // namespace
}  // namespace vgsales
