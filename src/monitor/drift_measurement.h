// Drift of a file of new rows: a CSV of games (columns by name, as `predict` reads them) or the folder a server's
// prediction log fills, measured against a model's training profile over all its rows and over successive windows
// (for the drift-over-time scalars).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/cell_parsing.h"
#include "data/training_profile.h"
#include "monitor/drift.h"
#include "monitor/prediction_log_record.h"

namespace vgsales::monitor {

struct DriftMeasurementOptions {
  double threshold = kDefaultDriftThreshold;
  long long window_rows = 1000;  // rows per window of the drift-over-time series; 0 = no windows
  MissingValueSet missing_values;
};

// One window of rows in file order (log: time order): its report and its last row's time ("" for a CSV).
struct DriftWindow {
  DriftReport report;
  std::string last_time;
};

struct DriftMeasurement {
  DriftReport overall;
  std::vector<DriftWindow> windows;
  bool from_prediction_log = false;
};

// `data` a folder: the prediction log's files (predictions-*.jsonl, in name order); else a CSV file. Errors name the
// file and line, and the profile's columns the CSV lacks.
Result<DriftMeasurement> measure_drift(const std::filesystem::path& data, const TrainingProfile& profile,
                                       const DriftMeasurementOptions& options);

// Calls `on_record` with each line and its place ("FILE:LINE") for every line of every log file in `folder`, in name
// order; errors name the file and line.
Result<long long> read_prediction_log(
    const std::filesystem::path& folder,
    const std::function<Result<void>(const PredictionLogRecord&, const std::string& where)>& on_record);

// A logged row's cells in the profile's column order (a column the row lacks is missing).
std::vector<RawCell> profile_cells(const TrainingProfile& profile, const PredictionLogRecord& record);

}  // namespace vgsales::monitor
