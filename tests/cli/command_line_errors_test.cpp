// Every command-line mistake gets one line `vgsales: error: ...` on stderr with a hint, and exit 2; `vgsales` alone
// and `--help` print the help with exit 0. Runs the real binary.
#include <gtest/gtest.h>

#include "cli_fixtures.h"

namespace vgsales {
namespace {

using testing::run_vgsales;

// The message of a usage error, after checking its shape: exit 2, one line with the prefix, nothing on stdout.
std::string usage_error(const std::string& arguments) {
  const auto result = run_vgsales(arguments);
  EXPECT_EQ(result.exit_code, 2) << arguments << "\n" << result.err;
  EXPECT_EQ(result.out, "") << arguments;
  EXPECT_EQ(result.err.rfind("vgsales: error: ", 0), 0u) << arguments << "\n" << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << arguments << "\n" << result.err;
  EXPECT_EQ(result.err.find("Run with --help"), std::string::npos) << result.err;  // CLI11's own second line
  const std::string line = result.err.substr(0, result.err.find('\n'));
  return line.substr(std::string("vgsales: error: ").size());
}

TEST(CommandLineErrors, UnknownCommandsSuggestTheClosest) {
  EXPECT_EQ(usage_error("trian"), "unknown command 'trian' (did you mean 'train'?)");
  EXPECT_EQ(usage_error("evalute --model m"), "unknown command 'evalute' (did you mean 'evaluate'?)");
  EXPECT_EQ(usage_error("help"), "unknown command 'help'; the help is 'vgsales --help', or 'vgsales COMMAND --help'");
  EXPECT_EQ(usage_error("frobnicate"),
            "unknown command 'frobnicate'; the commands are synth, train, evaluate, predict, explain, info, export, "
            "serve, monitor, logs (see 'vgsales --help')");
}

TEST(CommandLineErrors, UnknownFlagsSuggestTheClosestFlagOfThatCommand) {
  // Reported before the required flags that are missing too: the typo is the cause.
  EXPECT_EQ(usage_error("train --epoch 3"), "unknown flag '--epoch' for 'vgsales train' (did you mean '--epochs'?)");
  EXPECT_EQ(usage_error("predict --model m --inptu x.csv"),
            "unknown flag '--inptu' for 'vgsales predict' (did you mean '--input'?)");
  EXPECT_EQ(usage_error("serve --model_name m --max-body 5"),
            "unknown flag '--max-body' for 'vgsales serve'; see 'vgsales serve --help'");
  EXPECT_EQ(usage_error("synth --rows=5 --sed=3"), "unknown flag '--sed' for 'vgsales synth' (did you mean '--seed'?)");
  EXPECT_EQ(usage_error("--versoin"), "unknown flag '--versoin' (did you mean '--version'?)");
  EXPECT_EQ(usage_error("synth --out x.csv stray"),
            "unexpected argument 'stray' for 'vgsales synth' (its settings are flags such as --name value; see "
            "'vgsales synth --help')");
}

TEST(CommandLineErrors, MissingRequiredFlagsAndValuesAreNamed) {
  EXPECT_EQ(usage_error("train --train a.csv --out m"),
            "'vgsales train' needs --target COLUMN: column to predict (any position); see 'vgsales train --help'");
  EXPECT_EQ(
      usage_error("evaluate --data a.csv"),
      "'vgsales evaluate' needs --model DIR: model directory or `gs://BUCKET/PATH`; see 'vgsales evaluate --help'");
  EXPECT_EQ(usage_error("train --train"), "--train needs a value; see 'vgsales train --help'");
}

TEST(CommandLineErrors, BoundsAreStatedShortly) {
  EXPECT_EQ(usage_error("synth --rows 0 --out x.csv"), "--rows: 0 is below the minimum 1; see 'vgsales synth --help'");
  EXPECT_EQ(usage_error("synth --rows lots --out x.csv"),
            "--rows: 'lots' is not a whole number; see 'vgsales synth --help'");
  const std::string train = "train --train a.csv --target y --out m ";
  EXPECT_EQ(usage_error(train + "--learning-rate 0"),
            "--learning-rate: 0 is below the minimum 1e-9; see 'vgsales train --help'");
  EXPECT_EQ(usage_error(train + "--epochs 2000000"),
            "--epochs: 2000000 is above the maximum 1,000,000; see 'vgsales train --help'");
  EXPECT_EQ(usage_error(train + "--test-split nan"), "--test-split: 'nan' is not a number; see 'vgsales train --help'");
  EXPECT_EQ(usage_error("serve --model_name m --port 99999"),
            "--port: 99999 is above the maximum 65,535; see 'vgsales serve --help'");
  EXPECT_EQ(usage_error("serve --model_name m --poll-seconds -1"),
            "--poll-seconds: -1 is below the minimum 0; see 'vgsales serve --help'");
  // Flags checked by CLI11's own validators (IsMember) read the same way.
  EXPECT_EQ(usage_error("predict --model m --input x --format xml"), "--format: 'xml' is not one of csv, json");
  EXPECT_EQ(usage_error(train + "--delimiter '|'"),
            "--delimiter: '|' is not one of auto, ',', ';', tab; see 'vgsales train --help'");
  // No bound is ever printed with all its digits (CLI11 prints DBL_MAX with 309).
  for (const char* arguments : {"serve --model_name m --poll-seconds abc", "synth --rows -1 --out x"}) {
    const std::string message = usage_error(arguments);
    EXPECT_LT(message.size(), 120u) << message;
  }
}

// The help states each bound once, inside the help's own parenthesis when it has one, and "at least" when only the
// type limits the value.
TEST(CommandLineErrors, HelpStatesBoundsOnce) {
  const auto train = run_vgsales("train --help");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.out.find("(0 = run every epoch; 0 to 1,000,000)"), std::string::npos) << train.out;
  EXPECT_NE(train.out.find("Adam step size (1e-9 to 10)"), std::string::npos) << train.out;
  EXPECT_EQ(train.out.find(") ("), std::string::npos) << train.out;
  const auto synth = run_vgsales("synth --help");
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  EXPECT_NE(synth.out.find("(at least 1)"), std::string::npos) << synth.out;
  EXPECT_EQ(synth.out.find("to any"), std::string::npos) << synth.out;
}

TEST(CommandLineErrors, ConflictingFlags) {
  EXPECT_EQ(usage_error("predict --model m --input a.csv --row x=1"), "give --input or --row, not both");
}

TEST(CommandLineErrors, HelpAndVersionStillExitZero) {
  const auto bare = run_vgsales("");
  EXPECT_EQ(bare.exit_code, 0);
  EXPECT_NE(bare.out.find("Subcommands:"), std::string::npos) << bare.out;
  EXPECT_NE(bare.out.find("train"), std::string::npos);
  EXPECT_EQ(bare.err, "");
  const auto help = run_vgsales("train --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--target"), std::string::npos);
  const auto version = run_vgsales("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("vgsales ", 0), 0u);
}

}  // namespace
}  // namespace vgsales
