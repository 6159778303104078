// End-to-end tests of the commands as users run them, including Debian's Python torch as an
// independent reader of model.pt.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <sstream>
#include <thread>

#include "cli_fixtures.h"

namespace vgsales {
namespace {

using testing::q;
using testing::run_vgsales;
using testing::TemporaryDirectory;

std::vector<double> parse_prediction_json(const std::string& json) {
  std::vector<double> values;
  std::string cleaned;
  for (char c : json) cleaned += (c == '[' || c == ']' || c == ',' || c == '{' || c == '}' || c == ':') ? ' ' : c;
  std::istringstream in(cleaned);
  std::string word;
  while (in >> word)
    if (word != "\"predictions\"") values.push_back(std::stod(word));
  return values;
}

TEST(Commands, SynthTrainPredictEvaluateInfo) {
  TemporaryDirectory dir;
  testing::make_cli_model(dir);
  const auto predict =
      run_vgsales("predict --model " + q(dir / "model") + " --input " + q(dir / "test.csv") + " --format json");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  EXPECT_EQ(parse_prediction_json(predict.out).size(), 100u);

  const auto csv = run_vgsales("predict --model " + q(dir / "model") + " --input " + q(dir / "test.csv") +
                               " --output " + q(dir / "out.csv"));
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::string written = testing::read_text_file(dir / "out.csv");
  EXPECT_EQ(written.rfind("critic_rating,", 0), 0u);
  // The mean, then the median and the interval's bounds (the default model has an interval).
  EXPECT_NE(written.find(",predicted_total_earnings,predicted_total_earnings_median,predicted_total_earnings_lower,"
                         "predicted_total_earnings_upper\n"),
            std::string::npos)
      << written.substr(0, 300);
  EXPECT_EQ(std::count(written.begin(), written.end(), '\n'), 101);

  const auto evaluate =
      run_vgsales("evaluate --model " + q(dir / "model") + " --data " + q(dir / "test.csv") + " --json");
  ASSERT_EQ(evaluate.exit_code, 0) << evaluate.err;
  for (const char* key : {"\"mse\"", "\"rmse\"", "\"mae\"", "\"mape\"", "\"r2\"", "\"rows\": 100", "\"median_mae\"",
                          "\"coverage\"", "\"mean_interval_width\""})
    EXPECT_NE(evaluate.out.find(key), std::string::npos) << key << " in " << evaluate.out;

  const auto info = run_vgsales("info --model " + q(dir / "model"));
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("layer_1 (Dense, relu)"), std::string::npos);
  // Five members of 9*8+8 + 8*4+4 + 4+1 = 121 parameters each (one more output column with a median head).
  const bool head = info.out.find("(Dense: mean, median)") != std::string::npos;
  EXPECT_NE(info.out.find(head ? "Total params: 630" : "Total params: 605"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("ensemble (x5, averaged)"), std::string::npos) << info.out;
  // Every setting from the settings' one list, as used: auto resolved, the median's source as chosen.
  EXPECT_NE(info.out.find("5 members, kept epochs "), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("\nSettings: epochs=20 batch_size=32 learning_rate=0.001 seed=42 threads=1 "),
            std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find(" layers=8,4 validation_split=0.25 target_transform=none input_scaling=standard median="),
            std::string::npos)
      << info.out;
  EXPECT_EQ(info.out.find("median=auto"), std::string::npos) << info.out;

  const auto row =
      run_vgsales("predict --model " + q(dir / "model") +
                  " --row 'critic_rating=4.1,is_action=1,is_exclusive_to_us=1,is_portable=1,"
                  "is_role_playing=0,is_sequel=1,is_sports=0,suitable_for_kids=1,unit_price=55.99' --format json");
  ASSERT_EQ(row.exit_code, 0) << row.err;
  ASSERT_EQ(parse_prediction_json(row.out).size(), 1u);
}

TEST(Commands, ExtraColumnsGetOneWarning) {
  TemporaryDirectory dir;
  testing::make_cli_model(dir);
  const auto result = run_vgsales("predict --model " + q(dir / "model") + " --input " + q(dir / "test.csv"));
  ASSERT_EQ(result.exit_code, 0);
  // The test file has the target column, which is not "extra"; nothing else is unused.
  EXPECT_EQ(result.err.find("warning"), std::string::npos) << result.err;
  std::string text = testing::read_text_file(dir / "test.csv");
  std::string with_extra;
  std::istringstream in(text);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    with_extra += line + (header ? ",comment\n" : ",x\n");
    header = false;
  }
  testing::write_text_file(dir / "extra.csv", with_extra);
  const auto warned = run_vgsales("predict --model " + q(dir / "model") + " --input " + q(dir / "extra.csv"));
  ASSERT_EQ(warned.exit_code, 0) << warned.err;
  EXPECT_NE(warned.err.find("warning: ignoring column(s) the model does not use: comment"), std::string::npos);
}

TEST(Commands, TwoRunsWithTheSameSeedPredictIdentically) {
  TemporaryDirectory dir;
  testing::make_cli_model(dir, "--seed 5 --threads 1");
  std::filesystem::rename(dir / "model", dir / "first");
  testing::make_cli_model(dir, "--seed 5 --threads 1");
  const std::string args = " --input " + q(dir / "test.csv") + " --format json";
  const auto a = run_vgsales("predict --model " + q(dir / "first") + args);
  const auto b = run_vgsales("predict --model " + q(dir / "model") + args);
  ASSERT_EQ(a.exit_code, 0);
  EXPECT_EQ(a.out, b.out);
}

TEST(Commands, PythonTorchLoadsTheExportedModelPtAndAgrees) {
#ifndef VGSALES_TORCHSCRIPT_PLUGIN_BUILT
  GTEST_SKIP() << "this build has no TorchScript plugin (a sanitizer build leaves it out: it links LibTorch)";
#endif
  TemporaryDirectory dir;
  testing::make_cli_model(dir);
  const auto exported =
      run_vgsales("export --format torchscript --model " + q(dir / "model") + " --out " + q(dir / "exports"));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const auto ours =
      run_vgsales("predict --model " + q(dir / "model") + " --input " + q(dir / "test.csv") + " --format json");
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  const std::string script =
      "import csv, json, sys, torch\n"
      "model = torch.jit.load(sys.argv[1])\n"
      "rows = list(csv.DictReader(open(sys.argv[2])))\n"
      "meta = json.loads(open(sys.argv[3]).read())\n"
      "names = [f['name'] for f in meta['pipeline']['features']]\n"
      "x = torch.tensor([[float(r[n]) for n in names] for r in rows], dtype=torch.float32)\n"
      "with torch.no_grad():\n"
      "    y = model(x)\n"
      "assert list(y.shape) == [len(rows), 1], y.shape\n"
      "print(json.dumps([float(v) for v in y[:, 0]]))\n";
  testing::write_text_file(dir / "check.py", script);
  const auto python = testing::run_command(std::string(VGSALES_SYSTEM_PYTHON) + " " + q(dir / "check.py") + " " +
                                           q(dir / "exports" / "1" / "model.pt") + " " + q(dir / "test.csv") + " " +
                                           q(dir / "exports" / "1" / "model.json"));
  ASSERT_EQ(python.exit_code, 0) << python.err;
  const auto expected = parse_prediction_json(ours.out);
  const auto theirs = parse_prediction_json(python.out);
  ASSERT_EQ(theirs.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_LT(std::abs(theirs[i] - expected[i]) / std::abs(expected[i]), 1e-5) << "row " << i;
}

TEST(Commands, ReferenceJobMeetsTheAccuracyTarget) {
  VGSALES_SHARED_DATA_OR_SKIP(train, "sales_data_training.csv");
  VGSALES_SHARED_DATA_OR_SKIP(test, "sales_data_test.csv");
  TemporaryDirectory dir;
  const auto result = run_vgsales("train --train " + q(train) + " --test " + q(test) +
                                  " --target total_earnings --out " + q(dir / "model") + " --no-logs --quiet");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto evaluate = run_vgsales("evaluate --model " + q(dir / "model") + " --data " + q(test) + " --json");
  ASSERT_EQ(evaluate.exit_code, 0);
  const auto at = evaluate.out.find("\"rmse\": ");
  ASSERT_NE(at, std::string::npos);
  const double rmse = std::stod(evaluate.out.substr(at + 8));
  EXPECT_LE(rmse, 2500.0) << "test RMSE in dollars";
  EXPECT_GT(rmse, 100.0);  // a sanity bound: the data has noise a network cannot fit away
}

}  // namespace
}  // namespace vgsales

namespace vgsales {
namespace {

// `predict --server` against a real `vgsales serve` on a free loopback port gives the local predictions.
TEST(Commands, PredictThroughTheServerMatchesLocalPredict) {
  TemporaryDirectory dir;
  testing::make_cli_model(dir);
  std::filesystem::create_directories(dir / "base");
  std::filesystem::copy(dir / "model", dir / "base" / "1", std::filesystem::copy_options::recursive);
  const std::string log = (dir / "serve.log").string();
  testing::run_command("(" + q(testing::vgsales_binary()) + " serve --model_base_path " + q(dir / "base") +
                       " --model_name games --host 127.0.0.1 --port 0 >" + q(log) + " 2>&1 & echo $! >" +
                       q(dir / "pid") + ")");
  std::string port;
  for (int attempt = 0; attempt < 100 && port.empty(); ++attempt) {
    const std::string text = testing::read_text_file(log);
    const auto at = text.find("listening on 127.0.0.1:");
    if (at != std::string::npos) port = text.substr(at + 23, text.find_first_not_of("0123456789", at + 23) - at - 23);
    else std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(port.empty()) << testing::read_text_file(log);
  const std::string input = " --input " + q(dir / "test.csv") + " --format json";
  // The test file carries the target column; the server does not know it, so send the features only.
  std::string features_only;
  {
    std::istringstream in(testing::read_text_file(dir / "test.csv"));
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> cells;
      std::stringstream row(line);
      std::string cell;
      while (std::getline(row, cell, ',')) cells.push_back(cell);
      cells.erase(cells.begin() + 8);  // total_earnings
      for (size_t i = 0; i < cells.size(); ++i) features_only += (i ? "," : "") + cells[i];
      features_only += "\n";
    }
  }
  testing::write_text_file(dir / "features.csv", features_only);
  const auto remote = run_vgsales("predict --server http://127.0.0.1:" + port + " --model_name games --input " +
                                  q(dir / "features.csv") + " --format json");
  const auto local = run_vgsales("predict --model " + q(dir / "model") + input);
  const auto unknown = run_vgsales("predict --server http://127.0.0.1:" + port + " --model_name nope --input " +
                                   q(dir / "features.csv"));
  testing::run_command("kill $(cat " + q(dir / "pid") + ")");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("nope"), std::string::npos)
      << unknown.err;  // the server's 404 text, not a refused connection
  ASSERT_EQ(remote.exit_code, 0) << remote.err;
  ASSERT_EQ(local.exit_code, 0) << local.err;
  const auto a = parse_prediction_json(remote.out), b = parse_prediction_json(local.out);
  ASSERT_EQ(a.size(), 100u);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5 * std::abs(b[i])) << i;
}

}  // namespace
}  // namespace vgsales
