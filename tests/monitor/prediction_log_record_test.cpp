// The prediction log's line: written as a client sent the row, read back to the same bins; bad lines named.
#include "monitor/prediction_log_record.h"

#include <gtest/gtest.h>

namespace vgsales::monitor {
namespace {

TEST(PredictionLogRecord, RoundTripsTheRowAndTheAnswer) {
  const std::vector<std::string> names{"Platform", "Year", "Note"};
  const std::vector<RawCell> cells{RawCell::of_text("Wii \"U\""), RawCell::of_number(2006, "2006.0"),
                                   RawCell::missing_value()};
  const std::string line =
      encode_prediction_log_line("2026-12-08T01:02:03.456Z", 7, names, cells, {1.5, 1.25, 0.5, 2.5});
  EXPECT_EQ(line,
            "{\"time\":\"2026-12-08T01:02:03.456Z\",\"model_version\":7,\"row\":{\"Platform\":\"Wii \\\"U\\\"\","
            "\"Year\":2006.0,\"Note\":null},\"estimate\":1.5,\"median\":1.25,\"lower\":0.5,\"upper\":2.5}");
  auto record = decode_prediction_log_line(line, "log:1");
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->time, "2026-12-08T01:02:03.456Z");
  EXPECT_EQ(record->model_version, 7);
  ASSERT_EQ(record->row.size(), 3u);
  EXPECT_EQ(record->row[0].second.text, "Wii \"U\"");
  EXPECT_EQ(record->row[1].second.kind, RawCell::Kind::number);
  EXPECT_EQ(record->row[1].second.number, 2006);
  EXPECT_EQ(record->row[1].second.text, "2006.0");
  EXPECT_EQ(record->row[2].second.kind, RawCell::Kind::missing);
  EXPECT_EQ(record->answer.estimate, 1.5);
  EXPECT_EQ(*record->answer.upper, 2.5);
  // Moving the record keeps its cells' text valid (they point into its own strings).
  PredictionLogRecord moved = std::move(*record);
  EXPECT_EQ(moved.row[0].second.text, "Wii \"U\"");
}

TEST(PredictionLogRecord, WithoutAnIntervalOnlyTheEstimate) {
  const std::vector<std::string> names{"x"};
  const std::vector<RawCell> cells{RawCell::of_number(1.0)};
  const std::string line = encode_prediction_log_line("t", 1, names, cells, {2.0, {}, {}, {}});
  EXPECT_EQ(line.find("median"), std::string::npos);
  auto record = decode_prediction_log_line(line, "log:1");
  ASSERT_TRUE(record.ok());
  EXPECT_FALSE(record->answer.lower.has_value());
}

TEST(PredictionLogRecord, BadLinesAreNamedWithTheirPlace) {
  for (const char* line :
       {"", "{", "[]", "{\"time\": 1}", "{\"time\": \"t\"}", "{\"time\": \"t\", \"model_version\": 1.5, \"row\": {}}",
        "{\"time\": \"t\", \"model_version\": 1, \"row\": []}",
        "{\"time\": \"t\", \"model_version\": 1, \"row\": {\"a\": [1]}}",
        "{\"time\": \"t\", \"model_version\": 1, \"row\": {}, \"estimate\": \"x\"}"}) {
    const auto record = decode_prediction_log_line(line, "DIR/predictions-1.jsonl:3");
    ASSERT_FALSE(record.ok()) << line;
    EXPECT_EQ(record.error().message.rfind("DIR/predictions-1.jsonl:3: ", 0), 0u) << record.error().message;
  }
}

}  // namespace
}  // namespace vgsales::monitor
