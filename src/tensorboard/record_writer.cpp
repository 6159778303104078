// Writes TFRecord files with POSIX calls: one write() per record, fdatasync() on flush.
#include "tensorboard/record_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

#include "tensorboard/crc32c.h"

namespace vgsales::tensorboard {
namespace {

void append_little_endian(std::string& out, std::uint64_t value, int bytes) {
  for (int index = 0; index < bytes; ++index) out.push_back(static_cast<char>((value >> (8 * index)) & 0xFFu));
}

Error io_error(const std::filesystem::path& path, const char* what) {
  return make_error(ErrorKind::io, fmt::format("{}: cannot {}: {}", path.string(), what, std::strerror(errno)));
}

}  // namespace

std::string encode_record(std::string_view data) {
  std::string record;
  record.reserve(kRecordHeaderBytes + data.size() + kRecordFooterBytes);
  append_little_endian(record, data.size(), 8);
  append_little_endian(record, masked_crc32c(std::string_view(record.data(), 8)), 4);
  record.append(data);
  append_little_endian(record, masked_crc32c(data), 4);
  return record;
}

Result<RecordWriter> RecordWriter::create(const std::filesystem::path& path) {
  const int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (descriptor < 0) return io_error(path, "create event file");
  return RecordWriter(path, descriptor);
}

RecordWriter::RecordWriter(RecordWriter&& other) noexcept
    : path_(std::move(other.path_)), descriptor_(other.descriptor_), bytes_written_(other.bytes_written_) {
  other.descriptor_ = -1;
}

RecordWriter& RecordWriter::operator=(RecordWriter&& other) noexcept {
  if (this != &other) {
    (void)close();
    path_ = std::move(other.path_);
    descriptor_ = other.descriptor_;
    bytes_written_ = other.bytes_written_;
    other.descriptor_ = -1;
  }
  return *this;
}

RecordWriter::~RecordWriter() { (void)close(); }

Result<void> RecordWriter::write_record(std::string_view data) {
  if (descriptor_ < 0) return make_error(ErrorKind::internal, fmt::format("{}: write after close", path_.string()));
  const std::string record = encode_record(data);
  std::size_t done = 0;
  // A regular file takes the whole buffer in one call; the loop covers signals and odd filesystems.
  while (done < record.size()) {
    const ssize_t written = ::write(descriptor_, record.data() + done, record.size() - done);
    if (written < 0) {
      if (errno == EINTR) continue;
      return io_error(path_, "write event record");
    }
    done += static_cast<std::size_t>(written);
  }
  bytes_written_ += record.size();
  return {};
}

Result<void> RecordWriter::flush() {
  if (descriptor_ < 0) return {};
  // Some filesystems (pipes, /dev/null in tests) cannot sync; the data already left our process.
  if (::fdatasync(descriptor_) != 0 && errno != EINVAL && errno != EROFS) return io_error(path_, "flush event file");
  return {};
}

Result<void> RecordWriter::close() {
  if (descriptor_ < 0) return {};
  Result<void> flushed = flush();
  const int descriptor = descriptor_;
  descriptor_ = -1;
  if (::close(descriptor) != 0) return io_error(path_, "close event file");
  return flushed;
}

}  // namespace vgsales::tensorboard
