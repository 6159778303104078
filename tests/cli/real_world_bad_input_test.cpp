// The real-world tables issue's bad inputs, through the CLI: one line naming the column, exit 1, and
// no model directory written. Also a real Ctrl-C (SIGINT) during training.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <regex>
#include <thread>

#include "cli_fixtures.h"

namespace vgsales {
namespace {

using testing::q;
using testing::run_vgsales;
using testing::TemporaryDirectory;
using testing::write_text_file;

struct Case {
  const char* name;
  const char* csv;
  const char* extra_flags;
  const char* expected;
};

TEST(RealWorldBadInput, EachGetsOneLineNamingTheColumnAndExit1) {
  TemporaryDirectory dir;
  write_text_file(
      dir / "schema_mismatch.json",
      R"({"features": [{"name": "rating", "type": "numeric"}, {"name": "colour", "type": "categorical"}]})");
  const Case cases[] = {
      {"all_missing.csv", "a,b,y\n1,,3\n2,NA,4\n3,N/A,5\n", "", "column 'b': every cell is missing"},
      {"text_target.csv", "a,y\n1,high\n2,low\n3,high\n", "", "column 'y': the target holds text"},
      {"one_value.csv", "a,g,y\n1,x,3\n2,x,4\n3,x,5\n", "", "column 'g': has a single value ('x')"},
      {"no_targets.csv", "a,y\n1,\n2,NA\n3,\n", "", "column 'y': the target is missing in every row"},
      {"schema.csv", "rating,y\n1,2\n2,3\n3,4\n", "--schema SCHEMA", "names column 'colour', which the file lacks"},
  };
  for (const auto& c : cases) {
    const auto path = write_text_file(dir / c.name, c.csv);
    std::string flags = c.extra_flags;
    if (flags.find("SCHEMA") != std::string::npos) flags = "--schema " + q(dir / "schema_mismatch.json");
    const auto result = run_vgsales("train --train " + q(path) + " --target y --out " + q(dir / "model") +
                                    " --no-logs --quiet " + flags);
    EXPECT_EQ(result.exit_code, 1) << c.name << ": " << result.err;
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << c.name << ": " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << c.name << ": " << result.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "model")) << c.name;
  }
}

TEST(RealWorldBadInput, RowsWithAMissingTargetAreSkippedAndCounted) {
  TemporaryDirectory dir;
  std::string text = "a,y\n";
  for (int i = 0; i < 40; ++i)
    text += std::to_string(i) + "," + (i % 10 == 3 ? std::string("") : std::to_string(2 * i)) + "\n";
  const auto path = write_text_file(dir / "gaps.csv", text);
  const auto result =
      run_vgsales("train --train " + q(path) + " --target y --epochs 2 --out " + q(dir / "model") + " --no-logs");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("skipped 4 rows with a missing target 'y'"), std::string::npos) << result.out;
}

TEST(Interrupt, CtrlCSavesTheModelAndExits130) {
  TemporaryDirectory dir;
  ASSERT_TRUE(write_synthetic_sales(dir / "big.csv", {.rows = 20000, .seed = 1}).ok());
  const std::string command = q(testing::vgsales_binary()) + " train --train " + q(dir / "big.csv") +
                              " --target total_earnings --epochs 100000 --out " + q(dir / "model") + " --logdir " +
                              q(dir / "logs") + " --run-name r";
  // Start training in the background, remembering vgsales' own pid; wait until a few epochs are done, then
  // send SIGINT as a terminal's Ctrl-C would.
  testing::run_command("(" + command + " >" + q(dir / "out.txt") + " 2>" + q(dir / "err.txt") + " & echo $! >" +
                       q(dir / "pid.txt") + "; wait $!; echo $? >" + q(dir / "rc.txt") + ") >/dev/null 2>&1 &");
  bool training = false;
  for (int i = 0; i < 600 && !training; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    training = testing::read_text_file(dir / "out.txt").find("Epoch 2/") != std::string::npos;
  }
  const std::string pid = testing::read_text_file(dir / "pid.txt");
  if (!training) testing::run_command("kill -9 " + pid);
  ASSERT_TRUE(training) << testing::read_text_file(dir / "err.txt");
  testing::run_command("kill -INT " + pid);
  std::string rc;
  for (int i = 0; i < 300 && rc.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rc = testing::read_text_file(dir / "rc.txt");
  }
  if (rc.empty()) testing::run_command("kill -9 " + pid);  // never leave a trainer running
  EXPECT_EQ(rc, "130\n") << testing::read_text_file(dir / "err.txt");
  const std::string json = testing::read_text_file(dir / "model" / "model.json");
  EXPECT_NE(json.find("\"status\": \"interrupted\""), std::string::npos);
  // The message says where Ctrl-C landed, what became of a partial epoch, and which epoch was saved; all of it
  // agrees with model.json and with the printout's last epoch line.
  const std::string err = testing::read_text_file(dir / "err.txt");
  const std::string out = testing::read_text_file(dir / "out.txt");
  const auto json_int = [&json](const std::string& key) {
    std::smatch match;
    EXPECT_TRUE(std::regex_search(json, match, std::regex("\"" + key + "\": ([0-9]+)"))) << key;
    return match.size() > 1 ? std::stoi(match[1]) : -1;
  };
  const int epochs_run = json_int("epochs_run");
  const int kept = json_int("kept_epoch");
  std::smatch match;
  if (std::regex_search(err, match, std::regex(R"(interrupted in epoch (\d+) after (\d+) of (\d+) batches: )"))) {
    EXPECT_EQ(std::stoi(match[1]), epochs_run) << err;
    EXPECT_LT(std::stoi(match[2]), std::stoi(match[3])) << err;
    EXPECT_NE(out.find(fmt::format("Epoch {}/100000 - interrupted after {}/{} batches", epochs_run,
                                   std::string(match[2]), std::string(match[3]))),
              std::string::npos)
        << out;
    if (kept < epochs_run) {
      EXPECT_NE(err.find(fmt::format("the partial epoch was discarded; saved the model of epoch {} to ", kept)),
                std::string::npos)
          << err;
      EXPECT_NE(out.find(fmt::format("The partial epoch {} (Ctrl-C cut it short after", epochs_run)), std::string::npos)
          << out;
    } else {
      EXPECT_NE(err.find(fmt::format("saved the model of epoch {} as it stood (partial)", kept)), std::string::npos)
          << err;
      EXPECT_NE(out.find(fmt::format("Kept the weights of epoch {} as they stood when Ctrl-C cut it short", kept)),
                std::string::npos)
          << out;
    }
  } else {
    // Ctrl-C between two epochs: nothing was cut short.
    EXPECT_NE(err.find(fmt::format("interrupted after epoch {}: saved the model of epoch {} to ", epochs_run, kept)),
              std::string::npos)
        << err;
  }
  const auto predict = run_vgsales("predict --model " + q(dir / "model") + " --input " + q(dir / "big.csv") +
                                   " --output " + q(dir / "p.csv"));
  EXPECT_EQ(predict.exit_code, 0) << predict.err;
  const auto logs = run_vgsales("logs " + q(dir / "logs"));
  EXPECT_EQ(logs.exit_code, 0) << logs.out;  // every record whole after the interruption
}

}  // namespace
}  // namespace vgsales
