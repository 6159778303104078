// A streaming RFC 4180 CSV reader: quoted fields with commas, doubled quotes and line breaks,
// CRLF or LF line ends, a UTF-8 byte order mark, blank lines skipped. Reads in 1 MiB blocks.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vgsales {

class CsvReader {
 public:
  static Result<CsvReader> open(const std::filesystem::path& path);
  // Reads CSV text held in memory; `bytes` must outlive the reader, `name` stands for the file in messages.
  static Result<CsvReader> from_bytes(std::string_view bytes, std::string name);

  // Reads the next record into `fields` (reusing their storage). Returns false at end of input.
  Result<bool> read_record(std::vector<std::string>& fields);

  // The 1-based line on which the last record read started.
  long long record_line() const { return record_line_; }
  const std::string& file_name() const { return file_name_; }
  // Bytes consumed so far (for throughput reports).
  long long bytes_read() const { return bytes_before_buffer_ + static_cast<long long>(position_); }

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const { if (file) std::fclose(file); }
  };
  CsvReader(std::unique_ptr<std::FILE, FileCloser> file, std::string file_name, size_t block_size);
  bool refill();
  void skip_byte_order_mark();
  int next_char() {
    if (position_ == end_ && !refill()) return -1;
    return static_cast<unsigned char>(buffer_[position_++]);
  }
  int peek_char() {
    if (position_ == end_ && !refill()) return -1;
    return static_cast<unsigned char>(buffer_[position_]);
  }

  std::unique_ptr<std::FILE, FileCloser> file_;
  std::string file_name_;
  std::vector<char> buffer_;
  size_t position_ = 0;
  size_t end_ = 0;
  long long bytes_before_buffer_ = 0;
  long long line_ = 1;
  long long record_line_ = 0;
};

// Trims ASCII spaces and tabs at both ends (header names, cells).
std::string_view trim_blanks(std::string_view text);

}  // namespace vgsales
