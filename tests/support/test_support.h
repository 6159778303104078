// Shared test helpers: temporary directories, the reference data, running the vgsales binary.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

namespace vgsales::testing {

// A fresh directory under the system temp dir, removed with everything in it when destroyed.
class TemporaryDirectory {
 public:
  TemporaryDirectory();
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes `contents` to `path` (creating parent folders) and returns the path.
std::filesystem::path write_text_file(const std::filesystem::path& path, const std::string& contents);
std::string read_text_file(const std::filesystem::path& path);

// The project's source root, and ../shared/data beside it (absent in a user's clone).
std::filesystem::path source_dir();
std::optional<std::filesystem::path> shared_data_file(const std::string& name);

// The built `vgsales` program.
std::filesystem::path vgsales_binary();

struct CommandOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs a shell command line, capturing stdout and stderr separately.
CommandOutput run_command(const std::string& command_line);
// Quotes one argument for /bin/sh.
std::string shell_quote(const std::string& argument);

}  // namespace vgsales::testing

// Skips the current test with a message when a reference data file is absent.
#define VGSALES_SHARED_DATA_OR_SKIP(variable, name)                                                             \
  const auto variable##_optional = ::vgsales::testing::shared_data_file(name);                                  \
  if (!variable##_optional) GTEST_SKIP() << "reference data ../shared/data/" << name << " is absent; skipping"; \
  const std::filesystem::path variable = *variable##_optional
