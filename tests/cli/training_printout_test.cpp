// What `train` and `evaluate` print, through the real binary: the kept epoch marked in the epoch lines and
// explained in the summary, MAPE hidden when targets are near zero, figures with their significant digits.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <regex>
#include <sstream>

#include "cli_fixtures.h"

namespace vgsales {
namespace {

using testing::q;
using testing::run_vgsales;
using testing::TemporaryDirectory;

rapidjson::Document read_model_json(const std::filesystem::path& model) {
  rapidjson::Document json;
  json.Parse(testing::read_text_file(model / "model.json").c_str());
  EXPECT_FALSE(json.HasParseError());
  return json;
}

// The epoch lines of a training printout, by epoch number.
std::map<int, std::string> epoch_lines(const std::string& out) {
  std::map<int, std::string> lines;
  std::istringstream in(out);
  std::string line;
  const std::regex epoch(R"(^Epoch (\d+)/\d+ )");
  std::smatch match;
  while (std::getline(in, line))
    if (std::regex_search(line, match, epoch)) lines[std::stoi(match[1])] = line;
  return lines;
}

// A CSV "x,y" with y = 1 + x / 50 + noise (values about 1 to 3), and `near_zero` rows whose target is tiny.
std::filesystem::path write_small_target_csv(const TemporaryDirectory& dir, const std::string& name, int rows,
                                             int near_zero, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::string text = "x,y\n";
  for (int i = 0; i < rows; ++i) {
    const double x = 100 * uniform(generator);
    const double y = i < near_zero ? 0.001 + 0.002 * uniform(generator) : 1 + x / 50 + 0.3 * uniform(generator);
    text += fmt::format("{:.4f},{:.5f}\n", x, y);
  }
  return testing::write_text_file(dir / name, text);
}

TEST(TrainingPrintout, EpochLinesMarkTheKeptEpochAndTheSummarySaysWhy) {
  TemporaryDirectory dir;
  ASSERT_TRUE(write_synthetic_sales(dir / "train.csv", {.rows = 300, .seed = 1}).ok());
  ASSERT_TRUE(write_synthetic_sales(dir / "test.csv", {.rows = 100, .seed = 2}).ok());
  // A high learning rate makes the validation loss go up and down, so the kept epoch is rarely the last.
  const auto trained = run_vgsales("train --train " + q(dir / "train.csv") + " --test " + q(dir / "test.csv") +
                                   " --target total_earnings --out " + q(dir / "model") +
                                   " --epochs 12 --layers 8,4 --learning-rate 0.05 --validation-split 0.25 --members 1"
                                   " --early-stopping 0 --no-logs");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const auto json = read_model_json(dir / "model");
  const int kept = json["training"]["kept_epoch"].GetInt();
  const auto lines = epoch_lines(trained.out);
  ASSERT_EQ(lines.size(), 12u) << trained.out;
  EXPECT_NE(lines.at(1).find("val_loss improved from inf to "), std::string::npos) << lines.at(1);
  // The kept epoch is the last one marked "keeping this epoch"; every later one says it did not improve.
  int last_marked = 0;
  for (const auto& [epoch, line] : lines) {
    if (line.find("keeping this epoch") != std::string::npos) last_marked = epoch;
    else EXPECT_NE(line.find("val_loss did not improve from "), std::string::npos) << line;
  }
  EXPECT_EQ(last_marked, kept) << trained.out;
  for (int epoch = kept + 1; epoch <= 12; ++epoch)
    EXPECT_NE(lines.at(epoch).find(fmt::format("(epoch {})", kept)), std::string::npos) << lines.at(epoch);
  // The summary says which epoch's weights the model holds and why, and that the table is theirs.
  EXPECT_NE(trained.out.find(fmt::format("Kept the weights of epoch {} of 12 run: the lowest validation loss (", kept)),
            std::string::npos)
      << trained.out;
  EXPECT_NE(trained.out.find(fmt::format("Errors of the saved model (the weights of epoch {}), in dollars:", kept)),
            std::string::npos)
      << trained.out;
  // The table's test row is model.json's test metrics (the kept weights'), with 4 significant digits.
  const double rmse = json["metrics"]["test"]["rmse"].GetDouble();
  const std::regex test_row(R"(\| test \| 100 \| \$([0-9,.]+) \|)");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(trained.out, match, test_row)) << trained.out;
  std::string digits = match[1];
  digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
  EXPECT_NEAR(std::stod(digits), rmse, 0.5) << match[0];
  EXPECT_NE(trained.out.find(fmt::format("Saved the model of epoch {} to ", kept)), std::string::npos);
}

// An ensemble: each epoch line counts the members that improved, and the summary lists each member's kept epoch,
// which are model.json's member_epochs; then the median's and the interval's figures on the test rows.
TEST(TrainingPrintout, AnEnsembleSaysWhichEpochEachMemberKept) {
  TemporaryDirectory dir;
  ASSERT_TRUE(write_synthetic_sales(dir / "train.csv", {.rows = 300, .seed = 1}).ok());
  ASSERT_TRUE(write_synthetic_sales(dir / "test.csv", {.rows = 100, .seed = 2}).ok());
  const auto trained = run_vgsales("train --train " + q(dir / "train.csv") + " --test " + q(dir / "test.csv") +
                                   " --target total_earnings --out " + q(dir / "model") +
                                   " --epochs 12 --layers 8,4 --learning-rate 0.05 --members 3 --no-logs");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const auto json = read_model_json(dir / "model");
  std::vector<int> kept;
  for (const auto& epoch : json["training"]["member_epochs"].GetArray()) kept.push_back(epoch.GetInt());
  ASSERT_EQ(kept.size(), 3u);
  const auto lines = epoch_lines(trained.out);
  ASSERT_FALSE(lines.empty()) << trained.out;
  EXPECT_NE(lines.at(1).find("3 of 3 members improved their val_loss, keeping this epoch"), std::string::npos)
      << lines.at(1);
  EXPECT_NE(trained.out.find(fmt::format("Kept each of the 3 members at the epoch of its lowest validation loss: "
                                         "epochs {}, {} and {} (",
                                         kept[0], kept[1], kept[2])),
            std::string::npos)
      << trained.out;
  EXPECT_NE(trained.out.find("Errors of the saved model (3 members at their kept epochs), in dollars:"),
            std::string::npos)
      << trained.out;
  EXPECT_NE(trained.out.find("Median and 80% interval on the test split: median MAE $"), std::string::npos)
      << trained.out;
  EXPECT_NE(trained.out.find("Saved the ensemble of 3 members to "), std::string::npos) << trained.out;
}

TEST(TrainingPrintout, WithoutAValidationSplitTheLastEpochIsKept) {
  TemporaryDirectory dir;
  ASSERT_TRUE(write_synthetic_sales(dir / "train.csv", {.rows = 300, .seed = 1}).ok());
  const auto trained = run_vgsales("train --train " + q(dir / "train.csv") + " --target total_earnings --out " +
                                   q(dir / "model2") +
                                   " --epochs 3 --layers 8,4 --validation-split 0 --members 1 --no-logs");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.out.find("Kept the weights of the last epoch (3 of 3): with no validation split"),
            std::string::npos)
      << trained.out;
  EXPECT_EQ(trained.out.find("val_loss"), std::string::npos);
  EXPECT_NE(trained.out.find("Errors of the saved model (the weights of epoch 3), in dollars:"), std::string::npos);
}

// `evaluate` printed MSE 2.045 as "2": every figure now keeps 4 significant digits.
TEST(TrainingPrintout, EvaluateKeepsSignificantDigits) {
  TemporaryDirectory dir;
  const auto train = write_small_target_csv(dir, "train.csv", 300, 0, 1);
  const auto test = write_small_target_csv(dir, "test.csv", 100, 0, 2);
  ASSERT_EQ(run_vgsales("train --train " + q(train) + " --target y --out " + q(dir / "model") +
                        " --epochs 2 --layers 4 --no-logs --quiet")
                .exit_code,
            0);
  const auto text = run_vgsales("evaluate --model " + q(dir / "model") + " --data " + q(test));
  const auto json = run_vgsales("evaluate --model " + q(dir / "model") + " --data " + q(test) + " --json");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  ASSERT_EQ(json.exit_code, 0) << json.err;
  rapidjson::Document parsed;
  ASSERT_FALSE(parsed.Parse(json.out.c_str()).HasParseError()) << json.out;
  EXPECT_NE(text.out.find("(target y, errors in the target's units (y))"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("$"), std::string::npos) << text.out;
  for (const char* name : {"RMSE", "MAE", "MSE"}) {
    const std::regex line(std::string(R"(\n  )") + name + R"( +([0-9.,e+-]+)\n)");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(text.out, match, line)) << name << " in " << text.out;
    const std::string shown = match[1];
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    const double exact = parsed[lower.c_str()].GetDouble();
    ASSERT_LT(exact, 1000) << "the test needs a small error to mean anything";
    EXPECT_NEAR(std::stod(shown), exact, 5e-4 * exact) << name << " shown as " << shown;
    int significant = 0;
    bool leading = true;
    for (const char c : shown) {
      if (c == 'e') break;
      if (!std::isdigit(static_cast<unsigned char>(c))) continue;
      if (c != '0') leading = false;
      if (!leading) ++significant;
    }
    EXPECT_GE(significant, 4) << name << " shown as " << shown;
  }
}

// MAPE over targets near zero says nothing (the real table printed 403 % without comment).
TEST(TrainingPrintout, MapeIsNotShownWhenTargetsAreNearZero) {
  TemporaryDirectory dir;
  const auto train = write_small_target_csv(dir, "train.csv", 300, 30, 3);
  const auto test = write_small_target_csv(dir, "test.csv", 100, 12, 4);
  const auto trained = run_vgsales("train --train " + q(train) + " --test " + q(test) + " --target y --out " +
                                   q(dir / "model") + " --epochs 2 --layers 4 --no-logs --quiet");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  // The 12 tiny test targets (about 0.002) are far below 5 % of the mean (about 1.8); the others are not.
  EXPECT_NE(trained.out.find("| test | 100 |"), std::string::npos) << trained.out;
  EXPECT_NE(trained.out.find("| not shown* |"), std::string::npos) << trained.out;
  EXPECT_NE(trained.out.find("* MAPE not shown: 12 of 100 test targets are near zero"), std::string::npos)
      << trained.out;
  // The 300 training rows lose a quarter to the holdout (auto at this size), tiny ones among them.
  EXPECT_TRUE(std::regex_search(trained.out,
                                std::regex(R"(\* MAPE not shown: [0-9]+ of 225 train targets are near zero)")))
      << trained.out;
  const auto evaluated = run_vgsales("evaluate --model " + q(dir / "model") + " --data " + q(test));
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_NE(evaluated.out.find("  MAPE  not shown: 12 of 100 targets are near zero (0 or below 5 % of the mean "
                               "absolute target)"),
            std::string::npos)
      << evaluated.out;
  // Targets away from zero keep their MAPE.
  const auto clean = write_small_target_csv(dir, "clean.csv", 100, 0, 5);
  const auto shown = run_vgsales("evaluate --model " + q(dir / "model") + " --data " + q(clean));
  EXPECT_TRUE(std::regex_search(shown.out, std::regex(R"(\n  MAPE  [0-9]+\.[0-9]{2}%\n)"))) << shown.out;
}

}  // namespace
}  // namespace vgsales
