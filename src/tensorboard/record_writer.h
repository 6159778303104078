// TFRecord framing (tensorboard/summary/writer/record_writer.py): length, masked CRC of the length, data,
// masked CRC of the data.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vgsales::tensorboard {

constexpr std::size_t kRecordHeaderBytes = 12;  // uint64 length + uint32 masked CRC of it
constexpr std::size_t kRecordFooterBytes = 4;   // uint32 masked CRC of the data

// The full bytes of one record holding `data`.
std::string encode_record(std::string_view data);

// Appends records to a new file. Each record goes to the kernel in one write call, so a reader
// (a live TensorBoard) never sees half a record unless the process dies inside that call.
class RecordWriter {
 public:
  // Creates `path`; fails if it already exists, so two writers never share a file.
  static Result<RecordWriter> create(const std::filesystem::path& path);
  RecordWriter(RecordWriter&& other) noexcept;
  RecordWriter& operator=(RecordWriter&& other) noexcept;
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;
  ~RecordWriter();

  Result<void> write_record(std::string_view data);
  // Asks the kernel to put what was written on disk (fdatasync).
  Result<void> flush();
  Result<void> close();

  const std::filesystem::path& path() const { return path_; }
  std::uint64_t bytes_written() const { return bytes_written_; }

 private:
  RecordWriter(std::filesystem::path path, int descriptor) : path_(std::move(path)), descriptor_(descriptor) {}
  std::filesystem::path path_;
  int descriptor_ = -1;
  std::uint64_t bytes_written_ = 0;
};

}  // namespace vgsales::tensorboard
