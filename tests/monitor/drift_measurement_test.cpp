// Drift of a CSV and of a prediction-log folder: the same rows give the same figures, windows split them in order,
// and errors name the file and line.
#include "monitor/drift_measurement.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace vgsales::monitor {
namespace {

TrainingProfile profile() {
  TrainingProfile p;
  p.rows = 4;
  p.columns.push_back({"kind", ProfileKind::categorical, {}, {"a", "b"}, {2, 2, 0, 0}});
  ColumnProfile size{"size", ProfileKind::numeric, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {}, {}};
  size.counts = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
  p.columns.push_back(size);
  return p;
}

TEST(DriftMeasurement, CsvAndLogGiveTheSameFigures) {
  testing::TemporaryDirectory dir;
  const auto csv = testing::write_text_file(dir / "new.csv", "extra,size,kind\n1,1,a\n1,7,c\n1,,b\n1,3.5,a\n");
  std::string log;
  const std::vector<std::string> names{"kind", "size"};
  const std::vector<std::vector<RawCell>> rows{{RawCell::of_text("a"), RawCell::of_number(1, "1")},
                                               {RawCell::of_text("c"), RawCell::of_number(7, "7")},
                                               {RawCell::of_text("b"), RawCell::missing_value()},
                                               {RawCell::of_text("a"), RawCell::of_number(3.5, "3.5")}};
  for (size_t i = 0; i < rows.size(); ++i)
    log += encode_prediction_log_line("2026-12-08T00:00:0" + std::to_string(i) + "Z", 1, names, rows[i], {1.0}) + "\n";
  testing::write_text_file(dir / "log" / "predictions-20261208T000000Z-000001.jsonl", log);
  testing::write_text_file(dir / "log" / "unrelated.txt", "not a log line");
  DriftMeasurementOptions options;
  options.window_rows = 3;
  const auto from_csv = measure_drift(csv, profile(), options);
  const auto from_log = measure_drift(dir / "log", profile(), options);
  ASSERT_TRUE(from_csv.ok()) << from_csv.error().message;
  ASSERT_TRUE(from_log.ok()) << from_log.error().message;
  EXPECT_TRUE(from_log->from_prediction_log);
  EXPECT_EQ(from_csv->overall.rows, 4);
  EXPECT_EQ(from_log->overall.rows, 4);
  for (size_t c = 0; c < 2; ++c) {
    EXPECT_DOUBLE_EQ(from_csv->overall.columns[c].figures.jensen_shannon,
                     from_log->overall.columns[c].figures.jensen_shannon);
    EXPECT_DOUBLE_EQ(from_csv->overall.columns[c].figures.psi, from_log->overall.columns[c].figures.psi);
  }
  // Windows of 3 rows: 3 + 1, the log's carrying their last row's time.
  ASSERT_EQ(from_log->windows.size(), 2u);
  EXPECT_EQ(from_log->windows[0].report.rows, 3);
  EXPECT_EQ(from_log->windows[0].last_time, "2026-12-08T00:00:02Z");
  EXPECT_EQ(from_log->windows[1].report.rows, 1);
}

TEST(DriftMeasurement, ErrorsNameTheFileLineAndColumn) {
  testing::TemporaryDirectory dir;
  const auto no_column = measure_drift(testing::write_text_file(dir / "a.csv", "kind\na\n"), profile(), {});
  ASSERT_FALSE(no_column.ok());
  EXPECT_NE(no_column.error().message.find("no column size"), std::string::npos) << no_column.error().message;
  const auto bad_cell =
      measure_drift(testing::write_text_file(dir / "b.csv", "kind,size\na,1\na,big\n"), profile(), {});
  ASSERT_FALSE(bad_cell.ok());
  EXPECT_NE(bad_cell.error().message.find("b.csv:3: column 'size': 'big'"), std::string::npos)
      << bad_cell.error().message;
  testing::write_text_file(dir / "log" / "predictions-1.jsonl", "{\"time\": \"t\"}\n");
  const auto bad_line = measure_drift(dir / "log", profile(), {});
  ASSERT_FALSE(bad_line.ok());
  EXPECT_NE(bad_line.error().message.find("predictions-1.jsonl:1"), std::string::npos) << bad_line.error().message;
  std::filesystem::create_directories(dir / "empty");
  EXPECT_FALSE(measure_drift(dir / "empty", profile(), {}).ok());
  EXPECT_FALSE(measure_drift(dir / "absent.csv", profile(), {}).ok());
}

}  // namespace
}  // namespace vgsales::monitor
