// The model lifecycle: scan the base path, load the highest version, publish it with one pointer swap.
#include "serve/version_manager.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <system_error>

#include "model/model_directory.h"

namespace vgsales::serve {
namespace fs = std::filesystem;

namespace {

// A version name is all decimal digits and fits a long long; anything else is not a version.
bool parse_version_name(const std::string& name, long long& version) {
  if (name.empty() || name.size() > 18) return false;
  if (!std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
  return ec == std::errc{} && end == name.data() + name.size();
}

}  // namespace

Result<std::vector<VersionDirectory>> scan_versions(const fs::path& base_path) {
  std::error_code ec;
  if (!fs::is_directory(base_path, ec)) {
    return make_error(ErrorKind::not_found, "model base path " + base_path.string() + " is not a directory");
  }
  std::vector<VersionDirectory> versions;
  fs::directory_iterator it(base_path, ec);
  if (ec) return make_error(ErrorKind::io, "cannot list " + base_path.string() + ": " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return make_error(ErrorKind::io, "cannot list " + base_path.string() + ": " + ec.message());
    long long version = 0;
    std::error_code type_ec;
    if (!it->is_directory(type_ec)) continue;
    if (!parse_version_name(it->path().filename().string(), version)) continue;
    versions.push_back({version, it->path()});
  }
  if (versions.empty() && fs::exists(base_path / kMetadataFileName, ec)) versions.push_back({1, base_path});
  std::sort(versions.begin(), versions.end(),
            [](const VersionDirectory& a, const VersionDirectory& b) { return a.version > b.version; });
  return versions;
}

VersionManager::VersionManager(fs::path base_path, PredictorLoader loader, LifecycleLog log)
    : base_path_(std::move(base_path)), loader_(std::move(loader)), log_(std::move(log)) {}

VersionManager::~VersionManager() { stop_polling(); }

std::shared_ptr<const ServedModel> VersionManager::current() const {
  std::lock_guard lock(live_mutex_);
  return live_;
}

void VersionManager::log(const std::string& line) const {
  if (log_) log_(line);
}

Result<void> VersionManager::poll_once() {
  std::lock_guard poll_lock(poll_mutex_);
  auto report_failure = [this](Error error) -> Result<void> {
    if (error.message != last_failure_) {
      last_failure_ = error.message;
      log(error.message);
    }
    return error;
  };

  auto versions = scan_versions(base_path_);
  if (!versions.ok()) return report_failure(versions.error());
  if (versions->empty()) {
    return report_failure(make_error(ErrorKind::not_found, "no model versions under " + base_path_.string() + " yet"));
  }
  // The highest version that loads wins; a broken or half-copied newer folder never hides a complete older one.
  const auto live = current();
  // A live version whose folder is gone is retired, as TF Serving unloads it: then an older one may take over.
  const bool live_on_disk = live && std::any_of(versions->begin(), versions->end(),
                                                [&](const VersionDirectory& v) { return v.version == live->version; });
  std::vector<std::string> failures;
  for (const VersionDirectory& candidate : *versions) {
    if (live_on_disk && candidate.version <= live->version) break;  // nothing newer loads: keep the live one
    auto loaded = load_version(candidate);
    if (!loaded.ok()) {
      failures.push_back(loaded.error().message);
      continue;
    }
    auto next = std::make_shared<ServedModel>();
    next->version = candidate.version;
    next->directory = candidate.directory;
    next->predictor = std::move(loaded).value();
    {
      std::lock_guard lock(live_mutex_);
      live_ = std::move(next);
    }
    for (const auto& failure : failures) log(failure);
    last_failure_.clear();
    log("serving version " + std::to_string(candidate.version) + " from " + candidate.directory.string() +
        (live ? " (replacing version " + std::to_string(live->version) + ")" : ""));
    return {};
  }
  if (failures.empty()) return {};
  const std::string keeping = live ? "; still serving version " + std::to_string(live->version)
                                   : "; no version is being served";
  std::string message;
  for (const auto& failure : failures) message += (message.empty() ? "" : "; ") + failure;
  return report_failure(make_error(ErrorKind::invalid_data, message + keeping));
}

Result<std::shared_ptr<const Predictor>> VersionManager::load_version(const VersionDirectory& version) const {
  // The loader reads files a writer may still be replacing; any exception is a failed load, not a crash.
  Result<std::shared_ptr<const Predictor>> loaded = make_error(ErrorKind::internal, "not loaded");
  try {
    loaded = loader_(version.directory);
  } catch (const std::exception& e) {
    loaded = make_error(ErrorKind::internal, e.what());
  }
  if (loaded.ok() && *loaded) return loaded;
  const std::string why = loaded.ok() ? std::string("the loader returned no model") : loaded.error().message;
  return make_error(ErrorKind::invalid_data, "failed to load version " + std::to_string(version.version) + " from " +
                                                 version.directory.string() + ": " + why);
}

void VersionManager::start_polling(std::chrono::milliseconds interval) {
  stop_polling();
  {
    std::lock_guard lock(stop_mutex_);
    stop_requested_ = false;
  }
  poll_thread_ = std::thread([this, interval] {
    std::unique_lock lock(stop_mutex_);
    while (!stop_requested_) {
      lock.unlock();
      (void)poll_once();  // failures are logged inside; the old version keeps serving
      lock.lock();
      stop_signal_.wait_for(lock, interval, [this] { return stop_requested_; });
    }
  });
}

void VersionManager::stop_polling() {
  {
    std::lock_guard lock(stop_mutex_);
    stop_requested_ = true;
  }
  stop_signal_.notify_all();
  if (poll_thread_.joinable()) poll_thread_.join();
}

}  // namespace vgsales::serve
