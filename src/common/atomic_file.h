// Writing artifacts so that a failure never leaves a half-written file or folder where a good one stood.
#pragma once

#include <filesystem>
#include <cstdio>
#include <functional>
#include <string_view>

#include "common/result.h"

namespace vgsales {

// Writes `contents` to a temporary file beside `path`, flushes it, then renames it over `path`.
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view contents);

// Reads a whole file; names the path in the error.
Result<std::string> read_file_to_string(const std::filesystem::path& path);

// A sibling directory to fill before it replaces `final_path` with one rename. Removed on destruction
// unless commit() succeeded, so an interrupted writer leaves the old `final_path` untouched.
class StagingDirectory {
 public:
  static Result<StagingDirectory> create_beside(const std::filesystem::path& final_path);
  StagingDirectory(StagingDirectory&& other) noexcept;
  StagingDirectory& operator=(StagingDirectory&&) = delete;
  StagingDirectory(const StagingDirectory&) = delete;
  ~StagingDirectory();

  const std::filesystem::path& path() const { return staging_path_; }
  // Moves the staged directory to final_path, replacing what was there (old one removed only after).
  Result<void> commit();

 private:
  StagingDirectory(std::filesystem::path staging, std::filesystem::path final_path)
      : staging_path_(std::move(staging)), final_path_(std::move(final_path)) {}
  std::filesystem::path staging_path_;
  std::filesystem::path final_path_;
  bool committed_ = false;
};

}  // namespace vgsales

namespace vgsales {
// Streams a file through `fill` into a temporary sibling, then renames it over `path`.
// For outputs too large to build in memory (synthetic tables, prediction files).
Result<void> write_stream_atomically(const std::filesystem::path& path,
                                     const std::function<Result<void>(std::FILE*)>& fill);
}  // namespace vgsales
