// vgsales monitor: per-feature drift of new rows (a CSV or a server's prediction log) against the training
// distribution saved in the model directory; exit 3 when a feature drifts, for cron jobs and CI.
#include <fmt/format.h>

#include <ctime>
#include <filesystem>

#include "cli/command.h"
#include "cli/flag_table.h"
#include "model/model_directory.h"
#include "monitor/drift_measurement.h"
#include "tensorboard/event_file_writer.h"
#include "tensorboard/summaries.h"

namespace vgsales::cli {

namespace {

struct MonitorOptions {
  std::string model, data, logdir;
  bool json = false;
  double threshold = monitor::kDefaultDriftThreshold;
  long long window_rows = 1000;
};

// Seconds since the epoch of the log's "2026-12-08T01:02:03.456Z"; now for a CSV's windows or an unreadable time.
double wall_time_of(const std::string& time) {
  std::tm parts{};
  int year = 0, month = 0;
  double seconds = 0;
  if (std::sscanf(time.c_str(), "%d-%d-%dT%d:%d:%lfZ", &year, &month, &parts.tm_mday, &parts.tm_hour, &parts.tm_min,
                  &seconds) != 6)
    return tensorboard::wall_time_now();
  parts.tm_year = year - 1900;
  parts.tm_mon = month - 1;
  return static_cast<double>(timegm(&parts)) + seconds;
}

// One step per window: drift/<feature>/<figure>, and drift/features_drifting.
Result<void> write_drift_scalars(const std::filesystem::path& logdir, const monitor::DriftMeasurement& measurement) {
  std::error_code ec;
  std::filesystem::create_directories(logdir, ec);
  if (ec) return make_error(ErrorKind::io, logdir.string() + ": cannot create: " + ec.message());
  VGSALES_ASSIGN_OR_RETURN(tensorboard::EventFileWriter writer, tensorboard::EventFileWriter::create(logdir));
  for (size_t step = 0; step < measurement.windows.size(); ++step) {
    const monitor::DriftWindow& window = measurement.windows[step];
    tensorflow::Summary summary;
    long long drifting = 0;
    for (const monitor::ColumnDrift& column : window.report.columns) {
      const std::string prefix = "drift/" + column.name + "/";
      *summary.add_value() = tensorboard::make_scalar_value(prefix + "jensen_shannon", column.figures.jensen_shannon);
      *summary.add_value() = tensorboard::make_scalar_value(prefix + "l_infinity", column.figures.l_infinity);
      *summary.add_value() = tensorboard::make_scalar_value(prefix + "psi", column.figures.psi);
      drifting += column.drift;
    }
    *summary.add_value() = tensorboard::make_scalar_value("drift/features_drifting", static_cast<double>(drifting));
    VGSALES_TRY(writer.write_summary(std::move(summary), static_cast<long long>(step), wall_time_of(window.last_time)));
  }
  return writer.close();
}

Result<void> run_monitor(const MonitorOptions& o) {
  VGSALES_ASSIGN_OR_RETURN(const ModelMetadata metadata, read_model_metadata(o.model));
  VGSALES_ASSIGN_OR_RETURN(const std::optional<TrainingProfile> profile, read_training_profile(o.model));
  if (!profile)
    return make_error(ErrorKind::not_found,
                      o.model + " has no training profile (" + kTrainingProfileFileName +
                          "): it was trained by a vgsales before model format 4; retrain it with `vgsales train` to "
                          "monitor its drift");
  monitor::DriftMeasurementOptions options;
  options.threshold = o.threshold;
  options.window_rows = o.logdir.empty() ? 0 : o.window_rows;
  options.missing_values = metadata.pipeline.missing_values();
  VGSALES_ASSIGN_OR_RETURN(const monitor::DriftMeasurement measurement,
                           monitor::measure_drift(o.data, *profile, options));
  const monitor::DriftReport& report = measurement.overall;
  fmt::print("{}", o.json ? monitor::drift_report_json(report) + "\n" : monitor::drift_report_table(report));
  if (!o.logdir.empty()) VGSALES_TRY(write_drift_scalars(o.logdir, measurement));
  if (!report.any_drift()) return {};
  std::vector<std::string> drifting;
  for (const auto& column : report.columns)
    if (column.drift) drifting.push_back(column.name);
  return make_error(ErrorKind::drift_detected,
                    fmt::format("drift in {} (threshold {:g})", fmt::join(drifting, ", "), report.threshold));
}

}  // namespace

void register_monitor_command(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<MonitorOptions>();
  CLI::App* command = app.add_subcommand(
      "monitor", "Report per-feature drift of new rows against the training data; exit 3 when a feature drifts");
  FlagTable flags(command);
  flags.required("--model", "DIR", options->model, "model directory (trained by a vgsales with model format 4)");
  flags.required("--data", "FILE|DIR", options->data,
                 "a CSV of new rows (the model's feature columns, by name), or the folder of a server's "
                 "`--prediction_log`");
  flags.flag("--json", options->json,
             "print one JSON object: `{\"features\": {COLUMN: {\"jensen_shannon\", \"l_infinity\", \"psi\", "
             "\"drift\"}}}`");
  flags.bounded("--threshold", "T", options->threshold, 0.0, 1.0,
                "a numeric feature drifts when its Jensen-Shannon distance is above T, a categorical one when its "
                "L-infinity distance is");
  flags.described("--logdir", "DIR", options->logdir, "none",
                  "also write TensorBoard scalars of the drift over time (one step per window of rows)");
  flags.bounded<long long>("--window-rows", "N", options->window_rows, 1, 1000000000,
                           "rows per step of the `--logdir` scalars (log rows in time order)");
  command->callback([options, &chosen] { chosen = [options]() -> Result<void> { return run_monitor(*options); }; });
}

}  // namespace vgsales::cli
