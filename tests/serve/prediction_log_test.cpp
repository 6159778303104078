// Tests of src/serve/prediction_log: sampled lines that `vgsales monitor` reads back, rotation within the disk bound,
// dropped lines counted when the queue is full, and the drift gauges of the logged window.
#include "serve/prediction_log.h"

#include <gtest/gtest.h>

#include <fstream>

#include "model/model_directory.h"
#include "monitor/drift_measurement.h"
#include "serve/fake_predictor.h"
#include "support/test_support.h"

namespace vgsales::serve {
namespace {

namespace fs = std::filesystem;

struct Served {
  std::shared_ptr<ServedModel> model = std::make_shared<ServedModel>();
  PredictRequest request;
  PredictAnswer answer;
};

// `rows` rows of the fake two-feature model, critic_rating = `value`.
Served rows_of(size_t rows, double value, const fs::path& directory = {}) {
  Served served;
  served.model->version = 4;
  served.model->directory = directory;
  served.model->predictor = std::make_shared<testing::FakePredictor>(testing::numeric_pipeline(), 0.5f);
  served.request.rows = rows;
  for (size_t r = 0; r < rows; ++r) {
    served.request.cells.push_back(RawCell::of_number(value, "3.5"));
    served.request.cells.push_back(RawCell::of_text("4"));
    served.answer.predictions.values.push_back(static_cast<float>(r));
  }
  served.answer.rows = rows;
  return served;
}

long long count_lines(const fs::path& folder) {
  const auto read = monitor::read_prediction_log(folder, [](const auto&, const auto&) -> Result<void> { return {}; });
  EXPECT_TRUE(read.ok());
  return read.ok() ? *read : -1;
}

TEST(PredictionLog, WritesEverySampledRowAsALineMonitorReads) {
  vgsales::testing::TemporaryDirectory dir;
  {
    auto log = PredictionLog::open({.directory = dir / "log", .sample = 1.0});
    ASSERT_TRUE(log.ok()) << log.error().message;
    const Served served = rows_of(5, 3.5);
    (*log)->record(*served.model, served.request, served.answer);
  }  // closing writes what is queued
  std::vector<std::string> lines;
  const auto read =
      monitor::read_prediction_log(dir / "log",
                                   [&](const monitor::PredictionLogRecord& record, const std::string&) -> Result<void> {
                                     EXPECT_EQ(record.model_version, 4);
                                     EXPECT_EQ(record.row.size(), 2u);
                                     EXPECT_EQ(record.row[0].first, "critic_rating");
                                     EXPECT_EQ(record.row[0].second.text, "3.5");
                                     lines.push_back(record.time);
                                     return {};
                                   });
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, 5);
}

TEST(PredictionLog, SamplesTheShareAsked) {
  vgsales::testing::TemporaryDirectory dir;
  {
    auto log = PredictionLog::open({.directory = dir / "log", .sample = 0.1});
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 20; ++i) {
      const Served served = rows_of(1000, 3.5);
      (*log)->record(*served.model, served.request, served.answer);
    }
  }
  const long long lines = count_lines(dir / "log");
  EXPECT_GT(lines, 1700);  // 2,000 expected; the binomial's sd is 42
  EXPECT_LT(lines, 2300);
}

TEST(PredictionLog, RotatesWithinItsDiskBound) {
  vgsales::testing::TemporaryDirectory dir;
  {
    auto log = PredictionLog::open({.directory = dir / "log", .sample = 1.0, .max_bytes = 16384, .max_files = 2});
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 40; ++i) {
      const Served served = rows_of(50, 3.5);
      (*log)->record(*served.model, served.request, served.answer);
    }
  }
  std::uintmax_t total = 0;
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir / "log")) total += entry.file_size(), ++files;
  EXPECT_LE(files, 2u);
  EXPECT_LE(total, 16384u + 2 * 200);  // each file may pass its half by one line
  EXPECT_GT(total, 4000u);
}

TEST(PredictionLog, AFullQueueDropsLinesAndCountsThem) {
  vgsales::testing::TemporaryDirectory dir;
  auto log = PredictionLog::open({.directory = dir / "log", .sample = 1.0, .queue_lines = 3});
  ASSERT_TRUE(log.ok());
  const Served served = rows_of(100, 3.5);
  (*log)->record(*served.model, served.request, served.answer);  // 100 lines for room of 3
  // 97 dropped, or all 100 when the writer happened to hold the queue's lock at that moment: never a wait.
  const std::string metrics = (*log)->render_metrics();
  const std::string key = "vgsales_prediction_log_lines_total{outcome=\"dropped\"} ";
  const size_t at = metrics.find(key);
  ASSERT_NE(at, std::string::npos) << metrics;
  const long long dropped = std::stoll(metrics.substr(at + key.size()));
  EXPECT_TRUE(dropped == 97 || dropped == 100) << metrics;
  log->reset();
  EXPECT_EQ(count_lines(dir / "log"), 100 - dropped);
}

TEST(PredictionLog, MetricsShowTheDriftOfTheLoggedWindow) {
  // A model directory whose profile has every training critic_rating at or below 2 (bin 0).
  vgsales::testing::TemporaryDirectory dir;
  const fs::path model = dir / "model";
  fs::copy(vgsales::testing::source_dir() / "tests" / "model" / "format_versions" / "v3", model);
  fs::remove(model / kChecksumFileName);
  TrainingProfile profile;
  profile.rows = 10;
  for (const char* name : {"critic_rating", "user_rating"}) {
    ColumnProfile column{name, ProfileKind::numeric, {2, 2, 2, 2, 2, 2, 2, 2, 2}, {}, {}};
    column.counts = {10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    profile.columns.push_back(column);
  }
  vgsales::testing::write_text_file(model / kTrainingProfileFileName, training_profile_to_json(profile));
  ASSERT_TRUE(seal_model_directory(model).ok());
  auto log = PredictionLog::open({.directory = dir / "log", .sample = 1.0});
  ASSERT_TRUE(log.ok());
  const Served served = rows_of(20, 3.5, model);  // every row far above the training's
  (*log)->record(*served.model, served.request, served.answer);
  std::string metrics;
  for (int i = 0; i < 200 && metrics.find("vgsales_feature_drift_rows 20") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the writer thread bins the lines
    metrics = (*log)->render_metrics();
  }
  EXPECT_NE(metrics.find("vgsales_feature_drift{feature=\"critic_rating\",measure=\"jensen_shannon\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("vgsales_feature_drift_rows 20"), std::string::npos) << metrics;
}

TEST(PredictionLog, BadOptionsAreRefused) {
  vgsales::testing::TemporaryDirectory dir;
  EXPECT_FALSE(PredictionLog::open({.directory = dir / "a", .sample = 1.5}).ok());
  vgsales::testing::write_text_file(dir / "file", "x");
  EXPECT_FALSE(PredictionLog::open({.directory = dir / "file"}).ok());
}

}  // namespace
}  // namespace vgsales::serve
