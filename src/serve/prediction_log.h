// The prediction log of `vgsales serve --prediction_log DIR`: a sample of the rows answered, one JSON line each
// (monitor/prediction_log_record.h), in files rotated by size and bounded on disk, written by a thread of its own.
// A request only copies its sampled rows into a bounded queue and never waits: when the writer falls behind, lines
// are dropped and counted. The writer also bins the lines against the live model's training profile, and /metrics
// shows the drift of that window (docs/monitoring.md).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "data/training_profile.h"
#include "monitor/drift.h"
#include "serve/predict_request.h"
#include "serve/version_manager.h"

namespace vgsales::serve {

struct PredictionLogOptions {
  std::filesystem::path directory;                 // created if absent
  double sample = 0.1;                             // the share of rows logged, 0..1
  std::size_t max_bytes = std::size_t{256} << 20;  // the log's files together stay under this
  std::size_t max_files = 8;                       // files kept; each rotates at max_bytes / max_files
  std::size_t queue_lines = 8192;                  // lines waiting for the writer; more are dropped
  std::size_t drift_window_rows = 10000;           // the /metrics drift covers at most this many recent lines
};

class PredictionLog {
 public:
  static Result<std::unique_ptr<PredictionLog>> open(PredictionLogOptions options);
  ~PredictionLog();  // writes what is queued, then stops the writer
  PredictionLog(const PredictionLog&) = delete;
  PredictionLog& operator=(const PredictionLog&) = delete;

  // One answered request: samples its rows and queues their lines. Never blocks on the writer.
  void record(const ServedModel& model, const PredictRequest& request, const PredictAnswer& answer);

  // Prometheus lines: lines written and dropped, and the drift of the logged window per feature and figure.
  std::string render_metrics() const;

 private:
  struct Pending {
    long long version = 0;
    std::filesystem::path model_directory;
    std::string line;
  };
  explicit PredictionLog(PredictionLogOptions options);
  void run_writer();
  void write_batch(std::vector<Pending>& batch);
  void rotate_if_full();
  void observe_drift(const Pending& pending);

  PredictionLogOptions options_;
  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::vector<Pending> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> written_{0}, dropped_{0};
  // The writer's own state.
  std::FILE* file_ = nullptr;
  std::size_t file_bytes_ = 0;
  long long sequence_ = 0;
  long long profile_version_ = -1;
  std::optional<monitor::DriftCounter> drift_;
  // The drift the writer last measured, for /metrics.
  mutable std::mutex drift_mutex_;
  std::optional<monitor::DriftReport> drift_report_;
  std::thread writer_;
};

}  // namespace vgsales::serve
