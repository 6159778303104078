// A full disk or a failing disk under `vgsales train`, `export` and `predict --output`: a clear one-line error, a
// non-zero exit, and the old model, version or output file intact. A full disk is the file-size limit (ulimit -f,
// with SIGXFSZ ignored so that write(2) fails with EFBIG as on a full disk, not a kill); a failing disk is an
// LD_PRELOAD shim (failing_io_shim.cpp) making rename, renameat2 or fsync fail with EIO. Neither needs root.
#include <gtest/gtest.h>

#include <map>

#include "e2e/fault_test_support.h"

namespace vgsales::testing {
namespace {

// How a run of vgsales is made to fail.
struct Fault {
  int file_size_limit_kib = 0;  // ulimit -f; 0 for none
  std::string failing_calls;    // for the shim, e.g. "rename"; empty for none
  std::string under;            // the shim fails only for paths under this folder
};

CommandOutput run_vgsales_with(const Fault& fault, const std::string& arguments) {
  std::string prefix;
  if (fault.file_size_limit_kib > 0)
    prefix += "trap '' XFSZ; ulimit -f " + std::to_string(fault.file_size_limit_kib) + "; ";
  if (!fault.failing_calls.empty()) {
    prefix += "export LD_PRELOAD=" + shell_quote(VGSALES_FAILING_IO_SHIM) +
              " VGSALES_FAIL_CALLS=" + shell_quote(fault.failing_calls) +
              " VGSALES_FAIL_UNDER=" + shell_quote(fault.under) + "; ";
  }
  return run_command("bash -c " +
                     shell_quote(prefix + "exec " + shell_quote(vgsales_binary().string()) + " " + arguments));
}

// One line on stderr, ours, naming `expected` (e.g. the cause), and an exit code of 1 (not a crash).
void expect_clear_error(const CommandOutput& output, const std::string& expected, const std::string& what) {
  EXPECT_EQ(output.exit_code, 1) << what << "\n" << output.err;
  EXPECT_EQ(output.err.rfind("vgsales: error: ", 0), 0u) << what << "\n" << output.err;
  EXPECT_EQ(std::count(output.err.begin(), output.err.end(), '\n'), 1) << what << "\n" << output.err;
  EXPECT_NE(output.err.find(expected), std::string::npos) << what << "\n" << output.err;
}

std::map<std::string, std::string> contents_of(const fs::path& directory) {
  std::map<std::string, std::string> contents;
  for (const std::string& name : files_in(directory)) contents[name] = read_text_file(directory / name);
  return contents;
}

class FaultDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    make_cli_model(work_);  // work_/model, from train.csv and test.csv
    const CommandOutput rows =
        run_command("{ head -n 4 " + q(work_ / "train.csv") + " | cut -d, -f1-8,10 > " + q(work_ / "rows.csv") + "; }");
    ASSERT_EQ(rows.exit_code, 0);
    model_contents_ = contents_of(work_ / "model");
    answer_ = predictions_of(work_ / "model", work_ / "rows.csv");
    ASSERT_EQ(answer_.rfind("{\"predictions\"", 0), 0u) << answer_;
  }
  std::string train_arguments() const {
    return "train --train " + q(work_ / "train.csv") + " --target total_earnings --out " + q(work_ / "model") +
           " --epochs 3 --layers 8,4 --no-logs --quiet --seed 9";
  }
  void expect_model_untouched(const std::string& what) {
    EXPECT_EQ(contents_of(work_ / "model"), model_contents_) << what;
    EXPECT_EQ(predictions_of(work_ / "model", work_ / "rows.csv"), answer_) << what;
    EXPECT_EQ(hidden_names_in(work_.path()), std::vector<std::string>{})
        << what << ": a failed run must clean up after itself";
  }

  TemporaryDirectory work_;
  std::map<std::string, std::string> model_contents_;
  std::string answer_;
};

TEST_F(FaultDiskTest, TrainOnAFailingDiskSaysSoAndKeepsTheOldModel) {
  const std::string folder = work_.path().string();
  for (const char* calls : {"rename", "fsync", "renameat2"}) {
    const CommandOutput output = run_vgsales_with({0, calls, folder}, train_arguments());
    expect_clear_error(output, "Input/output error", std::string("failing ") + calls);
    expect_model_untouched(std::string("failing ") + calls);
  }
}

TEST_F(FaultDiskTest, TrainOnAFullDiskKeepsTheOldModelAndTheNextRunCleansUp) {
  // A full disk (2 KiB per file) while model.json (about 5 KB) is written into the staging folder.
  const CommandOutput output = run_vgsales_with({2, "", ""}, train_arguments());
  EXPECT_NE(output.exit_code, 0) << output.err;
  EXPECT_EQ(contents_of(work_ / "model"), model_contents_);
  EXPECT_EQ(predictions_of(work_ / "model", work_ / "rows.csv"), answer_);
  // Whatever the failed run left, the next run removes.
  ASSERT_EQ(run_vgsales(train_arguments()).exit_code, 0);
  EXPECT_EQ(hidden_names_in(work_.path()), std::vector<std::string>{});
}

// `train` writes every file through write_file_atomically (no LibTorch zip writer any more, which used to abort
// the process on a failed write): a full disk is one clear line.
TEST_F(FaultDiskTest, TrainOnAFullDiskSaysSoInOneLine) {
  const CommandOutput output = run_vgsales_with({2, "", ""}, train_arguments());
  expect_clear_error(output, "File too large", "ulimit -f 2");
  expect_model_untouched("ulimit -f 2");
}

TEST_F(FaultDiskTest, ExportOnAFullOrFailingDiskSaysSoAndKeepsTheOldVersion) {
  const fs::path base = work_ / "base";
  ASSERT_EQ(run_vgsales("export --model " + q(work_ / "model") + " --out " + q(base) + kExportFormatFlags).exit_code,
            0);
  const auto version_1 = contents_of(base / "1");
  auto expect_base_untouched = [&](const std::string& what) {
    EXPECT_EQ(files_in(base), std::set<std::string>{"1"}) << what << ": no new version, no leftover";
    EXPECT_EQ(contents_of(base / "1"), version_1) << what;
  };
  const std::string new_version = "export --model " + q(work_ / "model") + " --out " + q(base) + kExportFormatFlags;
  const std::string overwrite = new_version + " --version 1 --overwrite";
  for (const std::string& arguments : {new_version, overwrite}) {
    expect_clear_error(run_vgsales_with({4, "", ""}, arguments), "File too large", "ulimit -f 4: " + arguments);
    expect_base_untouched("ulimit -f 4: " + arguments);
    for (const char* calls : {"rename", "fsync", "renameat2"}) {
      const std::string what = std::string("failing ") + calls + ": " + arguments;
      const CommandOutput output = run_vgsales_with({0, calls, base.string()}, arguments);
      if (std::string(calls) == "renameat2" && arguments == new_version) {
        EXPECT_EQ(output.exit_code, 0) << what << ": a new version needs no swap";  // plain rename(2)
        ASSERT_TRUE(fs::remove_all(base / "2"));
        continue;
      }
      expect_clear_error(output, "Input/output error", what);
      expect_base_untouched(what);
    }
  }
  EXPECT_EQ(predictions_of(base / "1", work_ / "rows.csv"), answer_);
}

TEST_F(FaultDiskTest, PredictOutputOnAFullOrFailingDiskKeepsTheOldFile) {
  // About 40 KB of predictions for the 300 training rows.
  const std::string arguments = "predict --model " + q(work_ / "model") + " --input " + q(work_ / "train.csv") +
                                " --output " + q(work_ / "out.csv");
  write_text_file(work_ / "out.csv", "the previous predictions\n");
  const std::set<std::string> before = files_in(work_.path());
  for (const Fault& fault :
       {Fault{4, "", ""}, Fault{0, "rename", work_.path().string()}, Fault{0, "fsync", work_.path().string()}}) {
    const std::string what = "ulimit -f " + std::to_string(fault.file_size_limit_kib) + ", failing " +
                             fault.failing_calls;
    expect_clear_error(run_vgsales_with(fault, arguments),
                       fault.failing_calls.empty() ? "File too large" : "Input/output error", what);
    EXPECT_EQ(read_text_file(work_ / "out.csv"), "the previous predictions\n") << what;
    EXPECT_EQ(files_in(work_.path()), before) << what << ": no temporary file left";
  }
  ASSERT_EQ(run_vgsales(arguments).exit_code, 0);
  EXPECT_GT(read_text_file(work_ / "out.csv").size(), 4096u);
}

}  // namespace
}  // namespace vgsales::testing
