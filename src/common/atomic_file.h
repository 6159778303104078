// Writing artifacts so that a failure never leaves a half-written file or folder where a good one stood, and a
// writer killed at any instant (kill -9 included) leaves at most temporaries that the next writer removes.
#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string_view>

#include "common/result.h"

namespace vgsales {

// Writes `contents` to a temporary file beside `path`, flushes it, then renames it over `path`.
// Like every writer here, first removes temporaries in that folder left by writers that died.
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view contents);

// Reads a whole file; names the path in the error.
Result<std::string> read_file_to_string(const std::filesystem::path& path);

// A sibling directory to fill before it replaces `final_path` with one rename. Removed on destruction
// unless commit() succeeded, so an interrupted writer leaves the old `final_path` untouched; a killed one leaves
// the staging folder, which the next writer in the same folder removes.
class StagingDirectory {
 public:
  static Result<StagingDirectory> create_beside(const std::filesystem::path& final_path);
  StagingDirectory(StagingDirectory&& other) noexcept;
  StagingDirectory& operator=(StagingDirectory&&) = delete;
  StagingDirectory(const StagingDirectory&) = delete;
  ~StagingDirectory();

  const std::filesystem::path& path() const { return staging_path_; }
  // Moves the staged directory to final_path. An existing final_path is swapped with it in one step
  // (renameat2 RENAME_EXCHANGE), so final_path names a complete version at every instant; then the old one is
  // removed.
  Result<void> commit();

 private:
  StagingDirectory(std::filesystem::path staging, std::filesystem::path final_path, int lock)
      : staging_path_(std::move(staging)), final_path_(std::move(final_path)), lock_(lock) {}
  std::filesystem::path staging_path_;
  std::filesystem::path final_path_;
  int lock_ = -1;  // flock()ed while this process owns the staging folder; see atomic_file.cpp
  bool committed_ = false;
};

// Removes, in `directory`, the temporaries of writers that died before finishing: "<name>.tmp-<hex>" files and
// ".<name>.staging-<hex>" folders no live process holds. A ".<name>.old-<hex>" folder (a previous version moved
// aside) goes back to <name> if that name is free, else is removed. Temporaries of live writers are left alone.
void remove_abandoned_temporaries(const std::filesystem::path& directory);

}  // namespace vgsales

namespace vgsales {
// Streams a file through `fill` into a temporary sibling, then renames it over `path`.
// For outputs too large to build in memory (synthetic tables, prediction files).
Result<void> write_stream_atomically(const std::filesystem::path& path,
                                     const std::function<Result<void>(std::FILE*)>& fill);
}  // namespace vgsales
