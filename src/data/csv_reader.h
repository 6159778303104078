// A streaming RFC 4180 CSV reader: quoted fields with separators, doubled quotes and line breaks,
// CRLF or LF line ends, a UTF-8 byte order mark, blank lines skipped. Reads in 1 MiB blocks. Fields are separated by
// commas, semicolons or tabs (given, or detected from the header line), and a first block that is not UTF-8 text is
// refused before any field is read.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "data/csv_dialect.h"

namespace vgsales {

class CsvReader {
 public:
  // `delimiter` is ',', ';', '\t', or kDetectDelimiter to choose one from the header line (detect_delimiter).
  // A given delimiter that leaves the header one field where another splits it is an error naming both.
  static Result<CsvReader> open(const std::filesystem::path& path, char delimiter = kDetectDelimiter);
  // Reads CSV text held in memory the same way; `bytes` must outlive the reader, `name` stands for the file in
  // messages.
  static Result<CsvReader> from_bytes(std::string_view bytes, std::string name, char delimiter = kDetectDelimiter);

  // Reads the next record into `fields` (reusing their storage). Returns false at end of input.
  Result<bool> read_record(std::vector<std::string>& fields);

  // The 1-based line on which the last record read started.
  long long record_line() const { return record_line_; }
  const std::string& file_name() const { return file_name_; }
  char delimiter() const { return delimiter_; }
  // Whether delimiter() was detected rather than given.
  bool delimiter_detected() const { return delimiter_detected_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const {
      if (file) std::fclose(file);
    }
  };
  CsvReader(std::unique_ptr<std::FILE, FileCloser> file, std::string file_name, size_t block_size);
  // The byte order mark, the text check of the first block and the delimiter: what every opened reader goes through.
  Result<void> start(char delimiter);
  Result<void> choose_delimiter(char requested);
  bool refill();
  // The fields of the line whose first character is `c`, through its line end: how many, 0 for a blank line.
  Result<size_t> read_line_fields(int c, std::vector<std::string>& fields);
  // A quoted field's content after its opening quote, through the closing one; `column` (1-based) for the error.
  Result<void> read_quoted_field(std::string& field, size_t column);
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
  long long line_ = 1;
  long long record_line_ = 0;
  char delimiter_ = ',';
  bool delimiter_detected_ = false;
};

// Trims ASCII spaces and tabs at both ends (header names, cells).
std::string_view trim_blanks(std::string_view text);

}  // namespace vgsales
