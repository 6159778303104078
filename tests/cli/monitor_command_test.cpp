// vgsales monitor end to end on the real table split by year: a model trained on 2008 and earlier, new rows from
// 2013 on (Platform and Year drift, exit 3) and a random holdout of the training years (no drift, exit 0); an older
// model without a profile is told so; --logdir writes scalars.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "support/test_support.h"

namespace vgsales::testing {
namespace {

// The real table's rows by year into train (<= 2008, 80 % at random), holdout (the other 20 %) and new (>= 2013).
void split_by_year(const std::filesystem::path& table, const std::filesystem::path& dir) {
  std::ifstream in(table);
  std::string header, line;
  std::getline(in, header);
  std::ofstream train(dir / "train.csv"), holdout(dir / "holdout.csv"), recent(dir / "new.csv");
  for (auto* out : {&train, &holdout, &recent}) *out << header << "\n";
  std::mt19937 random(27);
  while (std::getline(in, line)) {
    // Rank,Name,Platform,Year,...: names may hold quoted commas, so the year is the 4th field from the right of
    // Genre..Global_Sales (7 fields after it).
    size_t end = line.size();
    for (int i = 0; i < 7; ++i) end = line.rfind(',', end - 1);
    const size_t start = line.rfind(',', end - 1) + 1;
    const std::string year = line.substr(start, end - start);
    if (year.size() != 4 || year.find_first_not_of("0123456789") != std::string::npos) continue;
    const int y = std::stoi(year);
    if (y >= 2013) recent << line << "\n";
    else if (y <= 2008) (random() % 5 == 0 ? holdout : train) << line << "\n";
  }
}

class MonitorCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto table = shared_data_file("real/vgsales.csv");
    if (!table) return;
    dir_ = new TemporaryDirectory();
    split_by_year(*table, dir_->path());
    trained_ = run_command(shell_quote(vgsales_binary().string()) + " train --train " +
                           shell_quote((*dir_ / "train.csv").string()) +
                           " --target Global_Sales --drop Rank,Name,NA_Sales,EU_Sales,JP_Sales,Other_Sales --epochs 2 "
                           "--members 1 --out " +
                           shell_quote((*dir_ / "model").string()) + " --logdir " +
                           shell_quote((*dir_ / "logs").string()));
  }
  static void TearDownTestSuite() { delete dir_; }
  void SetUp() override {
    if (!dir_) GTEST_SKIP() << "../shared/data/real/vgsales.csv is absent";
    ASSERT_EQ(trained_.exit_code, 0) << trained_.err;
  }
  static CommandOutput monitor(const std::string& data, const std::string& flags = " --json") {
    return run_command(shell_quote(vgsales_binary().string()) + " monitor --model " +
                       shell_quote((*dir_ / "model").string()) + " --data " + shell_quote((*dir_ / data).string()) +
                       flags);
  }
  static inline TemporaryDirectory* dir_ = nullptr;
  static inline CommandOutput trained_;
};

TEST_F(MonitorCommand, RecentYearsDriftInPlatformAndYear) {
  const CommandOutput run = monitor("new.csv");
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.out.find("\"Platform\":{"), std::string::npos) << run.out;
  for (const char* column : {"Platform", "Year"}) {
    const size_t at = run.out.find(std::string("\"") + column + "\":{");
    ASSERT_NE(at, std::string::npos);
    EXPECT_NE(run.out.substr(at, run.out.find('}', at) - at).find("\"drift\":true"), std::string::npos) << column;
  }
  EXPECT_NE(run.err.find("drift in Platform, Year"), std::string::npos) << run.err;
}

TEST_F(MonitorCommand, HoldoutOfTheTrainingYearsHasNoDrift) {
  const CommandOutput run = monitor("holdout.csv");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find("\"drift\":true"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"Publisher\":{\"jensen_shannon\":"), std::string::npos) << run.out;
}

TEST_F(MonitorCommand, TableAndScalars) {
  const CommandOutput run = monitor("new.csv", " --threshold 0.99 --logdir " + shell_quote((*dir_ / "drift").string()) +
                                                   " --window-rows 500");
  EXPECT_EQ(run.exit_code, 3) << run.err;  // Year's distance is 1: above any threshold below it
  EXPECT_NE(run.out.find("Year       numeric"), std::string::npos) << run.out;
  bool events = false;
  for (const auto& entry : std::filesystem::directory_iterator(*dir_ / "drift"))
    events |= entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0;
  EXPECT_TRUE(events);
}

TEST_F(MonitorCommand, AModelWithoutAProfileIsToldSo) {
  const auto old = source_dir() / "tests" / "model" / "format_versions" / "v3";
  const CommandOutput run = run_command(shell_quote(vgsales_binary().string()) + " monitor --model " +
                                        shell_quote(old.string()) + " --data " +
                                        shell_quote((*dir_ / "new.csv").string()));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("has no training profile"), std::string::npos) << run.err;
}

TEST_F(MonitorCommand, ADamagedProfileIsRefused) {
  const auto copy = *dir_ / "damaged";
  std::filesystem::copy(*dir_ / "model", copy);
  std::ofstream(copy / "training_profile.json", std::ios::app) << " ";
  const CommandOutput run = run_command(shell_quote(vgsales_binary().string()) + " monitor --model " +
                                        shell_quote(copy.string()) + " --data " +
                                        shell_quote((*dir_ / "new.csv").string()));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("training_profile.json"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace vgsales::testing
