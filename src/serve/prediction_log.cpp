// The prediction log's sampling, queue, writer thread, rotation and drift window.
#include "serve/prediction_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <random>

#include "model/model_directory.h"
#include "monitor/drift_measurement.h"
#include "monitor/prediction_log_record.h"

namespace vgsales::serve {

namespace fs = std::filesystem;

namespace {

// "2026-12-08T01:02:03.456Z"; `compact` gives "20261208T010203Z" for file names.
std::string utc_time(bool compact) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  if (compact)
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                       parts.tm_hour, parts.tm_min, parts.tm_sec);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", parts.tm_year + 1900, parts.tm_mon + 1,
                     parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, millis);
}

// Each request thread draws from its own generator: no lock, no shared state.
bool sampled(double share) {
  thread_local std::minstd_rand generator(
      static_cast<unsigned>(std::hash<std::thread::id>{}(std::this_thread::get_id())));
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator) < share;
}

monitor::LoggedAnswer answer_of_row(const PredictAnswer& answer, size_t row) {
  const Predictions& p = answer.predictions;
  monitor::LoggedAnswer logged{p.values[row], {}, {}, {}};
  if (p.has_interval() && row < p.lower.size()) {
    logged.median = p.median[row];
    logged.lower = p.lower[row];
    logged.upper = p.upper[row];
  }
  return logged;
}

// The log's files, oldest first (their names sort by time).
std::vector<fs::path> log_files(const fs::path& directory) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(monitor::kPredictionLogPrefix, 0) == 0 && entry.path().extension() == monitor::kPredictionLogSuffix)
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A Prometheus label value: backslash, double quote and newline escaped (exposition format 0.0.4).
std::string label_value(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '\\' || c == '"') escaped += '\\';
    escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return escaped;
}

}  // namespace

PredictionLog::PredictionLog(PredictionLogOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<PredictionLog>> PredictionLog::open(PredictionLogOptions options) {
  if (!(options.sample >= 0 && options.sample <= 1))
    return make_error(ErrorKind::usage, "--prediction_log_sample must be within 0..1");
  if (options.max_files < 2 || options.max_bytes < options.max_files * 1024)
    return make_error(ErrorKind::usage, "--prediction_log_max_bytes must be at least 8 KiB");
  std::error_code ec;
  fs::create_directories(options.directory, ec);
  if (ec || !fs::is_directory(options.directory, ec))
    return make_error(ErrorKind::io, "--prediction_log " + options.directory.string() + ": cannot create the folder");
  std::unique_ptr<PredictionLog> log(new PredictionLog(std::move(options)));
  log->rotate_if_full();
  if (!log->file_)
    return make_error(ErrorKind::io, "--prediction_log " + log->options_.directory.string() + ": cannot write there");
  log->writer_ = std::thread([raw = log.get()] { raw->run_writer(); });
  return log;
}

PredictionLog::~PredictionLog() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_one();
  if (writer_.joinable()) writer_.join();
  if (file_) std::fclose(file_);
}

void PredictionLog::record(const ServedModel& model, const PredictRequest& request, const PredictAnswer& answer) {
  if (request.signature == Signature::encoded || options_.sample <= 0) return;  // no raw row to log
  const std::vector<FeatureSpec>& features = model.predictor->pipeline().features();
  std::vector<std::string> names;
  std::vector<Pending> lines;
  for (size_t row = 0; row < request.rows && row < answer.predictions.values.size(); ++row) {
    if (!sampled(options_.sample)) continue;
    if (names.empty())
      for (const auto& feature : features) names.push_back(feature.name);
    const std::span<const RawCell> cells(request.cells.data() + row * features.size(), features.size());
    lines.push_back({model.version, model.directory,
                     monitor::encode_prediction_log_line(utc_time(false), model.version, names, cells,
                                                         answer_of_row(answer, row))});
  }
  if (lines.empty()) return;
  // try_lock: a request never waits for the writer; a busy or full queue drops the lines (counted).
  std::unique_lock lock(queue_mutex_, std::try_to_lock);
  const size_t room = lock.owns_lock() ? options_.queue_lines - std::min(options_.queue_lines, queue_.size()) : 0;
  const size_t taken = std::min(room, lines.size());
  for (size_t i = 0; i < taken; ++i) queue_.push_back(std::move(lines[i]));
  dropped_ += lines.size() - taken;
  if (lock.owns_lock()) lock.unlock();
  if (taken > 0) queue_ready_.notify_one();
}

void PredictionLog::run_writer() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      batch.swap(queue_);
    }
    write_batch(batch);
    batch.clear();
  }
}

void PredictionLog::write_batch(std::vector<Pending>& batch) {
  for (const Pending& pending : batch) {
    if (file_ && std::fputs(pending.line.c_str(), file_) >= 0 && std::fputc('\n', file_) != EOF) {
      file_bytes_ += pending.line.size() + 1;
      ++written_;
    } else {
      ++dropped_;  // a full disk loses lines, never requests
    }
    observe_drift(pending);
    rotate_if_full();
  }
  if (file_) std::fflush(file_);
  if (drift_ && drift_->rows() > 0) {
    auto report = monitor::assess_drift(*drift_, monitor::kDefaultDriftThreshold);
    std::lock_guard lock(drift_mutex_);
    if (report.ok()) drift_report_ = std::move(*report);
  }
}

// A new file once the current one is full (or at the start), and the oldest files removed beyond max_files.
void PredictionLog::rotate_if_full() {
  if (file_ && file_bytes_ < options_.max_bytes / options_.max_files) return;
  if (file_) std::fclose(file_);
  const fs::path path = options_.directory / fmt::format("{}{}-{:06}{}", monitor::kPredictionLogPrefix, utc_time(true),
                                                         ++sequence_, monitor::kPredictionLogSuffix);
  file_ = std::fopen(path.c_str(), "ab");
  file_bytes_ = 0;
  std::vector<fs::path> files = log_files(options_.directory);
  std::error_code ec;
  for (size_t i = 0; i + options_.max_files < files.size(); ++i) fs::remove(files[i], ec);
}

// The window: the lines of the live version since it was first logged, at most drift_window_rows of them.
void PredictionLog::observe_drift(const Pending& pending) {
  if (pending.version != profile_version_) {
    profile_version_ = pending.version;
    drift_.reset();
    {
      std::lock_guard lock(drift_mutex_);
      drift_report_.reset();
    }
    const auto profile = read_training_profile(pending.model_directory);
    const auto metadata = read_model_metadata(pending.model_directory);
    if (profile.ok() && *profile && metadata.ok()) drift_.emplace(**profile, metadata->pipeline.missing_values());
  }
  if (!drift_) return;
  if (drift_->rows() >= static_cast<long long>(options_.drift_window_rows)) drift_->clear();
  const auto record = monitor::decode_prediction_log_line(pending.line, "prediction log");
  if (record.ok()) (void)drift_->add_row(monitor::profile_cells(drift_->profile(), *record));
}

std::string PredictionLog::render_metrics() const {
  std::string text =
      "# HELP vgsales_prediction_log_lines_total Rows sampled into the prediction log: written, or dropped when the "
      "writer fell behind.\n# TYPE vgsales_prediction_log_lines_total counter\n";
  text += fmt::format("vgsales_prediction_log_lines_total{{outcome=\"written\"}} {}\n", written_.load());
  text += fmt::format("vgsales_prediction_log_lines_total{{outcome=\"dropped\"}} {}\n", dropped_.load());
  std::lock_guard lock(drift_mutex_);
  if (!drift_report_) return text;
  text +=
      "# HELP vgsales_feature_drift Drift of the logged rows against the training profile (vgsales monitor's "
      "figures).\n# TYPE vgsales_feature_drift gauge\n";
  for (const monitor::ColumnDrift& column : drift_report_->columns) {
    const std::pair<const char*, double> figures[] = {{"jensen_shannon", column.figures.jensen_shannon},
                                                      {"l_infinity", column.figures.l_infinity},
                                                      {"psi", column.figures.psi}};
    for (const auto& [measure, value] : figures)
      text += fmt::format("vgsales_feature_drift{{feature=\"{}\",measure=\"{}\"}} {}\n", label_value(column.name),
                          measure, value);
  }
  text += fmt::format(
      "# HELP vgsales_feature_drift_rows Logged rows the drift gauges cover.\n# TYPE vgsales_feature_drift_rows "
      "gauge\nvgsales_feature_drift_rows {}\n",
      drift_report_->rows);
  return text;
}

}  // namespace vgsales::serve
