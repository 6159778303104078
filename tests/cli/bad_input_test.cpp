// Every bad input named in the core issue: a one-line message naming the file (and line/column),
// exit code 2 for usage and 1 for data/IO, and never a crash or a LibTorch trace.
#include <gtest/gtest.h>

#include "cli_fixtures.h"

namespace vgsales {
namespace {

using testing::q;
using testing::run_vgsales;
using testing::TemporaryDirectory;
using testing::write_text_file;

// Checks the shape every error must have, and returns stderr.
std::string expect_clean_failure(const testing::CommandOutput& result, int exit_code) {
  EXPECT_EQ(result.exit_code, exit_code) << result.err;
  // Every error, the flag parser's included, is one line starting "vgsales: error: ".
  EXPECT_EQ(result.err.rfind("vgsales: error: ", 0), 0u) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_EQ(result.err.find("Exception raised from"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("terminate called"), std::string::npos) << result.err;
  return result.err;
}

std::string train_on(const std::filesystem::path& file, const std::string& extra = "") {
  return "train --train " + q(file) + " --target y --out " + q(file.parent_path() / "model") + " --no-logs --quiet " +
         extra;
}

struct BadCsv {
  const char* name;
  const char* text;
  const char* expected;  // substring of the message
};

TEST(BadInput, CsvFilesGiveOneLineErrorsNamingFileAndLine) {
  TemporaryDirectory dir;
  const BadCsv cases[] = {
      {"empty.csv", "", "empty.csv: empty file"},
      {"header_only.csv", "a,y\n", "header_only.csv: no data rows"},
      {"no_target.csv", "a,b\n1,2\n", "no target column 'y'"},
      {"duplicate.csv", "a,a,y\n1,2,3\n", "duplicate column name 'a'"},
      {"few.csv", "a,y\n1,2\n3\n", "few.csv:3: expected 2 fields"},
      {"many.csv", "a,y\n1,2\n3,4,5\n", "many.csv:3: expected 2 fields (as in the header) but found 3"},
      {"text.csv", "a,y\n1,2\n2,3\nabc,4\n", "text.csv:4: column 'a': value 'abc' is not a number"},
      {"inf.csv", "a,y\n1,2\ninf,3\n", "inf.csv:3: column 'a': value 'inf' is not a finite number"},
      {"neginf.csv", "a,y\n1,2\n2,-inf\n", "neginf.csv:3: column 'y': value '-inf' is not a finite number"},
      {"quote.csv", "a,y\n1,2\n\"3,4\n", "quote.csv:3: column 1: unterminated quoted field"},
  };
  for (const auto& bad : cases) {
    const auto path = write_text_file(dir / bad.name, bad.text);
    const std::string err = expect_clean_failure(run_vgsales(train_on(path)), 1);
    EXPECT_NE(err.find(bad.expected), std::string::npos) << bad.name << ": " << err;
    EXPECT_FALSE(std::filesystem::exists(dir / "model")) << bad.name;
  }
}

TEST(BadInput, PathsThatDoNotExistOrAreDirectories) {
  TemporaryDirectory dir;
  std::string err = expect_clean_failure(run_vgsales(train_on(dir / "absent.csv")), 1);
  EXPECT_NE(err.find("absent.csv: no such file"), std::string::npos) << err;
  std::filesystem::create_directory(dir / "folder.csv");
  err = expect_clean_failure(run_vgsales(train_on(dir / "folder.csv")), 1);
  EXPECT_NE(err.find("is a directory"), std::string::npos) << err;
}

TEST(BadInput, MalformedSettingsAreUsageErrors) {
  TemporaryDirectory dir;
  const auto path = write_text_file(dir / "ok.csv", "a,y\n1,2\n2,3\n3,4\n");
  for (const char* flags : {"--layers 50,,50", "--layers 50,abc", "--layers -3", "--epochs 0", "--epochs -5",
                            "--batch-size 0", "--batch-size -1", "--learning-rate 0"}) {
    const auto result = run_vgsales(train_on(path, flags));
    expect_clean_failure(result, 2);
    EXPECT_FALSE(std::filesystem::exists(dir / "model")) << flags;
  }
  const auto missing_target = run_vgsales("train --train " + q(path) + " --out " + q(dir / "m"));
  EXPECT_EQ(missing_target.exit_code, 2);
  const auto unknown = run_vgsales("frobnicate");
  EXPECT_EQ(unknown.exit_code, 2);
}

TEST(BadInput, DamagedModelDirectories) {
  TemporaryDirectory dir;
  testing::make_cli_model(dir);
  const std::string predict_args = " --input " + q(dir / "test.csv");
  std::filesystem::copy(dir / "model", dir / "no_json", std::filesystem::copy_options::recursive);
  std::filesystem::remove(dir / "no_json" / "model.json");
  std::string err = expect_clean_failure(run_vgsales("predict --model " + q(dir / "no_json") + predict_args), 1);
  EXPECT_NE(err.find("model.json: missing"), std::string::npos) << err;

  std::filesystem::copy(dir / "model", dir / "bad_weights", std::filesystem::copy_options::recursive);
  std::string weights = testing::read_text_file(dir / "bad_weights" / "model.safetensors");
  for (size_t i = weights.size() / 2; i < weights.size() / 2 + 64 && i < weights.size(); ++i) weights[i] = 'Z';
  write_text_file(dir / "bad_weights" / "model.safetensors", weights);
  const std::vector<std::string> commands = {"evaluate --data " + q(dir / "test.csv"), "predict" + predict_args, "info",
                                             "export --out " + q(dir / "exports")};
  for (const std::string& command : commands) {
    err = expect_clean_failure(run_vgsales(command + " --model " + q(dir / "bad_weights")), 1);
    EXPECT_NE(err.find("model.safetensors: damaged: its SHA-256 does not match SHA256SUMS"), std::string::npos)
        << command << ": " << err;
  }

  std::filesystem::copy(dir / "model", dir / "bad_json", std::filesystem::copy_options::recursive);
  write_text_file(dir / "bad_json" / "model.json", "{\"features\": [");
  err = expect_clean_failure(run_vgsales("info --model " + q(dir / "bad_json")), 1);
  EXPECT_NE(err.find("model.json: damaged"), std::string::npos) << err;

  err = expect_clean_failure(run_vgsales("predict --model " + q(dir / "nowhere") + predict_args), 1);
  EXPECT_NE(err.find("no such model directory"), std::string::npos) << err;
}

TEST(BadInput, PredictInputsWithMissingColumnsOrText) {
  TemporaryDirectory dir;
  testing::make_cli_model(dir);
  const auto missing = write_text_file(dir / "missing.csv", "critic_rating,is_action\n4,1\n");
  std::string err =
      expect_clean_failure(run_vgsales("predict --model " + q(dir / "model") + " --input " + q(missing)), 1);
  EXPECT_NE(err.find("missing.csv: missing feature column(s) 'is_exclusive_to_us'"), std::string::npos) << err;

  std::string text = testing::read_text_file(dir / "test.csv");
  text.replace(text.find('\n') + 1, 3, "lot");  // the first data row's critic_rating
  const auto wordy = write_text_file(dir / "wordy.csv", text);
  err = expect_clean_failure(run_vgsales("predict --model " + q(dir / "model") + " --input " + q(wordy)), 1);
  EXPECT_NE(err.find("wordy.csv:2: column 'critic_rating': value 'lot"), std::string::npos) << err;
}

TEST(BadInput, AFailedRetrainKeepsTheOldModel) {
  TemporaryDirectory dir;
  testing::make_cli_model(dir);
  const std::string before = testing::read_text_file(dir / "model" / "model.json");
  const auto bad = write_text_file(dir / "bad.csv", "critic_rating,total_earnings\n1,2\n2,\"3\n");
  const auto result = run_vgsales("train --train " + q(bad) + " --target total_earnings --out " + q(dir / "model") +
                                  " --no-logs --quiet");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(testing::read_text_file(dir / "model" / "model.json"), before);
}

}  // namespace
}  // namespace vgsales
