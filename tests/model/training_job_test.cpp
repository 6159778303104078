// Tests for src/model/training_job.cpp: determinism, atomic replacement, resume, baselines, categorical data.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "model/model_directory.h"
#include "model/model_metadata.h"
#include "model/predictor.h"
#include "model/training_checkpoint.h"
#include "model_fixtures.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;

std::vector<float> predict_rows(const std::filesystem::path& model, const std::vector<float>& rows) {
  auto predictor = load_predictor(model);
  EXPECT_TRUE(predictor.ok());
  std::vector<RawCell> cells;
  for (float v : rows) cells.push_back(RawCell::of_number(v));
  auto predictions = (*predictor)->predict(cells, [](size_t row) { return std::to_string(row); });
  EXPECT_TRUE(predictions.ok());
  return predictions->values;
}

const std::vector<float> kRows = [] {
  std::vector<float> rows;
  for (int r = 0; r < 20; ++r)
    for (float v : {3.5f, float(r % 2), 1.0f, 0.0f, float(r % 3 == 1), 1.0f, 0.0f, 0.0f, 49.99f}) rows.push_back(v);
  return rows;
}();

TEST(TrainingJob, SameSeedGivesBitIdenticalPredictions) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "a", 3, 11);
  testing::train_small_model(dir, "b", 3, 11);
  testing::train_small_model(dir, "c", 3, 12);
  const auto a = predict_rows(dir / "a", kRows), b = predict_rows(dir / "b", kRows), c = predict_rows(dir / "c", kRows);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(TrainingJob, RecordsMetricsBaselinesAndSchema) {
  TemporaryDirectory dir;
  const TrainingJobReport report = testing::train_small_model(dir, "m", 5);
  const ModelMetadata& m = report.metadata;
  ASSERT_TRUE(m.metrics.count("test"));
  ASSERT_TRUE(m.metrics.count("train"));
  EXPECT_EQ(m.metrics.at("test").rows, 100);
  EXPECT_GT(m.metrics.at("test").rmse, 0);
  EXPECT_TRUE(m.baselines.count("mean"));
  EXPECT_TRUE(m.baselines.count("linear"));
  // A linear model explains most of this synthetic formula; the mean explains none of it.
  EXPECT_LT(m.baselines.at("linear").rmse, m.baselines.at("mean").rmse);
  EXPECT_EQ(m.pipeline.features().size(), 9u);
  EXPECT_EQ(m.pipeline.features()[0].name, "critic_rating");
  EXPECT_EQ(m.pipeline.features()[8].name, "unit_price");  // the target in column 9 is skipped, order kept
  EXPECT_EQ(m.epochs_run, 5);
  // The loss is recorded in the units the network trained in, for every split.
  for (const auto& [split, metrics] : m.metrics) EXPECT_GT(metrics.loss, 0) << split;
}

TEST(TrainingJob, AFailedRunLeavesTheOldModelUntouched) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  const std::string before = testing::read_text_file(dir / "model" / kMetadataFileName);
  TrainingJobOptions options;
  options.train_file = testing::write_text_file(dir / "bad.csv", "a,total_earnings\n1,2\n2,x\n3,oops\n4,5\n");
  options.out_dir = dir / "model";
  options.target = "total_earnings";
  auto failed = run_training_job(options, {});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(testing::read_text_file(dir / "model" / kMetadataFileName), before);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename().string().find(".model.staging"), std::string::npos) << entry.path();
}

TEST(TrainingJob, AnInterruptedRunSavesTheModelSoFar) {
  TemporaryDirectory dir;
  ASSERT_TRUE(write_synthetic_sales(dir / "train.csv", {.rows = 200, .seed = 1}).ok());
  std::atomic<bool> stop{true};  // as if Ctrl-C came during the first batch
  TrainingJobOptions options;
  options.train_file = dir / "train.csv";
  options.out_dir = dir / "model";
  options.target = "total_earnings";
  options.settings.epochs = 50;
  TrainingJobHooks hooks;
  hooks.stop_requested = &stop;
  auto report = run_training_job(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->interrupted);
  EXPECT_EQ(report->metadata.status, "interrupted");
  // The epoch cut short is discarded, not reported as run: the model is the one before it (here, untrained).
  EXPECT_EQ(report->metadata.epochs_run, 0);
  EXPECT_EQ(report->metadata.kept_epoch, 0);
  EXPECT_EQ(report->outcome.discarded_epoch, 1);
  EXPECT_EQ(report->outcome.discarded_batches, 1);
  EXPECT_TRUE(load_predictor(dir / "model").ok());
}

TEST(TrainingJob, ResumeContinuesFromTheCheckpoint) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "first", 2);
  TrainingJobOptions options;
  options.train_file = dir / "train.csv";
  options.test_file = dir / "test.csv";
  options.resume_dir = dir / "first";
  options.out_dir = dir / "second";
  options.target = "total_earnings";
  options.settings.epochs = 4;
  options.settings.seed = 7;
  auto resumed = run_training_job(options, {});
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(resumed->metadata.epochs_run, 4);
  EXPECT_EQ(resumed->metadata.settings.hidden_layers, (std::vector<int>{8, 4}));  // taken from the checkpoint
  // Resuming 2 -> 4 matches an unbroken 4-epoch run with the same seed.
  testing::train_small_model(dir, "straight", 4);
  const auto a = predict_rows(dir / "second", kRows), b = predict_rows(dir / "straight", kRows);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-3f * std::abs(b[i]));

  options.settings.epochs = 2;
  auto nothing_left = run_training_job(options, {});
  ASSERT_FALSE(nothing_left.ok());
  EXPECT_NE(nothing_left.error().message.find("pass --epochs above"), std::string::npos);
}

TEST(TrainingJob, TrainsOnCategoricalAndMissingValues) {
  TemporaryDirectory dir;
  std::string text = "Name,Platform,Year,Genre,Sales\n";
  const char* platforms[] = {"Wii", "PS4", "DS", "X360"};
  const char* genres[] = {"Action", "Sports", "Puzzle"};
  for (int i = 0; i < 300; ++i)
    text += "\"Game, " + std::to_string(i) + "\"," + platforms[i % 4] + "," +
            (i % 17 == 0 ? std::string("N/A") : std::to_string(1990 + i % 25)) + "," + genres[i % 3] + "," +
            std::to_string(0.1 * (i % 4) + 0.05 * (i % 3) + 0.01) + "\n";
  TrainingJobOptions options;
  options.train_file = testing::write_text_file(dir / "games.csv", text);
  options.out_dir = dir / "model";
  options.target = "Sales";
  options.settings.epochs = 3;
  options.settings.test_split = 0.2;
  auto report = run_training_job(options, {});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->metadata.rows.at("test"), 60);
  ASSERT_EQ(report->metadata.pipeline.dropped().size(), 1u);  // Name: identifier-like
  auto predictor = load_predictor(dir / "model");
  ASSERT_TRUE(predictor.ok());
  // An unseen platform and a missing year still give a finite prediction.
  const std::vector<RawCell> row = {RawCell::of_text("Dreamcast"), RawCell::missing_value(),
                                    RawCell::of_text("Action")};
  auto predicted = (*predictor)->predict(row, [](size_t) { return std::string("row"); });
  ASSERT_TRUE(predicted.ok()) << predicted.error().message;
  EXPECT_TRUE(std::isfinite(predicted->values[0]));
  EXPECT_EQ(predicted->unseen_categories, 1);
}

// The same games as a CSV and as columns in memory (the Python package's fit), categories and missing cells included.
struct GamesTwoWays {
  std::string csv = "Platform,Year,Genre,Sales\n";
  std::vector<InMemoryColumn> columns{{.name = "Platform", .is_text = true},
                                      {.name = "Year"},
                                      {.name = "Genre", .is_text = true},
                                      {.name = "Sales"}};
  GamesTwoWays() {
    const char* platforms[] = {"Wii", "PS4", "DS", "X360"};
    const char* genres[] = {"Action", "Sports", "Puzzle"};
    for (int i = 0; i < 300; ++i) {
      const bool missing_year = i % 17 == 0;
      const double sales = 0.1 * (i % 4) + 0.05 * (i % 3) + 0.013 * (i % 7) + 0.01;
      const std::string sales_text = fmt::format("{}", sales);  // shortest: reads back as the same double
      csv += fmt::format("{},{},{},{}\n", platforms[i % 4], missing_year ? "N/A" : std::to_string(1990 + i % 25),
                         genres[i % 3], sales_text);
      columns[0].texts.emplace_back(platforms[i % 4]);
      columns[1].numbers.push_back(missing_year ? std::nan("") : 1990 + i % 25);
      columns[2].texts.emplace_back(genres[i % 3]);
      columns[3].numbers.push_back(sales);
    }
  }
};

TEST(TrainingJob, ColumnsInMemoryTrainTheModelTheCsvTrainsBitForBit) {
  TemporaryDirectory dir;
  const GamesTwoWays games;
  TrainingJobOptions options;
  options.target = "Sales";
  options.settings.epochs = 4;
  options.settings.test_split = 0.2;
  options.train_file = testing::write_text_file(dir / "games.csv", games.csv);
  options.out_dir = dir / "from_csv";
  auto from_csv = run_training_job(options, {});
  ASSERT_TRUE(from_csv.ok()) << from_csv.error().message;
  options.train_file = "X";
  options.train_columns = std::make_shared<const std::vector<InMemoryColumn>>(games.columns);
  options.out_dir = dir / "from_memory";
  auto from_memory = run_training_job(options, {});
  ASSERT_TRUE(from_memory.ok()) << from_memory.error().message;
  EXPECT_EQ(from_memory->metadata.rows, from_csv->metadata.rows);
  EXPECT_EQ(testing::read_text_file(dir / "from_memory" / kWeightsFileName),
            testing::read_text_file(dir / "from_csv" / kWeightsFileName));
}

TEST(TrainingJob, ColumnsInMemoryNameTheirRowInErrors) {
  TemporaryDirectory dir;
  GamesTwoWays games;
  games.columns[3].numbers[5] = std::numeric_limits<double>::infinity();
  TrainingJobOptions options;
  options.target = "Sales";
  options.train_file = "X";
  options.train_columns = std::make_shared<const std::vector<InMemoryColumn>>(games.columns);
  options.out_dir = dir / "model";
  auto failed = run_training_job(options, {});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "X:5: column 'Sales': value 'inf' is not a finite number");
  EXPECT_FALSE(std::filesystem::exists(dir / "model"));
}

TEST(TrainingJob, Log1pTargetTransformRoundTrips) {
  TemporaryDirectory dir;
  ASSERT_TRUE(write_synthetic_sales(dir / "train.csv", {.rows = 200, .seed = 1}).ok());
  TrainingJobOptions options;
  options.train_file = dir / "train.csv";
  options.out_dir = dir / "model";
  options.target = "total_earnings";
  options.settings.epochs = 30;
  options.settings.target_transform = TargetTransformSetting::log1p;
  auto report = run_training_job(options, {});
  ASSERT_TRUE(report.ok()) << report.error().message;
  // Metrics are in dollars, not in log units: the error is far above 1 and far below the target's size.
  EXPECT_GT(report->metadata.metrics.at("train").rmse, 100);
  EXPECT_LT(report->metadata.metrics.at("train").rmse, 60000);
  // The loss stays in the network's own units, not 0 (a log1p model's loss used to be lost in the final metrics).
  EXPECT_GT(report->metadata.metrics.at("train").loss, 0);
  EXPECT_LT(report->metadata.metrics.at("train").loss, 1);
  auto model = load_model(dir / "model");
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(model->network.target_transform, TargetTransform::log1p);
}

TEST(TrainingJob, RejectsBadSettings) {
  TemporaryDirectory dir;
  TrainingJobOptions options;
  options.train_file = dir / "x.csv";
  options.out_dir = dir / "m";
  options.target = "y";
  options.settings.epochs = 0;
  auto zero = run_training_job(options, {});
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().kind, ErrorKind::usage);
  options.settings.epochs = 5;
  options.settings.interval = 0.2;  // an interval too narrow to mean anything
  auto narrow = run_training_job(options, {});
  ASSERT_FALSE(narrow.ok());
  EXPECT_NE(narrow.error().message.find("--interval"), std::string::npos);
}

// A long-tailed, non-negative target (a few blockbusters among many small sellers) with enough rows that
// "auto" holds out a validation split too.
std::filesystem::path write_long_tailed_sales(const TemporaryDirectory& dir, size_t rows) {
  std::string text = "Genre,Year,Sales\n";
  const char* genres[] = {"Action", "Sports", "Puzzle"};
  for (size_t i = 0; i < rows; ++i)
    text += std::string(genres[i % 3]) + "," + std::to_string(1990 + i % 25) + "," +
            (i % 97 == 0 ? "40.5" : std::to_string(0.01 * static_cast<double>(i % 50) + 0.02)) + "\n";
  return testing::write_text_file(dir / "long_tailed.csv", text);
}

// One epoch on the long-tailed table, large enough that "auto" holds out its 10 %.
TrainingJobOptions long_tailed_job(const TemporaryDirectory& dir) {
  TrainingJobOptions options;
  options.train_file = write_long_tailed_sales(dir, 10500);
  options.out_dir = dir / "model";
  options.target = "Sales";
  options.settings.epochs = 1;
  return options;
}

TEST(TrainingJob, AutoPicksLog1pAndAValidationSplitForALargeLongTailedTable) {
  TemporaryDirectory dir;
  const TrainingJobOptions options = long_tailed_job(dir);
  std::string notices;
  TrainingJobHooks hooks;
  hooks.notice = [&](const std::string& line) { notices += line + "\n"; };
  std::map<std::string, HyperparameterValue> hyperparameters;  // what TensorBoard's HParams tab shows
  hooks.before_training = [&](TrainingRunInfo& info) -> Result<void> {
    hyperparameters.insert(info.hyperparameters.begin(), info.hyperparameters.end());
    return {};
  };
  auto report = run_training_job(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(hyperparameters.at("target_transform"), HyperparameterValue(std::string("log1p")));
  EXPECT_EQ(hyperparameters.at("validation_split"), HyperparameterValue(kAutoValidationFraction));
  const ModelMetadata& m = report->metadata;
  EXPECT_EQ(m.pipeline.target_transform(), TargetTransform::log1p);
  ASSERT_TRUE(m.settings.validation_split.has_value());
  EXPECT_EQ(*m.settings.validation_split, kAutoValidationFraction);
  EXPECT_EQ(m.rows.at("validation"), 1050);
  // Both choices are announced, with the flag that undoes them.
  EXPECT_NE(notices.find("fits log1p(Sales) (--target-transform auto; pass none"), std::string::npos) << notices;
  EXPECT_NE(notices.find("(--validation-split auto; pass 0"), std::string::npos) << notices;
  // model.json records what auto chose, so a reload (and --resume) sees the same settings.
  auto reloaded = read_model_metadata(dir / "model");
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(reloaded->pipeline.target_transform(), TargetTransform::log1p);
  EXPECT_EQ(reloaded->settings.validation_split.value_or(-1), kAutoValidationFraction);
}

// The same trained members, calibrated both ways: the least-squares factor is the one with the least squared error
// on the holdout rows in the target's units, so its validation MSE is below smearing's; both factors are announced
// and model.json records the choice (a model.json from before the setting reads as smearing, what it used).
TEST(TrainingJob, TheLeastSquaresMeanCorrectionHasTheLeastHoldoutSquaredError) {
  std::map<std::string, ModelMetadata> models;
  std::map<std::string, std::string> notices;
  TemporaryDirectory dir;
  for (const std::string correction : {"least-squares", "smearing"}) {
    TrainingJobOptions options = long_tailed_job(dir);
    options.out_dir = dir / correction;
    options.settings.epochs = 3;
    options.settings.members = 1;
    options.settings.mean_correction = *choice_from_name<MeanCorrection>(correction);
    TrainingJobHooks hooks;
    hooks.notice = [&, correction](const std::string& line) { notices[correction] += line + "\n"; };
    auto report = run_training_job(options, hooks);
    ASSERT_TRUE(report.ok()) << report.error().message;
    models[correction] = report->metadata;
  }
  const ModelMetadata& least = models.at("least-squares");
  const ModelMetadata& smearing = models.at("smearing");
  ASSERT_EQ(least.pipeline.target_transform(), TargetTransform::log1p);
  EXPECT_NE(least.shifts.mean, smearing.shifts.mean);
  EXPECT_LT(least.metrics.at("validation").mse, smearing.metrics.at("validation").mse);
  // The training rows were not used to choose: there either may win.
  EXPECT_EQ(least.metrics.at("validation").rows, smearing.metrics.at("validation").rows);
  EXPECT_NE(notices["least-squares"].find("mean: the least-squares factor "), std::string::npos)
      << notices["least-squares"];
  EXPECT_NE(notices["least-squares"].find("(the smearing factor "), std::string::npos);
  EXPECT_NE(notices["smearing"].find("mean: Duan's smearing factor "), std::string::npos) << notices["smearing"];
  EXPECT_NE(notices["smearing"].find("(--mean-correction smearing)"), std::string::npos);

  auto reloaded = read_model_metadata(dir / "least-squares");
  ASSERT_TRUE(reloaded.ok()) << reloaded.error().message;
  EXPECT_EQ(reloaded->settings.mean_correction, MeanCorrection::least_squares);
  std::string text = testing::read_text_file(dir / "least-squares" / "model.json");
  const std::string key = "\"mean_correction\": \"least-squares\",";
  const size_t at = text.find(key);
  ASSERT_NE(at, std::string::npos) << text;
  text.erase(at, key.size());
  auto older = metadata_from_json(text, "model.json");
  ASSERT_TRUE(older.ok()) << older.error().message;
  EXPECT_EQ(older->settings.mean_correction, MeanCorrection::smearing);
}

TEST(TrainingJob, AutoHoldsOutAQuarterOfASmallTableToPickEpochsAndCalibrate) {
  TemporaryDirectory dir;
  // The reference-like synthetic table: 300 rows, a target of low skewness; 200 rows would be two thirds, so a quarter.
  const TrainingJobReport report = testing::train_small_model(dir, "m", 2);
  const ModelMetadata& m = report.metadata;
  EXPECT_EQ(m.pipeline.target_transform(), TargetTransform::none);
  EXPECT_EQ(m.settings.validation_split.value_or(-1), 0.25);
  EXPECT_EQ(m.rows.at("validation"), 75);
  EXPECT_EQ(m.members, 5);
  EXPECT_EQ(m.member_epochs.size(), 5u);
  ASSERT_TRUE(m.has_interval());
  EXPECT_EQ(m.interval_level, 0.8);
  EXPECT_EQ(m.interval_calibration_rows, 75);
  EXPECT_LT(m.shifts.lower, m.shifts.upper);
  EXPECT_EQ(m.shifts.mean, 0.0f);  // an untransformed target's mean needs no correction
  // The median's source is recorded as chosen, never "auto".
  EXPECT_TRUE(m.settings.median == MedianSetting::head || m.settings.median == MedianSetting::offset)
      << choice_name(m.settings.median);
  EXPECT_EQ(m.shifts.median_from_head, m.settings.median == MedianSetting::head);
  EXPECT_TRUE(m.metrics.at("test").has_interval_metrics());
}

// The interval's promise, checked on rows the model never saw: about 80 % of fresh targets fall inside.
TEST(TrainingJob, TheIntervalCoversAboutItsLevelOfFreshRows) {
  TemporaryDirectory dir;
  ASSERT_TRUE(write_synthetic_sales(dir / "train.csv", {.rows = 2000, .seed = 11}).ok());
  ASSERT_TRUE(write_synthetic_sales(dir / "test.csv", {.rows = 2000, .seed = 12}).ok());
  TrainingJobOptions options;
  options.train_file = dir / "train.csv";
  options.test_file = dir / "test.csv";
  options.out_dir = dir / "m";
  options.target = "total_earnings";
  options.settings.epochs = 15;
  options.settings.members = 2;
  auto report = run_training_job(options, {});
  ASSERT_TRUE(report.ok()) << report.error().message;
  const SplitMetrics& test = report->metadata.metrics.at("test");
  ASSERT_TRUE(test.has_interval_metrics());
  // 2,000 test rows: the binomial sd of the coverage is under 1 point; the holdout of 200 adds about 2.
  EXPECT_NEAR(test.coverage, 0.8, 0.07);
  EXPECT_GT(test.mean_interval_width, 0);
}

TEST(TrainingJob, ExplicitSettingsOverrideAuto) {
  TemporaryDirectory dir;
  TrainingJobOptions options = long_tailed_job(dir);
  options.settings.target_transform = TargetTransformSetting::none;
  options.settings.validation_split = 0.0;
  std::string notices;
  TrainingJobHooks hooks;
  hooks.notice = [&](const std::string& line) { notices += line + "\n"; };
  auto report = run_training_job(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->metadata.pipeline.target_transform(), TargetTransform::none);
  EXPECT_FALSE(report->metadata.rows.count("validation"));
  // Fitting a skewed target raw is allowed, with a hint.
  EXPECT_NE(notices.find("hint: the target is strongly right-skewed"), std::string::npos) << notices;
}

// Records what the training job tells an observer.
class RecordingObserver final : public TrainingObserver {
 public:
  explicit RecordingObserver(bool refuse_to_begin = false) : refuse_(refuse_to_begin) {}
  Result<void> on_train_begin(const TrainingRunInfo&) override {
    ++begins;
    if (refuse_) return make_error(ErrorKind::io, "cannot open the log");
    return {};
  }
  void on_train_end(const TrainingOutcome& outcome) override { ends.push_back(run_status_name(outcome.status)); }
  int begins = 0;
  std::vector<std::string> ends;

 private:
  bool refuse_;
};

TEST(TrainingJob, ObserversAreEndedExactlyOnceOnEveryPath) {
  TemporaryDirectory dir;
  ASSERT_TRUE(write_synthetic_sales(dir / "train.csv", {.rows = 100, .seed = 1}).ok());
  TrainingJobOptions options;
  options.train_file = dir / "train.csv";
  options.target = "total_earnings";
  options.settings.epochs = 1;
  {  // success
    RecordingObserver observer;
    options.out_dir = dir / "ok";
    auto report = run_training_job(options, TrainingJobHooks{.observers = {&observer}});
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(observer.ends, (std::vector<std::string>{"completed"}));
  }
  {  // the model directory cannot be written after training: the observers hear "failed"
    RecordingObserver observer;
    testing::write_text_file(dir / "blocker", "a file where the model's parent folder should be");
    options.out_dir = dir / "blocker" / "model";
    auto report = run_training_job(options, TrainingJobHooks{.observers = {&observer}});
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(observer.begins, 1);
    EXPECT_EQ(observer.ends, (std::vector<std::string>{"failed"}));
  }
  {  // the second observer refuses to begin: the first, which began, is ended; the second is not
    RecordingObserver first, second(true);
    options.out_dir = dir / "refused";
    auto report = run_training_job(options, TrainingJobHooks{.observers = {&first, &second}});
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(first.ends, (std::vector<std::string>{"failed"}));
    EXPECT_TRUE(second.ends.empty());
  }
}

TEST(TrainingJob, ResumeAfterEarlyStoppingContinuesFromTheKeptEpochAndItsOptimizerState) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "seed_data", 1);  // writes train.csv and test.csv
  TrainingJobOptions options;
  options.train_file = dir / "train.csv";
  options.target = "total_earnings";
  options.settings.hidden_layers = {8, 4};
  options.settings.validation_split = 0.2;
  options.settings.seed = 3;
  options.settings.learning_rate = 0.05;  // large enough that validation loss wobbles and an earlier epoch wins
  options.settings.epochs = 30;
  options.settings.members = 1;  // one network: its kept epoch is the model's
  options.out_dir = dir / "full";
  auto full = run_training_job(options, {});
  ASSERT_TRUE(full.ok()) << full.error().message;
  const int kept = full->metadata.kept_epoch;
  ASSERT_GT(kept, 0);
  // The checkpoint holds the kept epoch, not the last one run.
  auto checkpoint = read_checkpoint(dir / "full");
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().message;
  ASSERT_EQ(checkpoint->members.size(), 1u);
  EXPECT_EQ(checkpoint->members[0].epoch, kept);
  EXPECT_EQ(checkpoint->members[0].moments.step, static_cast<std::int64_t>(kept) * 8);  // 240 rows / 32 = 8 an epoch
  // Resuming it for one more epoch equals a run that stopped at the kept epoch and went one further.
  options.resume_dir = dir / "full";
  options.out_dir = dir / "resumed";
  options.settings.epochs = kept + 1;
  auto resumed = run_training_job(options, {});
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  options.resume_dir.clear();
  options.out_dir = dir / "straight";
  auto straight = run_training_job(options, {});
  ASSERT_TRUE(straight.ok()) << straight.error().message;
  const auto a = predict_rows(dir / "resumed", kRows), b = predict_rows(dir / "straight", kRows);
  // The straight run keeps its best epoch too, so compare only when it kept the last one as the resumed run did.
  if (straight->metadata.kept_epoch == kept + 1 && resumed->metadata.kept_epoch == kept + 1) EXPECT_EQ(a, b);
  EXPECT_EQ(resumed->metadata.epochs_run, kept + 1);
}

}  // namespace
}  // namespace vgsales
