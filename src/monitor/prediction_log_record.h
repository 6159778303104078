// One line of the prediction log `vgsales serve --prediction_log DIR` writes and `vgsales monitor` reads: a JSON
// object with the time, the model version, the raw row as the client sent it, and the answer.
//   {"time": "2026-12-08T01:02:03.456Z", "model_version": 1, "row": {"Platform": "Wii", "Year": 2006, ...},
//    "estimate": 1.25, "median": 1.1, "lower": 0.3, "upper": 2.9}        (median/lower/upper with an interval)
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "data/feature_pipeline.h"

namespace vgsales::monitor {

// The log's files: DIR/predictions-<UTC time>-<sequence>.jsonl, named so that name order is time order.
inline constexpr const char* kPredictionLogPrefix = "predictions-";
inline constexpr const char* kPredictionLogSuffix = ".jsonl";

// One answered row: the estimate, and the median and the interval's bounds when the answer had them.
struct LoggedAnswer {
  double estimate = 0;
  std::optional<double> median, lower, upper;
};

// The line for one row (no trailing newline). `names` and `cells` are the model's features and the row's cells in
// that order; a number keeps the text it was written with, text stays text, a missing cell is null.
std::string encode_prediction_log_line(std::string_view time, long long model_version,
                                       std::span<const std::string> names, std::span<const RawCell> cells,
                                       const LoggedAnswer& answer);

// A decoded line; the row's values own their text (a number's as it was written).
struct PredictionLogRecord {
  std::string time;
  long long model_version = 0;
  std::vector<std::pair<std::string, RawCell>> row;  // cells' text points into `texts`
  std::vector<std::string> texts;
  LoggedAnswer answer;
  PredictionLogRecord() = default;
  PredictionLogRecord(const PredictionLogRecord&) = delete;  // `row` points into `texts`
  PredictionLogRecord& operator=(const PredictionLogRecord&) = delete;
  PredictionLogRecord(PredictionLogRecord&&) = default;
  PredictionLogRecord& operator=(PredictionLogRecord&&) = default;
};

// Decodes one line; errors start with `where` ("DIR/file.jsonl:12") and name the field.
Result<PredictionLogRecord> decode_prediction_log_line(std::string_view line, const std::string& where);

}  // namespace vgsales::monitor
