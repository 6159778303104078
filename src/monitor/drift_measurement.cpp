// Reading new rows from a CSV or a prediction log into drift counters, overall and per window.
#include "monitor/drift_measurement.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "data/csv_batches.h"

namespace vgsales::monitor {

namespace fs = std::filesystem;

namespace {

constexpr size_t kCsvBatchRows = 4096;

// Counts rows overall and per window; a full window becomes a DriftWindow.
class WindowedCounter {
 public:
  WindowedCounter(const TrainingProfile& profile, const DriftMeasurementOptions& options)
      : options_(options), overall_(profile, options.missing_values), window_(profile, options.missing_values) {}

  Result<void> add(std::span<const RawCell> cells, const std::string& where, const std::string& time) {
    if (auto added = overall_.add_row(cells); !added.ok())
      return make_error(added.error().kind, where + ": " + added.error().message);
    if (options_.window_rows <= 0) return {};
    (void)window_.add_row(cells);  // the same cells were just accepted
    last_time_ = time;
    if (window_.rows() >= options_.window_rows) return close_window();
    return {};
  }

  Result<DriftMeasurement> finish(bool from_log) {
    if (window_.rows() > 0) VGSALES_TRY(close_window());
    DriftMeasurement measurement;
    VGSALES_ASSIGN_OR_RETURN(measurement.overall, assess_drift(overall_, options_.threshold));
    measurement.windows = std::move(windows_);
    measurement.from_prediction_log = from_log;
    return measurement;
  }

 private:
  Result<void> close_window() {
    VGSALES_ASSIGN_OR_RETURN(DriftReport report, assess_drift(window_, options_.threshold));
    windows_.push_back({std::move(report), last_time_});
    window_.clear();
    return {};
  }

  const DriftMeasurementOptions& options_;
  DriftCounter overall_;
  DriftCounter window_;
  std::vector<DriftWindow> windows_;
  std::string last_time_;
};

// Where each profile column is in the CSV header; errors list the columns it lacks.
Result<std::vector<size_t>> bind_header(const TrainingProfile& profile, const std::vector<std::string>& names,
                                        const std::string& file) {
  std::vector<size_t> source;
  std::vector<std::string> absent;
  for (const auto& column : profile.columns) {
    const auto found = std::find(names.begin(), names.end(), column.name);
    if (found == names.end()) absent.push_back(column.name);
    source.push_back(static_cast<size_t>(found - names.begin()));
  }
  if (!absent.empty())
    return make_error(ErrorKind::invalid_data,
                      fmt::format("{}: no column {} (the model's features: the header must name each)", file,
                                  fmt::join(absent, ", ")));
  return source;
}

Result<DriftMeasurement> measure_csv(const fs::path& file, const TrainingProfile& profile,
                                     const DriftMeasurementOptions& options) {
  WindowedCounter counter(profile, options);
  std::vector<size_t> source;
  std::vector<RawCell> cells(profile.columns.size());
  CsvBatchHandlers handlers;
  handlers.on_header = [&](const std::vector<std::string>& names) -> Result<void> {
    VGSALES_ASSIGN_OR_RETURN(source, bind_header(profile, names, file.string()));
    return {};
  };
  handlers.on_batch = [&](const CsvRecordBatch& batch) -> Result<void> {
    for (size_t r = 0; r < batch.records.size(); ++r) {
      for (size_t c = 0; c < source.size(); ++c) cells[c] = RawCell::of_text(batch.records[r][source[c]]);
      VGSALES_TRY(counter.add(cells, fmt::format("{}:{}", file.string(), batch.lines[r]), ""));
    }
    return {};
  };
  VGSALES_TRY(read_csv_in_batches(file, kCsvBatchRows, handlers));
  return counter.finish(false);
}

Result<void> read_log_file(
    const fs::path& file,
    const std::function<Result<void>(const PredictionLogRecord&, const std::string& where)>& on_record,
    long long& count) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorKind::io, file.string() + ": cannot be read");
  std::string line;
  for (long long number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::string where = fmt::format("{}:{}", file.string(), number);
    VGSALES_ASSIGN_OR_RETURN(const PredictionLogRecord record, decode_prediction_log_line(line, where));
    VGSALES_TRY(on_record(record, where));
    ++count;
  }
  return {};
}

}  // namespace

std::vector<RawCell> profile_cells(const TrainingProfile& profile, const PredictionLogRecord& record) {
  std::vector<RawCell> cells;
  for (const auto& column : profile.columns) {
    const auto found = std::find_if(record.row.begin(), record.row.end(),
                                    [&column](const auto& entry) { return entry.first == column.name; });
    cells.push_back(found == record.row.end() ? RawCell::missing_value() : found->second);
  }
  return cells;
}

Result<long long> read_prediction_log(
    const fs::path& folder,
    const std::function<Result<void>(const PredictionLogRecord&, const std::string& where)>& on_record) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kPredictionLogPrefix, 0) == 0 && entry.path().extension() == kPredictionLogSuffix)
      files.push_back(entry.path());
  }
  if (ec) return make_error(ErrorKind::io, folder.string() + ": cannot be listed: " + ec.message());
  std::sort(files.begin(), files.end());
  long long count = 0;
  for (const auto& file : files) VGSALES_TRY(read_log_file(file, on_record, count));
  return count;
}

Result<DriftMeasurement> measure_drift(const fs::path& data, const TrainingProfile& profile,
                                       const DriftMeasurementOptions& options) {
  std::error_code ec;
  if (!fs::exists(data, ec)) return make_error(ErrorKind::not_found, data.string() + ": no such file or folder");
  if (!fs::is_directory(data, ec)) return measure_csv(data, profile, options);
  WindowedCounter counter(profile, options);
  VGSALES_ASSIGN_OR_RETURN(
      const long long rows,
      read_prediction_log(data, [&](const PredictionLogRecord& record, const std::string& where) -> Result<void> {
        return counter.add(profile_cells(profile, record), where, record.time);
      }));
  if (rows == 0)
    return make_error(ErrorKind::invalid_data, data.string() + ": no prediction log lines (files " +
                                                   kPredictionLogPrefix + "*" + kPredictionLogSuffix + ")");
  return counter.finish(true);
}

}  // namespace vgsales::monitor
