// The real-world sales table (../shared/data/real/vgsales.csv): trains with no cleaning, and predicting
// rows with an unseen platform, an unseen publisher and an N/A year gives finite numbers.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <vector>

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

// Each estimate column of `predict --format csv` (mean, median, lower, upper) as numbers.
std::map<std::string, std::vector<double>> estimate_columns(const std::string& csv) {
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  std::vector<std::string> header;
  std::stringstream names(line);
  for (std::string name; std::getline(names, name, ',');) header.push_back(name);
  std::map<std::string, std::vector<double>> columns;
  while (std::getline(lines, line)) {
    // The estimates are the last four fields; the rows' own fields before them may hold quoted commas.
    std::vector<std::string> fields;
    size_t end = line.size();
    for (int k = 0; k < 4; ++k) {
      const size_t comma = line.rfind(',', end - 1);
      fields.push_back(line.substr(comma + 1, end - comma - 1));
      end = comma;
    }
    for (int k = 0; k < 4; ++k) columns[header[header.size() - 1 - k]].push_back(std::stod(fields[k]));
  }
  return columns;
}

// A non-negative target's estimates stay at 0 or above (--target-range auto, the default), unseen and N/A cells
// included; the same model trained with --target-range none gives negative lower bounds, which no sales figure takes.
TEST(RealWorld, TheTargetRangeKeepsEstimatesAtZeroOrAboveAndNoneDoesNot) {
  VGSALES_SHARED_DATA_OR_SKIP(games, "real/vgsales.csv");
  std::map<std::string, std::map<std::string, std::vector<double>>> by_setting;
  for (const std::string setting : {"auto", "none"}) {
    testing::TemporaryDirectory dir;
    const auto train = train_on_real_table(games, dir, "--epochs 3 --members 2 --target-range " + setting);
    ASSERT_EQ(train.exit_code, 0) << train.err;
    if (setting == "auto")
      EXPECT_NE(train.out.find("every training value of Global_Sales is at least 0"), std::string::npos) << train.out;
    const auto predict = run_vgsales("predict --model " + q(dir / "model") + " --input " + q(games) + " --format csv");
    ASSERT_EQ(predict.exit_code, 0) << predict.err;
    by_setting[setting] = estimate_columns(predict.out);
    ASSERT_EQ(by_setting[setting].size(), 4u);
  }
  for (const auto& [column, values] : by_setting["auto"]) {
    ASSERT_EQ(values.size(), 16598u) << column;
    EXPECT_GE(*std::min_element(values.begin(), values.end()), 0.0) << column;
  }
  const auto& lower_auto = by_setting["auto"]["predicted_Global_Sales_lower"];
  const auto& lower_none = by_setting["none"]["predicted_Global_Sales_lower"];
  const auto negative = std::count_if(lower_none.begin(), lower_none.end(), [](double v) { return v < 0; });
  EXPECT_GT(negative, 1000) << "--target-range none should leave the network's negative lower bounds";
  // Clipping changes only what was below 0: the same network, so every other bound is the same number.
  for (size_t i = 0; i < lower_none.size(); ++i) EXPECT_EQ(lower_auto[i], std::max(lower_none[i], 0.0)) << "row " << i;
}

}  // namespace
}  // namespace vgsales
