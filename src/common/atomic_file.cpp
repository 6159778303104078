// Temp-file-and-rename writes, and a staging directory that replaces a folder in one step.
//
// Every temporary (a "<name>.tmp-<hex>" file, a ".<name>.staging-<hex>" or ".<name>.old-<hex>" folder) is held
// under flock() by the process writing it. The kernel drops that lock when the process dies, however it dies
// (kill -9 included), so a temporary that can be locked belongs to no one: the next writer in the same folder
// removes it. Locks, unlike process ids, are not fooled by a reused pid or by a writer in another pid namespace.
#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace vgsales {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTempFileMarker = ".tmp-";
constexpr std::string_view kStagingMarker = ".staging-";
constexpr std::string_view kRetiredMarker = ".old-";

std::string random_suffix() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  std::ostringstream out;
  out << std::hex << generator();
  return out.str();
}

// ".<name><marker><hex>", built by appending (GCC 12 warns falsely about "." + std::string at -O3).
std::string hidden_temporary_name(const fs::path& final_path, std::string_view marker) {
  std::string name(".");
  name += final_path.filename().string();
  name += marker;
  name += random_suffix();
  return name;
}

Error io_error(const fs::path& path, const std::string& what) {
  return make_error(ErrorKind::io, path.string() + ": " + what);
}

// "<stem><marker><hex>": the name of one of our temporaries; returns <stem>, or empty if the name is not one.
std::string_view stem_before_marker(std::string_view name, std::string_view marker) {
  const std::size_t at = name.rfind(marker);
  if (at == std::string_view::npos || at == 0) return {};
  const std::string_view suffix = name.substr(at + marker.size());
  if (suffix.empty() || suffix.size() > 16) return {};
  for (char c : suffix) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
  }
  return name.substr(0, at);
}

// Takes the owner's lock on `fd`, then checks that `path` still names the same file: a cleaner may have judged
// the brand-new temporary abandoned in the instant before the lock and removed it.
bool lock_as_owner(int fd, const fs::path& path) {
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) return false;
  }
  struct stat held {
  }, named{};
  return ::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
         held.st_ino == named.st_ino;
}

// Opens `path` and takes its lock without waiting: a descriptor holding the lock if no live process owns the
// temporary (close it once the temporary is gone), else -1.
int lock_if_abandoned(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Creates a new temporary file beside `path`, opened for writing and locked by this process.
Result<std::pair<int, fs::path>> create_locked_temp_file(const fs::path& path) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    fs::path temp = path.string() + std::string(kTempFileMarker) + random_suffix();
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return io_error(path, std::string("cannot write: ") + std::strerror(errno));
    }
    if (lock_as_owner(fd, temp)) return std::pair<int, fs::path>{fd, std::move(temp)};
    ::close(fd);  // removed by a cleaner before we held it: take another name
  }
  return io_error(path, "cannot create a temporary file beside it");
}

}  // namespace

void remove_abandoned_temporaries(const fs::path& directory) {
  std::error_code ec;
  fs::directory_iterator entries(directory, ec);
  if (ec) return;
  for (const fs::directory_entry& entry : entries) {
    const std::string name = entry.path().filename().string();
    const bool temp_file = !stem_before_marker(name, kTempFileMarker).empty();
    const bool staging = name.front() == '.' && !stem_before_marker(name, kStagingMarker).empty();
    const std::string_view retired_stem = name.front() == '.' ? stem_before_marker(name, kRetiredMarker) : "";
    if (!temp_file && !staging && retired_stem.empty()) continue;
    const int lock = lock_if_abandoned(entry.path());
    if (lock < 0) continue;  // a live writer's, or already gone
    std::error_code ignored;
    if (!retired_stem.empty()) {
      // A previous version moved aside by a writer that died before its replacement took the name (only where
      // the file system cannot swap two folders in one step): it is the latest complete one, so it comes back.
      const fs::path final_path = directory / std::string(retired_stem.substr(1));
      if (!fs::exists(final_path, ignored)) {
        fs::rename(entry.path(), final_path, ignored);
        ::close(lock);
        continue;
      }
    }
    fs::remove_all(entry.path(), ignored);
    ::close(lock);
  }
}

Result<void> write_file_atomically(const fs::path& path, std::string_view contents) {
  remove_abandoned_temporaries(path.parent_path().empty() ? fs::path(".") : path.parent_path());
  VGSALES_ASSIGN_OR_RETURN(auto created, create_locked_temp_file(path));
  const auto [fd, temp] = std::move(created);
  const char* data = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::unlink(temp.c_str());
      ::close(fd);
      return io_error(path, std::string("write failed: ") + std::strerror(saved));
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
  // fsync so that a crash after the rename cannot expose an empty file.
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    ::close(fd);
    return io_error(path, std::string("cannot flush to disk: ") + std::strerror(saved));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    ::close(fd);
    return io_error(path, std::string("cannot rename into place: ") + std::strerror(saved));
  }
  ::close(fd);  // after the rename: until then the temporary is visibly ours
  return {};
}

Result<std::string> read_file_to_string(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return make_error(ErrorKind::not_found, path.string() + ": no such file");
  if (fs::is_directory(path, ec)) return io_error(path, "is a directory, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error(path, "cannot open for reading");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return io_error(path, "read failed");
  return buffer.str();
}

Result<StagingDirectory> StagingDirectory::create_beside(const fs::path& final_path) {
  fs::path absolute = fs::absolute(final_path).lexically_normal();
  if (absolute.has_filename() == false) absolute = absolute.parent_path();
  const fs::path parent = absolute.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return io_error(parent, "cannot create directory: " + ec.message());
  remove_abandoned_temporaries(parent);
  for (int attempt = 0; attempt < 8; ++attempt) {
    const fs::path staging = parent / hidden_temporary_name(absolute, kStagingMarker);
    if (!fs::create_directory(staging, ec)) {
      if (!ec) continue;  // the name was taken
      return io_error(staging, "cannot create directory: " + ec.message());
    }
    const int lock = ::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock < 0) return io_error(staging, std::string("cannot open: ") + std::strerror(errno));
    if (lock_as_owner(lock, staging)) return StagingDirectory(staging, absolute, lock);
    ::close(lock);
  }
  return io_error(parent, "cannot create a staging directory");
}

StagingDirectory::StagingDirectory(StagingDirectory&& other) noexcept
    : staging_path_(std::move(other.staging_path_)),
      final_path_(std::move(other.final_path_)),
      lock_(other.lock_),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object must not delete anything
  other.lock_ = -1;
}

StagingDirectory::~StagingDirectory() {
  if (!committed_ && !staging_path_.empty()) {
    std::error_code ec;
    fs::remove_all(staging_path_, ec);
  }
  if (lock_ >= 0) ::close(lock_);
}

Result<void> StagingDirectory::commit() {
  std::error_code ec;
  if (!fs::exists(final_path_, ec)) {
    fs::rename(staging_path_, final_path_, ec);
    if (ec) return io_error(final_path_, "cannot move the new version into place: " + ec.message());
    committed_ = true;
    return {};
  }
  // Swap the two folders in one step: at every instant final_path_ names a complete version, old or new.
  if (::renameat2(AT_FDCWD, staging_path_.c_str(), AT_FDCWD, final_path_.c_str(), RENAME_EXCHANGE) == 0) {
    committed_ = true;
    // The staging name now holds the old version; if we die before it is removed, nobody holds its lock and
    // the next writer removes it.
    fs::remove_all(staging_path_, ec);
    return {};
  }
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
    return io_error(final_path_, std::string("cannot move the new version into place: ") + std::strerror(errno));
  }
  // File systems without the exchange (e.g. NFS): the old folder steps aside first, as rename(2) cannot replace
  // a non-empty directory. Dying between the two renames leaves the old one aside, locked by no one: the next
  // writer puts it back (remove_abandoned_temporaries).
  const fs::path retired = final_path_.parent_path() / hidden_temporary_name(final_path_, kRetiredMarker);
  const int retired_lock = ::open(final_path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (retired_lock >= 0) ::flock(retired_lock, LOCK_EX | LOCK_NB);
  fs::rename(final_path_, retired, ec);
  if (ec) {
    if (retired_lock >= 0) ::close(retired_lock);
    return io_error(final_path_, "cannot move the previous version aside: " + ec.message());
  }
  fs::rename(staging_path_, final_path_, ec);
  if (ec) {
    std::error_code restore_ec;
    fs::rename(retired, final_path_, restore_ec);
    if (retired_lock >= 0) ::close(retired_lock);
    return io_error(final_path_, "cannot move the new version into place: " + ec.message());
  }
  committed_ = true;
  fs::remove_all(retired, ec);
  if (retired_lock >= 0) ::close(retired_lock);
  return {};
}

Result<void> write_stream_atomically(const std::filesystem::path& path,
                                     const std::function<Result<void>(std::FILE*)>& fill) {
  remove_abandoned_temporaries(path.parent_path().empty() ? fs::path(".") : path.parent_path());
  VGSALES_ASSIGN_OR_RETURN(auto created, create_locked_temp_file(path));
  const auto [fd, temp] = std::move(created);
  std::FILE* file = ::fdopen(fd, "wb");
  if (!file) {
    const int saved = errno;
    ::unlink(temp.c_str());
    ::close(fd);
    return io_error(path, std::string("cannot write: ") + std::strerror(saved));
  }
  Result<void> filled = fill(file);
  const bool flushed = std::fflush(file) == 0 && ::fsync(fileno(file)) == 0;
  const int write_errno = errno;
  if (!filled.ok() || !flushed) {
    ::unlink(temp.c_str());
    std::fclose(file);
    if (!filled.ok()) return filled.error();
    return io_error(path, std::string("write failed: ") + std::strerror(write_errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    std::fclose(file);
    return io_error(path, std::string("cannot rename into place: ") + std::strerror(saved));
  }
  std::fclose(file);  // the data is on disk already (fsync above)
  return {};
}

}  // namespace vgsales
