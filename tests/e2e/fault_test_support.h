// Helpers for the fault tests: running the real vgsales binary and killing it at a chosen instant while
// watching the folder it must never damage, and checks that a model folder is whole.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_fixtures.h"
#include "support/test_support.h"

extern char** environ;

namespace vgsales::testing {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// What the fault tests export: every format where the TorchScript plugin is built; in a sanitizer build, which
// leaves the plugin out (it links LibTorch), ONNX alone. Either way a whole version folder is staged and swapped in.
#ifdef VGSALES_TORCHSCRIPT_PLUGIN_BUILT
inline const std::string kExportFormatFlags;
inline const std::set<std::string> kExportedFiles = {"SHA256SUMS",           "background.csv",
                                                     "frozen_graph.pb",      "frozen_graph.encoded.pb",
                                                     "model.json",           "model.onnx",
                                                     "model.encoded.onnx",   "model.pt",
                                                     "model.safetensors",    "saved_model.pb",
                                                     "training_profile.json"};
#else
inline const std::string kExportFormatFlags = " --format onnx";
inline const std::set<std::string> kExportedFiles = {"SHA256SUMS",           "background.csv",     "model.json",
                                                     "model.onnx",           "model.encoded.onnx", "model.safetensors",
                                                     "training_profile.json"};
#endif

inline std::set<std::string> files_in(const fs::path& directory) {
  std::set<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    names.insert(it->path().filename().string());
  }
  return names;
}

inline std::vector<std::string> hidden_names_in(const fs::path& directory) {
  std::vector<std::string> hidden;
  for (const std::string& name : files_in(directory))
    if (name.front() == '.') hidden.push_back(name);
  return hidden;
}

// vgsales predict on `rows` with `model`: the JSON predictions, or "error: <stderr>" when it fails.
inline std::string predictions_of(const fs::path& model, const fs::path& rows) {
  const CommandOutput output = run_vgsales("predict --model " + q(model) + " --input " + q(rows) + " --format json");
  if (output.exit_code != 0) return "error: " + output.err;
  return output.out;
}

struct RunOutcome {
  bool killed = false;              // by our SIGKILL (else it exited by itself)
  int exit_code = -1;               // when it exited by itself
  double seconds = 0;               // from start to kill or exit
  double staging_seconds = -1;      // when a staging folder first appeared, if one did
  std::vector<std::string> damage;  // what the watcher saw wrong under the final name while it ran
};

struct KillPlan {
  bool after_staging = false;           // count the delay from the staging folder's appearance, not from start
  std::chrono::microseconds delay{-1};  // negative: never kill, let it finish; 0 after staging: kill on sight
};

// Reports new names in a folder as soon as the kernel creates them (inotify), so a staging folder that lives a
// millisecond is still seen, and seen at once, however the watcher's loop is scheduled.
class NewNameWatch {
 public:
  explicit NewNameWatch(const fs::path& folder) : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    if (fd_ >= 0 && ::inotify_add_watch(fd_, folder.c_str(), IN_CREATE | IN_MOVED_TO) < 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~NewNameWatch() {
    if (fd_ >= 0) ::close(fd_);
  }
  NewNameWatch(const NewNameWatch&) = delete;
  NewNameWatch& operator=(const NewNameWatch&) = delete;
  bool ok() const { return fd_ >= 0; }
  // Waits up to `timeout` for names to appear and returns those that did (none on a timeout).
  std::vector<std::string> wait(std::chrono::microseconds timeout) {
    std::vector<std::string> names;
    pollfd ready{fd_, POLLIN, 0};
    const timespec wait_for{0, static_cast<long>(timeout.count()) * 1000};
    if (::ppoll(&ready, 1, &wait_for, nullptr) <= 0) return names;
    alignas(inotify_event) char buffer[16384];
    for (ssize_t size; (size = ::read(fd_, buffer, sizeof buffer)) > 0;) {
      for (ssize_t at = 0; at < size;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
        if (event->len > 0) names.emplace_back(event->name);
        at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      }
    }
    return names;
  }

 private:
  int fd_;
};

// Runs vgsales with `arguments` (stdout and stderr to files under `logs`), kills it with SIGKILL as `plan` says, and
// every ~200 us meanwhile asks `whole` whether what is visible under the final name is complete (an empty string
// when it is, else what is wrong; see check_files_present). This run's staging folder is a new name starting with
// `staging_prefix` in `staging_parent`; it is seen through inotify the moment it is created (and by a listing of
// the folder, should inotify be unavailable), so a kill "on sight" lands while it exists unless the whole run ends
// within the microseconds between its creation and the kill.
inline RunOutcome run_and_kill(const std::vector<std::string>& arguments, const fs::path& logs, KillPlan plan,
                               const fs::path& staging_parent, const std::string& staging_prefix,
                               const std::function<std::string()>& whole) {
  std::vector<std::string> argv_text = {vgsales_binary().string()};
  argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& text : argv_text) argv.push_back(text.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, (logs / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, (logs / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  NewNameWatch watch(staging_parent);
  // A staging folder left by an earlier killed run is not this run's.
  std::set<std::string> earlier_staging;
  for (const std::string& name : files_in(staging_parent))
    if (name.rfind(staging_prefix, 0) == 0) earlier_staging.insert(name);
  pid_t pid = -1;
  const auto start = Clock::now();
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  RunOutcome outcome;
  if (spawned != 0) {
    outcome.damage.push_back("cannot start vgsales");
    return outcome;
  }
  std::optional<Clock::time_point> staging_seen;
  std::optional<Clock::time_point> kill_at;
  if (plan.delay.count() >= 0 && !plan.after_staging) kill_at = start + plan.delay;
  int status = 0;
  auto is_new_staging = [&](const std::string& name) {
    return name.rfind(staging_prefix, 0) == 0 && !earlier_staging.count(name);
  };
  auto note_staging = [&](const std::vector<std::string>& names, Clock::time_point now) {
    if (staging_seen) return;
    for (const std::string& name : names) {
      if (!is_new_staging(name)) continue;
      staging_seen = now;
      if (plan.delay.count() >= 0 && plan.after_staging) kill_at = now + plan.delay;
      return;
    }
  };
  while (true) {
    // Names created since the last look: from inotify at once, or by listing the folder without it.
    note_staging(watch.ok() ? watch.wait(std::chrono::microseconds(200)) : std::vector<std::string>{}, Clock::now());
    if (!watch.ok()) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      if (!staging_seen) {
        const std::set<std::string> names = files_in(staging_parent);
        note_staging({names.begin(), names.end()}, Clock::now());
      }
    }
    const auto now = Clock::now();
    if (kill_at && now >= *kill_at) {
      ::kill(pid, SIGKILL);  // a no-op on a child that already exited (a zombie until reaped below)
      ::waitpid(pid, &status, 0);
      break;
    }
    if (::waitpid(pid, &status, WNOHANG) == pid) break;
    if (std::string problem = whole(); !problem.empty() && outcome.damage.size() < 5) outcome.damage.push_back(problem);
  }
  // A staging folder made and swapped in between two looks is still reported (calibration runs need its time).
  if (watch.ok()) note_staging(watch.wait(std::chrono::microseconds(0)), Clock::now());
  outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (staging_seen) outcome.staging_seconds = std::chrono::duration<double>(*staging_seen - start).count();
  outcome.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return outcome;
}

// "" when each of `expected` is a non-empty file under `directory`, else what is missing. Each path is resolved
// afresh, as a reader would, so a folder swapped in one step is never caught half-way; this is what the watcher
// checks while a writer runs (a directory listing could race with the removal of the swapped-out old folder).
inline std::string check_files_present(const fs::path& directory, const std::set<std::string>& expected) {
  for (const std::string& name : expected) {
    std::error_code ec;
    const auto size = fs::file_size(directory / name, ec);
    if (ec) return (directory / name).string() + " is missing";
    if (size == 0) return (directory / name).string() + " is empty";
  }
  return "";
}

// "" when `directory` holds exactly `expected` (each file non-empty), else what differs.
inline std::string check_whole_folder(const fs::path& directory, const std::set<std::string>& expected) {
  const std::set<std::string> found = files_in(directory);
  if (found != expected) {
    std::string listed;
    for (const std::string& name : found) listed += " " + name;
    return directory.string() + " holds" + (listed.empty() ? " nothing" : listed);
  }
  std::error_code ec;
  for (const std::string& name : expected) {
    if (fs::file_size(directory / name, ec) == 0 || ec) return (directory / name).string() + " is empty";
  }
  return "";
}

}  // namespace vgsales::testing
