// Which model version is live: scans the model base path, loads the highest version, swaps it in
// atomically and keeps the old one when a new one fails. Knows nothing of HTTP (STYLE.md point 5).
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "explain/global_importance.h"
#include "explain/shapley_explainer.h"
#include "model/predictor.h"
#include "storage/model_version_source.h"

namespace vgsales::serve {

// Loads one model directory; `load_predictor` in production, a fake in tests.
using PredictorLoader = std::function<Result<std::shared_ptr<const Predictor>>(const std::filesystem::path& model_dir)>;
// Receives one human-readable line per lifecycle event (loaded, failed, no versions).
using LifecycleLog = std::function<void(const std::string& line)>;

// One loaded version, immutable once published; requests hold it by shared_ptr for their duration,
// so a swap never pulls a model out from under a request in flight.
struct ServedModel {
  long long version = 0;
  std::filesystem::path directory;
  std::shared_ptr<const Predictor> predictor;
  // What :explain uses: the predictor with the version's background.csv, or why the version cannot explain; loaded
  // on the first :explain or metadata request (served_explainer()), so loading a version waits for neither.
  mutable std::once_flag explainer_once;
  mutable std::shared_ptr<const ShapleyExplainer> explainer;
  mutable std::string explainer_unavailable;
  // Each column's mean |attribution| over the background rows, for the metadata (served_global_importance()):
  // computed on the first metadata request, not at load, so a new version serves :predict without waiting for it.
  mutable std::once_flag global_importance_once;
  mutable std::shared_ptr<const GlobalImportance> global_importance;
};

struct VersionDirectory {
  long long version = 0;
  std::filesystem::path directory;
};

// The versions under `base_path`, highest first: each child folder whose whole name is decimal digits
// (TF Serving's rule, so "007" is version 7); other names are skipped. A plain model directory
// (model.json directly in base_path, no numeric children) is version 1.
Result<std::vector<VersionDirectory>> scan_versions(const std::filesystem::path& base_path);

// A local base path as a version source: scan_versions, and each folder as it is.
std::shared_ptr<storage::ModelVersionSource> make_local_version_source(std::filesystem::path base_path);

class VersionManager {
 public:
  VersionManager(std::filesystem::path base_path, PredictorLoader loader, LifecycleLog log);
  // Versions from any source: a local folder or gs:// (storage/gcs_model_store.h), polled alike.
  VersionManager(std::shared_ptr<storage::ModelVersionSource> source, PredictorLoader loader, LifecycleLog log);
  ~VersionManager();
  VersionManager(const VersionManager&) = delete;
  VersionManager& operator=(const VersionManager&) = delete;

  // The live version, or nullptr before the first successful load.
  std::shared_ptr<const ServedModel> current() const;

  // Scans once and serves the highest version that loads, if it is newer than the live one; versions that fail to
  // load are skipped (a broken newer folder never hides a complete older one). Failures are returned and logged
  // once per cause; the live version keeps serving.
  Result<void> poll_once();

  // Polls on a background thread every `interval` until stop_polling() or destruction.
  void start_polling(std::chrono::milliseconds interval);
  void stop_polling();

  const std::filesystem::path& base_path() const { return base_path_; }

 private:
  void log(const std::string& line) const;
  Result<std::shared_ptr<const Predictor>> load_version(const storage::StoredVersion& version) const;

  std::shared_ptr<storage::ModelVersionSource> source_;
  std::filesystem::path base_path_;
  PredictorLoader loader_;
  LifecycleLog log_;

  mutable std::mutex live_mutex_;  // guards live_ only; loads happen outside it
  std::shared_ptr<const ServedModel> live_;

  std::mutex poll_mutex_;     // one poll at a time (the poll thread vs. a direct call)
  std::string last_failure_;  // the last logged failure, so a broken version is not logged every poll

  std::mutex stop_mutex_;
  std::condition_variable stop_signal_;
  bool stop_requested_ = false;
  std::thread poll_thread_;
};

}  // namespace vgsales::serve
