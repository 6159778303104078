// Tests for `vgsales export` (src/cli/export_command.cpp) through the built program: usage and data errors,
// version numbering, and an end-to-end run (synth -> train -> export all) in which OpenCV (ONNX and
// frozen graph) and PyTorch (model.pt) agree with `vgsales predict`.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "export/export_test_support.h"
#include "support/test_support.h"

namespace vgsales {
namespace {
namespace fs = std::filesystem;
using testing::CommandOutput;
using testing::run_command;
using testing::shell_quote;
using testing::TemporaryDirectory;

CommandOutput vgsales(const std::string& arguments) {
  return run_command(shell_quote(testing::vgsales_binary().string()) + " " + arguments);
}

std::size_t line_count(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

TEST(ExportCommandTest, UnknownFormatIsAUsageError) {
  TemporaryDirectory root;
  const CommandOutput result = vgsales("export --model " + shell_quote((root / "model").string()) + " --out " +
                                       shell_quote((root / "serving").string()) + " --format tflite");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("tflite"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(root / "serving"));
}

TEST(ExportCommandTest, MissingModelDirectoryIsADataError) {
  TemporaryDirectory root;
  const CommandOutput result = vgsales("export --model " + shell_quote((root / "absent").string()) + " --out " +
                                       shell_quote((root / "serving").string()));
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find("absent"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(root / "serving"));
}

TEST(ExportCommandTest, CorruptModelDirectoryIsADataError) {
  TemporaryDirectory root;
  testing::write_text_file(root / "model" / "model.json", "{ not json");
  testing::write_text_file(root / "model" / "model.pt", "not a zip archive");
  const CommandOutput result = vgsales("export --model " + shell_quote((root / "model").string()) + " --out " +
                                       shell_quote((root / "serving").string()));
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_FALSE(fs::exists(root / "serving" / "1"));
}

// One small trained model shared by the end-to-end tests (training is the slow part).
class ExportEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new TemporaryDirectory();
    const CommandOutput synth = vgsales("synth --rows 300 --seed 5 --out " + shell_quote(csv().string()));
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    const CommandOutput train = vgsales("train --train " + shell_quote(csv().string()) +
                                        " --target total_earnings --layers 16,8 --epochs 4 " + "--quiet --out " +
                                        shell_quote(model_dir().string()));
    ASSERT_EQ(train.exit_code, 0) << train.err;
    // A log1p target adds the Exp / Sub tail to every exported graph.
    const CommandOutput train_log1p =
        vgsales("train --train " + shell_quote(csv().string()) + " --target total_earnings --layers 8 --epochs 4 " +
                "--target-transform log1p --quiet --out " + shell_quote(log1p_model_dir().string()));
    ASSERT_EQ(train_log1p.exit_code, 0) << train_log1p.err;
    // A fixed range with two bounds other than 0 adds the clip's Maximum/Minimum (raw-row graphs) and its Relu
    // arithmetic (the packed graphs OpenCV reads) to every export.
    const CommandOutput train_bounded = vgsales("train --train " + shell_quote(csv().string()) +
                                                " --target total_earnings --layers 8 --epochs 4 --target-range " +
                                                std::to_string(kBoundedMin) + "," + std::to_string(kBoundedMax) +
                                                " --quiet --out " + shell_quote(bounded_model_dir().string()));
    ASSERT_EQ(train_bounded.exit_code, 0) << train_bounded.err;
  }
  static void TearDownTestSuite() {
    delete root_;
    root_ = nullptr;
  }
  static fs::path csv() { return *root_ / "sales.csv"; }
  static fs::path model_dir() { return *root_ / "model"; }
  static fs::path log1p_model_dir() { return *root_ / "model_log1p"; }
  static fs::path bounded_model_dir() { return *root_ / "model_bounded"; }
  static constexpr int kBoundedMin = 55000, kBoundedMax = 95000;
  static TemporaryDirectory* root_;
};
TemporaryDirectory* ExportEndToEndTest::root_ = nullptr;

std::vector<double> numbers_in(const std::string& text) {
  std::vector<double> values;
  static const std::regex number(R"([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), number); it != std::sregex_iterator(); ++it) {
    values.push_back(std::stod(it->str()));
  }
  return values;
}

// Exports `model`, then runs every exported file on the CSV's rows and compares with `vgsales predict`.
void expect_engines_agree_with_predict(const fs::path& model, const fs::path& csv, std::size_t row_count,
                                       double floor) {
  ASSERT_TRUE(fs::exists(model / "model.json")) << "training failed in SetUpTestSuite";
  TemporaryDirectory work;
  const CommandOutput exported =
      vgsales("export --model " + shell_quote(model.string()) + " --out " + shell_quote((work / "serving").string()));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("exported version 1"), std::string::npos) << exported.out;
  const fs::path folder = work / "serving" / "1";
  for (const char* file : {"saved_model.pb", "frozen_graph.pb", "frozen_graph.encoded.pb", "model.onnx",
                           "model.encoded.onnx", "model.pt", "model.json"}) {
    EXPECT_TRUE(fs::exists(folder / file)) << file;
  }

  const CommandOutput predicted = vgsales("predict --model " + shell_quote(model.string()) + " --input " +
                                          shell_quote(csv.string()) + " --format json");
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  const std::vector<double> expected = numbers_in(predicted.out);
  ASSERT_EQ(expected.size(), row_count) << predicted.out.substr(0, 200);

  const CommandOutput encoded =
      run_command(std::string(VGSALES_SYSTEM_PYTHON) + " " +
                  shell_quote((testing::source_dir() / "tests" / "export" / "encoded_rows.py").string()) + " " +
                  shell_quote((folder / "model.json").string()) + " " + shell_quote(csv.string()) + " " +
                  shell_quote((work / "rows.txt").string()));
  ASSERT_EQ(encoded.exit_code, 0) << encoded.err;
  std::vector<std::vector<float>> rows;
  {
    std::istringstream lines(testing::read_text_file(work / "rows.txt"));
    std::string line;
    while (std::getline(lines, line)) {
      std::vector<float> row;
      for (double value : numbers_in(line)) row.push_back(static_cast<float>(value));
      rows.push_back(std::move(row));
    }
  }
  ASSERT_EQ(rows.size(), expected.size());
  // OpenCV reads the packed variants (it has no string tensors, no ai.onnx.ml and no IsNaN); the raw-row model.onnx
  // passes Debian's onnx checker (ONNX Runtime runs it in tests/engines).
  testing::expect_close(testing::run_engine("onnx-check", folder / "model.encoded.onnx", rows), expected, floor,
                        model.filename().string() + ": model.encoded.onnx in OpenCV vs vgsales predict");
  const CommandOutput checked = run_command(std::string(VGSALES_SYSTEM_PYTHON) +
                                            " -c 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), "
                                            "full_check=True)' " +
                                            shell_quote((folder / "model.onnx").string()));
  EXPECT_EQ(checked.exit_code, 0) << "onnx.checker rejected the raw-row model.onnx:\n" << checked.err;
  testing::expect_close(testing::run_engine("opencv-tf", folder / "frozen_graph.encoded.pb", rows), expected, floor,
                        model.filename().string() + ": frozen_graph.encoded.pb in OpenCV vs vgsales predict");
  testing::expect_close(testing::run_engine("torchscript", folder / "model.pt", rows), expected, floor,
                        model.filename().string() + ": model.pt forward in torch.jit vs vgsales predict");
  // forward_rows on the CSV's raw columns: the encoding inside model.pt, unseen and missing cells included.
  testing::expect_close(testing::run_engine_on_csv("torchscript-rows", folder / "model.pt", csv), expected, floor,
                        model.filename().string() + ": model.pt forward_rows in torch.jit vs vgsales predict");
}

// Earnings are in currency units: below 1 only the absolute error matters.
TEST_F(ExportEndToEndTest, EveryEngineAgreesWithPredict) {
  expect_engines_agree_with_predict(model_dir(), csv(), 300, 1.0);
}

TEST_F(ExportEndToEndTest, EveryEngineAgreesWithPredictForALog1pTarget) {
  expect_engines_agree_with_predict(log1p_model_dir(), csv(), 300, 1.0);
}

// Every estimate lies in the fixed range, some on each bound, and every engine clips like predict.
TEST_F(ExportEndToEndTest, EveryEngineClipsToAFixedTargetRangeLikePredict) {
  const CommandOutput predicted = vgsales("predict --model " + shell_quote(bounded_model_dir().string()) + " --input " +
                                          shell_quote(csv().string()) + " --format json");
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  const std::vector<double> estimates = numbers_in(predicted.out);
  ASSERT_EQ(estimates.size(), 300u);
  std::size_t at_min = 0, at_max = 0;
  for (double estimate : estimates) {
    EXPECT_GE(estimate, kBoundedMin);
    EXPECT_LE(estimate, kBoundedMax);
    at_min += estimate == kBoundedMin ? 1 : 0;
    at_max += estimate == kBoundedMax ? 1 : 0;
  }
  EXPECT_GT(at_min, 0u) << "no estimate reached the minimum: the range does not test the clip";
  EXPECT_GT(at_max, 0u) << "no estimate reached the maximum: the range does not test the clip";
  expect_engines_agree_with_predict(bounded_model_dir(), csv(), 300, 1.0);
}

// The real vgsales table: categorical Platform / Genre / Publisher (one-hot in the exports' input) and a
// Year with "N/A" cells (imputed plus a missing indicator), so the encoded layout cloud clients send is
// checked against `vgsales predict`'s own encoding.
TEST(ExportRealDataTest, CategoricalModelAgreesWithPredict) {
  VGSALES_SHARED_DATA_OR_SKIP(real_csv, "real/vgsales.csv");
  TemporaryDirectory root;
  const CommandOutput train = vgsales("train --train " + shell_quote(real_csv.string()) +
                                      " --target Global_Sales --drop Rank,Name,NA_Sales,EU_Sales,JP_Sales,Other_Sales"
                                      " --layers 16 --epochs 2 --quiet --out " +
                                      shell_quote((root / "model").string()));
  ASSERT_EQ(train.exit_code, 0) << train.err;
  std::size_t rows = 0;
  {
    std::istringstream lines(testing::read_text_file(real_csv));
    std::string line;
    while (std::getline(lines, line)) rows += line.empty() ? 0 : 1;
  }
  // Global_Sales is in millions of copies; below 0.1 (100,000 copies) compare absolute differences.
  expect_engines_agree_with_predict(root / "model", real_csv, rows - 1, 0.1);
}

TEST_F(ExportEndToEndTest, VersionsCountUpAndExistingOnesAreRefused) {
  ASSERT_TRUE(fs::exists(model_dir() / "model.json")) << "training failed in SetUpTestSuite";
  TemporaryDirectory work;
  const std::string base = " --model " + shell_quote(model_dir().string()) + " --out " +
                           shell_quote((work / "serving").string());
  ASSERT_EQ(vgsales("export --format onnx" + base).exit_code, 0);
  const CommandOutput second = vgsales("export --format torchscript" + base);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("exported version 2"), std::string::npos) << second.out;
  EXPECT_TRUE(fs::exists(work / "serving" / "2" / "model.pt"));

  const CommandOutput refused = vgsales("export --version 1" + base);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("--overwrite"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(work / "serving" / "1" / "saved_model.pb")) << "the refused export must not touch version 1";

  const CommandOutput replaced = vgsales("export --version 1 --overwrite" + base);
  EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_TRUE(fs::exists(work / "serving" / "1" / "saved_model.pb"));

  const CommandOutput unwritable = vgsales("export --model " + shell_quote(model_dir().string()) + " --out " +
                                           shell_quote((work / "serving" / "1" / "model.onnx" / "x").string()));
  EXPECT_EQ(unwritable.exit_code, 1) << unwritable.err;
  EXPECT_EQ(line_count(unwritable.err), 1u) << unwritable.err;
}

}  // namespace
}  // namespace vgsales
