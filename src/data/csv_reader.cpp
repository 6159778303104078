// Streaming RFC 4180 parsing, one character at a time over a block buffer.
#include "data/csv_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

namespace vgsales {
namespace fs = std::filesystem;

namespace {
constexpr size_t kBlockSize = 1 << 20;
}

std::string_view trim_blanks(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  return text.substr(begin, end - begin);
}

Result<CsvReader> CsvReader::open(const fs::path& path, char delimiter) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return make_error(ErrorKind::not_found, path.string() + ": no such file");
  if (fs::is_directory(path, ec))
    return make_error(ErrorKind::io, path.string() + ": is a directory, expected a CSV file");
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return make_error(ErrorKind::io, path.string() + ": cannot open: " + std::strerror(errno));
  CsvReader reader(std::move(file), path.string(), kBlockSize);
  VGSALES_TRY(reader.start(delimiter));
  return reader;
}

Result<CsvReader> CsvReader::from_bytes(std::string_view bytes, std::string name, char delimiter) {
  // fmemopen reads the caller's bytes in place ("r" never writes through the pointer).
  std::unique_ptr<std::FILE, FileCloser> file(::fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "r"));
  if (!file) return make_error(ErrorKind::io, name + ": cannot read from memory: " + std::strerror(errno));
  CsvReader reader(std::move(file), std::move(name), std::clamp<size_t>(bytes.size(), 1, kBlockSize));
  VGSALES_TRY(reader.start(delimiter));
  return reader;
}

Result<void> CsvReader::start(char delimiter) {
  // A UTF-8 byte order mark (spreadsheet exports) is not part of the first header name.
  if (peek_char() == 0xEF && end_ - position_ >= 3 && static_cast<unsigned char>(buffer_[1]) == 0xBB &&
      static_cast<unsigned char>(buffer_[2]) == 0xBF)
    position_ += 3;
  // Only the first block is checked: enough for a spreadsheet saved in the wrong format or a file given by mistake,
  // and it costs a few milliseconds at most.
  const std::string_view first_block(buffer_.data(), end_);
  if (const auto problem = find_text_problem(first_block, end_ < buffer_.size()))
    return make_error(ErrorKind::invalid_data, describe_text_problem(file_name_, *problem));
  return choose_delimiter(delimiter);
}
Result<void> CsvReader::choose_delimiter(char requested) {
  const std::string_view text(buffer_.data() + position_, end_ - position_);
  const char detected = detect_delimiter(text);
  if (requested == kDetectDelimiter) {
    delimiter_ = detected;
    delimiter_detected_ = true;
    return {};
  }
  delimiter_ = requested;
  // A header that stays one field with the given separator but splits at another is the wrong separator, and would
  // otherwise surface as "no target column" with the whole header line as the one column's name.
  const size_t fields = first_record(text, requested).fields;
  const size_t detected_fields = first_record(text, detected).fields;
  if (fields == 1 && detected_fields > 1)
    return make_error(ErrorKind::invalid_data,
                      fmt::format("{}:1: the header is one column with --delimiter {} but {} columns split at {}s: the "
                                  "file looks {}-separated (use --delimiter {} or auto)",
                                  file_name_, delimiter_flag_value(requested), detected_fields,
                                  delimiter_name(detected), delimiter_name(detected), delimiter_flag_value(detected)));
  return {};
}

CsvReader::CsvReader(std::unique_ptr<std::FILE, FileCloser> file, std::string file_name, size_t block_size)
    : file_(std::move(file)), file_name_(std::move(file_name)), buffer_(block_size) {}

bool CsvReader::refill() {
  position_ = 0;
  end_ = std::fread(buffer_.data(), 1, buffer_.size(), file_.get());
  return end_ > 0;
}

namespace {

// The field at `index`, added when the record is longer than any before (fields keep their storage between records).
std::string& field_at(std::vector<std::string>& fields, size_t index) {
  if (index == fields.size()) fields.emplace_back();
  return fields[index];
}

}  // namespace

Result<bool> CsvReader::read_record(std::vector<std::string>& fields) {
  while (true) {
    record_line_ = line_;
    const int c = next_char();
    if (c == -1) {
      fields.clear();
      return false;
    }
    VGSALES_ASSIGN_OR_RETURN(const size_t count, read_line_fields(c, fields));
    if (count == 0) continue;  // a blank line
    fields.resize(count);
    return true;
  }
}

Result<size_t> CsvReader::read_line_fields(int c, std::vector<std::string>& fields) {
  const int delimiter = static_cast<unsigned char>(delimiter_);
  size_t count = 0;
  field_at(fields, count).clear();
  bool field_has_content = false;  // distinguishes a blank line from a line holding ""
  bool any_content = false;
  while (true) {
    std::string& field = field_at(fields, count);
    if (c == '"' && field.empty() && !field_has_content) {
      field_has_content = any_content = true;
      VGSALES_TRY(read_quoted_field(field, count + 1));
    } else if (c == delimiter) {
      field_at(fields, ++count).clear();
      field_has_content = false;
      any_content = true;
    } else if (c == '\r' || c == '\n' || c == -1) {
      if (c == '\r' && peek_char() == '\n') next_char();
      if (c != -1) ++line_;
      return any_content ? count + 1 : 0;
    } else {
      field.push_back(static_cast<char>(c));
      field_has_content = any_content = true;
    }
    c = next_char();
  }
}

Result<void> CsvReader::read_quoted_field(std::string& field, size_t column) {
  // Runs to the closing quote; "" inside is one quote; separators and line breaks are data.
  const long long quote_line = line_;
  while (true) {
    const int q = next_char();
    if (q == -1)
      return make_error(ErrorKind::invalid_data, file_name_ + ":" + std::to_string(quote_line) + ": column " +
                                                     std::to_string(column) +
                                                     ": unterminated quoted field (missing closing \")");
    if (q == '"') {
      if (peek_char() != '"') return {};
      next_char();
      field.push_back('"');
      continue;
    }
    if (q == '\n') ++line_;
    field.push_back(static_cast<char>(q));
  }
}

}  // namespace vgsales
