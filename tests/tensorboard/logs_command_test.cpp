// End to end through the `vgsales` binary: train --logdir writes logs that `vgsales logs` and the
// independent Python decoder accept; damage, reuse of a run name and bad folders behave as documented.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "event_file_paths.h"
#include "support/test_support.h"

namespace vgsales::tensorboard {
namespace {

namespace fs = std::filesystem;
using vgsales::testing::run_command;
using vgsales::testing::shell_quote;
using vgsales::testing::TemporaryDirectory;

std::string vgsales_command(const std::string& arguments) {
  return shell_quote(vgsales::testing::vgsales_binary().string()) + " " + arguments;
}

class TensorboardCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto synth = run_command(vgsales_command("synth --rows 200 --seed 3 --out " +
                                                   shell_quote((directory_ / "games.csv").string())));
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    const auto test = run_command(vgsales_command("synth --rows 60 --seed 4 --out " +
                                                  shell_quote((directory_ / "test.csv").string())));
    ASSERT_EQ(test.exit_code, 0) << test.err;
  }

  vgsales::testing::CommandOutput train(const std::string& logdir, const std::string& extra = "") {
    return run_command(vgsales_command("train --train " + shell_quote((directory_ / "games.csv").string()) +
                                       " --test " + shell_quote((directory_ / "test.csv").string()) +
                                       " --target total_earnings --layers 8,4 --epochs 6" +
                                       " --validation-split 0.25 --histogram-freq 2 --image-freq 3 --quiet --out " +
                                       shell_quote((directory_ / "model").string()) + " --logdir " +
                                       shell_quote(logdir) + " " + extra));
  }

  TemporaryDirectory directory_;
};

TEST_F(TensorboardCli, TrainWritesLogsThatLogsAndPythonAccept) {
  const std::string logdir = (directory_ / "logs").string();
  const auto trained = train(logdir, "--run-name first");
  ASSERT_EQ(trained.exit_code, 0) << trained.err << trained.out;
  for (const char* split : {"first/train", "first/validation", "first/test"}) {
    EXPECT_TRUE(fs::exists(testing::only_event_file(directory_ / "logs" / split))) << split;
  }
  const auto listed = run_command(vgsales_command("logs " + shell_quote(logdir)));
  ASSERT_EQ(listed.exit_code, 0) << listed.err << listed.out;
  // One training run, named as --run-name gave it, with its three splits.
  EXPECT_NE(listed.out.find(": 1 training run, 4 event files in 4 folders"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("run first: splits train, validation, test"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("folder first/train (train split)"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("graph: GraphDef of"), std::string::npos);
  EXPECT_NE(listed.out.find("1..6 (6)"), std::string::npos);
  EXPECT_NE(listed.out.find("640x640 PNG"), std::string::npos);
  EXPECT_NE(listed.out.find("session end: STATUS_SUCCESS"), std::string::npos);
  EXPECT_EQ(listed.out.find("DAMAGED"), std::string::npos);

  const auto checked = run_command(
      std::string(VGSALES_SYSTEM_PYTHON) + " " +
      shell_quote((vgsales::testing::source_dir() / "tests" / "tensorboard" / "check_event_files.py").string()) + " " +
      shell_quote((vgsales::testing::source_dir() / "proto").string()) + " " + shell_quote(logdir));
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_NE(checked.out.find("\"first/test\""), std::string::npos);
}

TEST_F(TensorboardCli, SameRunNameGetsASuffixAndDamageIsReported) {
  const std::string logdir = (directory_ / "logs").string();
  ASSERT_EQ(train(logdir, "--run-name same").exit_code, 0);
  ASSERT_EQ(train(logdir, "--run-name same").exit_code, 0);
  ASSERT_TRUE(fs::is_directory(directory_ / "logs" / "same-2" / "train"));
  const fs::path victim = testing::only_event_file(directory_ / "logs" / "same" / "test");
  fs::resize_file(victim, fs::file_size(victim) - 3);
  const auto listed = run_command(vgsales_command("logs " + shell_quote(logdir)));
  EXPECT_EQ(listed.exit_code, 1);
  EXPECT_NE(listed.err.find(victim.string() + ": truncated record at offset "), std::string::npos) << listed.err;
  // The rest is still listed.
  EXPECT_NE(listed.out.find(": 2 training runs"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("folder same-2/test (test split)"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("folder same/train (train split)"), std::string::npos);
}

TEST_F(TensorboardCli, MissingLogDirectoryIsAOneLineError) {
  const auto listed = run_command(vgsales_command("logs " + shell_quote((directory_ / "nowhere").string())));
  EXPECT_EQ(listed.exit_code, 1);
  EXPECT_NE(listed.err.find("nowhere"), std::string::npos);
  EXPECT_EQ(std::count(listed.err.begin(), listed.err.end(), '\n'), 1) << listed.err;
}

TEST_F(TensorboardCli, UnwritableLogDirectoryStopsTrainingBeforeItStarts) {
  const fs::path blocker = vgsales::testing::write_text_file(directory_ / "blocker", "a file, not a folder");
  const auto trained = train((blocker / "logs").string());
  EXPECT_EQ(trained.exit_code, 1);
  EXPECT_NE(trained.err.find("blocker"), std::string::npos) << trained.err;
  EXPECT_FALSE(fs::exists(directory_ / "model"));
}

}  // namespace
}  // namespace vgsales::tensorboard
