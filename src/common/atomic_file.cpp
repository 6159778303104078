// Temp-file-and-rename writes, and a staging directory that replaces a folder in one step.
#include "common/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace vgsales {
namespace fs = std::filesystem;

namespace {
std::string random_suffix() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  std::ostringstream out;
  out << std::hex << generator();
  return out.str();
}

Error io_error(const fs::path& path, const std::string& what) {
  return make_error(ErrorKind::io, path.string() + ": " + what);
}
}  // namespace

Result<void> write_file_atomically(const fs::path& path, std::string_view contents) {
  const fs::path temp = path.string() + ".tmp-" + random_suffix();
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(path, std::string("cannot write: ") + std::strerror(errno));
  const char* data = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return io_error(path, std::string("write failed: ") + std::strerror(saved));
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
  // fsync so that a crash after the rename cannot expose an empty file.
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    return io_error(path, "cannot flush to disk");
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    return io_error(path, std::string("cannot rename into place: ") + std::strerror(saved));
  }
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
  fs::path staging = parent / ("." + absolute.filename().string() + ".staging-" + random_suffix());
  fs::create_directory(staging, ec);
  if (ec) return io_error(staging, "cannot create directory: " + ec.message());
  return StagingDirectory(staging, absolute);
}

StagingDirectory::StagingDirectory(StagingDirectory&& other) noexcept
    : staging_path_(std::move(other.staging_path_)),
      final_path_(std::move(other.final_path_)),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object must not delete anything
}

StagingDirectory::~StagingDirectory() {
  if (!committed_ && !staging_path_.empty()) {
    std::error_code ec;
    fs::remove_all(staging_path_, ec);
  }
}

Result<void> StagingDirectory::commit() {
  std::error_code ec;
  // rename(2) cannot replace a non-empty directory, so the old one steps aside first and is
  // removed only once the new one stands in its place.
  fs::path retired;
  if (fs::exists(final_path_, ec)) {
    retired = final_path_.parent_path() / ("." + final_path_.filename().string() + ".old-" + random_suffix());
    fs::rename(final_path_, retired, ec);
    if (ec) return io_error(final_path_, "cannot move the previous version aside: " + ec.message());
  }
  fs::rename(staging_path_, final_path_, ec);
  if (ec) {
    if (!retired.empty()) fs::rename(retired, final_path_, ec);
    return io_error(final_path_, "cannot move the new version into place: " + ec.message());
  }
  committed_ = true;
  if (!retired.empty()) fs::remove_all(retired, ec);
  return {};
}

}  // namespace vgsales

namespace vgsales {

Result<void> write_stream_atomically(const std::filesystem::path& path,
                                     const std::function<Result<void>(std::FILE*)>& fill) {
  const std::filesystem::path temp = path.string() + ".tmp-" + random_suffix();
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (!file) return io_error(path, std::string("cannot write: ") + std::strerror(errno));
  Result<void> filled = fill(file);
  const bool flushed = std::fflush(file) == 0 && ::fsync(fileno(file)) == 0;
  const bool closed = std::fclose(file) == 0;
  if (!filled.ok() || !flushed || !closed) {
    ::unlink(temp.c_str());
    if (!filled.ok()) return filled.error();
    return io_error(path, "write failed (disk full?)");
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    return io_error(path, std::string("cannot rename into place: ") + std::strerror(saved));
  }
  return {};
}

}  // namespace vgsales
