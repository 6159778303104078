// kill -9 of `vgsales train` and `vgsales export` at random instants (seeded), spread over the whole run and,
// more densely, over the part after the staging folder appears (writing the files, the final swap): the model or
// version folder under its final name is always whole, `vgsales predict` on it answers as before (or as the new
// model, once the swap happened), and the next run removes the staging folder a killed run left behind.
//
// How many kills land while the staging folder exists must not depend on the machine's speed: that part may be
// a tenth of a run or less, and a delay drawn from a calibration run may overshoot it. So a trial aimed at that
// part is repeated, when the run finished before its kill, with a shorter delay (a quarter of the last), and its
// last attempts kill the moment the staging folder appears (inotify reports its creation at once). Every
// attempt, killed or finished, is checked like any trial.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>

#include "e2e/fault_test_support.h"

namespace vgsales::testing {
namespace {

constexpr int kTrials = 24;  // issue 15 asks for at least 20; half of them after the staging folder appears
// Runs one trial aimed after the staging folder's appearance may take: the drawn delay, shorter ones, then kills
// on sight.
constexpr int kAttemptsAfterStaging = 8;

// The seed of the kill instants: fixed, so a failure replays; VGSALES_FAULT_SEED explores others.
unsigned fault_seed() {
  const char* text = std::getenv("VGSALES_FAULT_SEED");
  return text ? static_cast<unsigned>(std::strtoul(text, nullptr, 10)) : 15u;
}

// Even trials: an instant anywhere in a whole run. Odd trials: an instant after the staging folder appeared.
KillPlan plan_for(int trial, std::mt19937& random, const RunOutcome& calibration) {
  KillPlan plan;
  plan.after_staging = trial % 2 == 1;
  const double span = plan.after_staging ? calibration.seconds - calibration.staging_seconds : calibration.seconds;
  std::uniform_real_distribution<double> instant(0.0, 1.05 * span);
  plan.delay = std::chrono::microseconds(static_cast<long long>(instant(random) * 1e6));
  return plan;
}

// The plan of the next attempt of a trial whose run finished before `plan`'s kill: a quarter of the delay, and
// from the fourth attempt on a kill the moment the staging folder appears.
KillPlan sooner(KillPlan plan, int attempt) {
  plan.delay = attempt >= 3 ? std::chrono::microseconds(0) : plan.delay / 4;
  return plan;
}

// Whether a trial is done: it is, unless it aimed after the staging folder's appearance, its run finished first,
// and attempts remain.
bool trial_done(const KillPlan& plan, const RunOutcome& outcome, int attempt) {
  return !plan.after_staging || outcome.killed || attempt + 1 >= kAttemptsAfterStaging;
}

std::string describe(int trial, int attempt, const KillPlan& plan, const RunOutcome& outcome) {
  return "trial " + std::to_string(trial) + " attempt " + std::to_string(attempt + 1) + ": kill " +
         std::to_string(plan.delay.count() / 1000.0) + " ms after " +
         (plan.after_staging ? "the staging folder appeared" : "start") +
         (outcome.killed ? "" : " (it finished first)");
}

class FaultKillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(write_synthetic_sales(work_ / "train.csv", {.rows = 2000, .seed = 3}).ok());
    // The rows to predict: the features of the first training rows.
    const CommandOutput rows =
        run_command("{ head -n 6 " + q(work_ / "train.csv") + " | cut -d, -f1-8,10 > " + q(work_ / "rows.csv") + "; }");
    ASSERT_EQ(rows.exit_code, 0);
    fs::create_directories(work_ / "logs");
  }
  std::vector<std::string> train_arguments(const fs::path& out, int seed) const {
    return {"train",      "--train",        (work_ / "train.csv").string(),
            "--target",   "total_earnings", "--out",
            out.string(), "--epochs",       "150",
            "--layers",   "16,8",           "--no-logs",
            "--quiet",    "--seed",         std::to_string(seed)};
  }
  void train_reference(const fs::path& out, int seed) {
    const RunOutcome outcome = run_and_kill(train_arguments(out, seed), work_ / "logs", {}, work_.path(), ".none",
                                            [] { return std::string(); });
    ASSERT_EQ(outcome.exit_code, 0) << read_text_file(work_ / "logs" / "stderr");
  }

  TemporaryDirectory work_;
};

TEST_F(FaultKillTest, KilledTrainingNeverDamagesTheModelAndItsLeftoversAreRemoved) {
  // Reference models for the two seeds the trials alternate between; "model" starts as seed 5's.
  std::map<int, std::string> answer_for_seed;
  for (int seed : {5, 6}) {
    train_reference(work_ / ("reference-" + std::to_string(seed)), seed);
    answer_for_seed[seed] = predictions_of(work_ / ("reference-" + std::to_string(seed)), work_ / "rows.csv");
    ASSERT_EQ(answer_for_seed[seed].rfind("{\"predictions\"", 0), 0u) << answer_for_seed[seed];
  }
  ASSERT_NE(answer_for_seed[5], answer_for_seed[6]) << "the two seeds must give models that can be told apart";
  fs::copy(work_ / "reference-5", work_ / "model");
  std::string answer = answer_for_seed[5];

  const fs::path model = work_ / "model";
  const std::set<std::string> model_files = {"SHA256SUMS", "background.csv",    "checkpoint.safetensors",
                                             "model.json", "model.safetensors", "training_profile.json"};
  auto whole = [&] { return check_files_present(model, model_files); };
  const RunOutcome calibration = run_and_kill(train_arguments(work_ / "calibration", 5), work_ / "logs", {},
                                              work_.path(), ".calibration.staging-", [] { return std::string(); });
  ASSERT_EQ(calibration.exit_code, 0);
  ASSERT_GT(calibration.staging_seconds, 0) << "the staging folder was never seen";
  std::printf("train: a whole run takes %.2f s; its staging folder appears at %.2f s (seed %u)\n", calibration.seconds,
              calibration.staging_seconds, fault_seed());

  std::mt19937 random(fault_seed());
  int runs = 0, killed = 0, killed_after_staging = 0, swapped = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    KillPlan plan = plan_for(trial, random, calibration);
    for (int attempt = 0;; ++attempt, plan = sooner(plan, attempt)) {
      const int seed = 5 + runs++ % 2;  // every run alternates, so a swap always shows
      const RunOutcome outcome =
          run_and_kill(train_arguments(model, seed), work_ / "logs", plan, work_.path(), ".model.staging-", whole);
      const std::string what = describe(trial, attempt, plan, outcome);
      ASSERT_TRUE(outcome.killed || outcome.exit_code == 0)
          << what << ": exit " << outcome.exit_code << ": " << read_text_file(work_ / "logs" / "stderr");
      killed += outcome.killed;
      killed_after_staging += outcome.killed && outcome.staging_seconds >= 0;
      EXPECT_TRUE(outcome.damage.empty()) << what << ": " << outcome.damage.front();
      EXPECT_EQ(check_whole_folder(model, model_files), "") << what;
      const std::string now = predictions_of(model, work_ / "rows.csv");
      EXPECT_TRUE(now == answer || now == answer_for_seed[seed]) << what << ": predict gave " << now;
      // A run that finished replaced the model; a killed one left it as it was (or, killed after the swap, new).
      if (!outcome.killed) {
        EXPECT_EQ(now, answer_for_seed[seed]) << what;
      }
      swapped += now != answer;
      answer = now;
      // At most the killed run's own staging folder is left: each run removes those of earlier ones.
      EXPECT_LE(hidden_names_in(work_.path()).size(), 1u) << what;
      if (trial_done(plan, outcome, attempt)) break;
    }
  }
  std::printf(
      "train: %d runs for %d trials, %d killed (%d after the staging folder appeared); the model changed "
      "%d times\n",
      runs, kTrials, killed, killed_after_staging, swapped);
  // Each trial aimed after the staging folder's appearance ends in such a kill unless eight runs in a row, the last
  // five killed on sight, finished first: a staging folder nobody can see, or a watcher that misses it, is a defect.
  EXPECT_GE(killed_after_staging, kTrials / 2) << "too few kills landed while the new model was being made";

  // One more whole run removes every leftover and leaves seed 5's model.
  const RunOutcome last =
      run_and_kill(train_arguments(model, 5), work_ / "logs", {}, work_.path(), ".model.staging-", whole);
  EXPECT_EQ(last.exit_code, 0);
  EXPECT_EQ(hidden_names_in(work_.path()), std::vector<std::string>{});
  EXPECT_EQ(predictions_of(model, work_ / "rows.csv"), answer_for_seed[5]);
}

TEST_F(FaultKillTest, KilledExportNeverDamagesAVersionAndItsLeftoversAreRemoved) {
  for (int seed : {5, 6}) train_reference(work_ / ("model-" + std::to_string(seed)), seed);
  const std::set<std::string>& version_files = kExportedFiles;
  // Each model's exported files, byte for byte, and its predictions.
  std::map<int, std::map<std::string, std::string>> bytes_for_seed;
  std::map<int, std::string> answer_for_seed;
  for (int seed : {5, 6}) {
    const fs::path model = work_ / ("model-" + std::to_string(seed));
    const fs::path reference = work_ / ("reference-" + std::to_string(seed));
    ASSERT_EQ(run_vgsales("export --model " + q(model) + " --out " + q(reference) + kExportFormatFlags).exit_code, 0);
    for (const std::string& name : version_files) bytes_for_seed[seed][name] = read_text_file(reference / "1" / name);
    answer_for_seed[seed] = predictions_of(reference / "1", work_ / "rows.csv");
  }
  ASSERT_NE(answer_for_seed[5], answer_for_seed[6]);
  const fs::path base = work_ / "base";
  ASSERT_EQ(run_vgsales("export --model " + q(work_ / "model-5") + " --out " + q(base) + kExportFormatFlags).exit_code,
            0);

  // Which reference a version folder is, byte for byte: 5, 6, or 0 for neither.
  auto seed_of_version = [&](const fs::path& folder) {
    for (int seed : {5, 6}) {
      bool same = true;
      for (const std::string& name : version_files)
        same = same && read_text_file(folder / name) == bytes_for_seed[seed][name];
      if (same) return seed;
    }
    return 0;
  };
  auto whole = [&]() -> std::string {
    for (const std::string& name : files_in(base)) {
      if (name.front() == '.') continue;  // staging folders: never a version (TF Serving skips non-numeric names)
      if (std::string problem = check_files_present(base / name, version_files); !problem.empty()) return problem;
    }
    return "";
  };
  auto export_arguments = [&](int trial) {
    std::vector<std::string> arguments = {"export", "--model",
                                          (work_ / ("model-" + std::to_string(5 + trial % 2))).string(), "--out",
                                          base.string()};
    if (trial % 4 >= 2) arguments.insert(arguments.end(), {"--version", "1", "--overwrite"});  // replace version 1
    if (!kExportFormatFlags.empty()) arguments.insert(arguments.end(), {"--format", "onnx"});
    return arguments;
  };
  const RunOutcome calibration = run_and_kill(export_arguments(2), work_ / "logs", {}, base, ".1.staging-", whole);
  ASSERT_EQ(calibration.exit_code, 0);
  ASSERT_GT(calibration.staging_seconds, 0);
  std::printf("export: a whole run takes %.2f s; its staging folder appears at %.2f s (seed %u)\n", calibration.seconds,
              calibration.staging_seconds, fault_seed());
  ASSERT_EQ(run_vgsales("export --model " + q(work_ / "model-5") + " --out " + q(base) + " --version 1 --overwrite" +
                        kExportFormatFlags)
                .exit_code,
            0);

  std::mt19937 random(fault_seed() + 1);
  int runs = 0, killed = 0, killed_after_staging = 0;
  std::string answer_1 = answer_for_seed[5];
  for (int trial = 0; trial < kTrials; ++trial) {
    KillPlan plan = plan_for(trial, random, calibration);
    for (int attempt = 0;; ++attempt, plan = sooner(plan, attempt)) {
      const int run = runs++;  // which model, and whether it replaces version 1, alternate with every run
      const RunOutcome outcome = run_and_kill(export_arguments(run), work_ / "logs", plan, base, ".", whole);
      const std::string what = describe(trial, attempt, plan, outcome);
      ASSERT_TRUE(outcome.killed || outcome.exit_code == 0)
          << what << ": exit " << outcome.exit_code << ": " << read_text_file(work_ / "logs" / "stderr");
      killed += outcome.killed;
      killed_after_staging += outcome.killed && outcome.staging_seconds >= 0;
      EXPECT_TRUE(outcome.damage.empty()) << what << ": " << outcome.damage.front();
      for (const std::string& name : files_in(base)) {
        if (name.front() == '.') continue;
        EXPECT_EQ(check_whole_folder(base / name, version_files), "") << what;
        EXPECT_NE(seed_of_version(base / name), 0) << what << ": version " << name << " is neither export";
      }
      // Version 1, old or replaced as a whole, still predicts as its model does.
      const std::string now = predictions_of(base / "1", work_ / "rows.csv");
      EXPECT_EQ(now, answer_for_seed[seed_of_version(base / "1")]) << what;
      EXPECT_TRUE(now == answer_1 || run % 4 >= 2) << what << ": version 1 changed without --overwrite";
      answer_1 = now;
      EXPECT_LE(hidden_names_in(base).size(), 1u) << what;
      if (trial_done(plan, outcome, attempt)) break;
    }
  }
  std::printf(
      "export: %d runs for %d trials, %d killed (%d after the staging folder appeared); %zu versions in the "
      "end\n",
      runs, kTrials, killed, killed_after_staging, files_in(base).size() - hidden_names_in(base).size());
  EXPECT_GE(killed_after_staging, kTrials / 2) << "too few kills landed while a version was being made";

  const RunOutcome last = run_and_kill(export_arguments(0), work_ / "logs", {}, base, ".", whole);
  EXPECT_EQ(last.exit_code, 0);
  EXPECT_EQ(hidden_names_in(base), std::vector<std::string>{});
}

}  // namespace
}  // namespace vgsales::testing
