// Streaming RFC 4180 parsing, one character at a time over a block buffer.
#include "data/csv_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

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

Result<CsvReader> CsvReader::open(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return make_error(ErrorKind::not_found, path.string() + ": no such file");
  if (fs::is_directory(path, ec))
    return make_error(ErrorKind::io, path.string() + ": is a directory, expected a CSV file");
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return make_error(ErrorKind::io, path.string() + ": cannot open: " + std::strerror(errno));
  CsvReader reader(std::move(file), path.string(), kBlockSize);
  reader.skip_byte_order_mark();
  return reader;
}

Result<CsvReader> CsvReader::from_bytes(std::string_view bytes, std::string name) {
  // fmemopen reads the caller's bytes in place ("r" never writes through the pointer).
  std::unique_ptr<std::FILE, FileCloser> file(::fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "r"));
  if (!file) return make_error(ErrorKind::io, name + ": cannot read from memory: " + std::strerror(errno));
  CsvReader reader(std::move(file), std::move(name), std::clamp<size_t>(bytes.size(), 1, kBlockSize));
  reader.skip_byte_order_mark();
  return reader;
}

// A UTF-8 byte order mark (spreadsheet exports) is not part of the first header name.
void CsvReader::skip_byte_order_mark() {
  if (peek_char() == 0xEF && end_ - position_ >= 3 && static_cast<unsigned char>(buffer_[1]) == 0xBB &&
      static_cast<unsigned char>(buffer_[2]) == 0xBF)
    position_ += 3;
}

CsvReader::CsvReader(std::unique_ptr<std::FILE, FileCloser> file, std::string file_name, size_t block_size)
    : file_(std::move(file)), file_name_(std::move(file_name)), buffer_(block_size) {}

bool CsvReader::refill() {
  bytes_before_buffer_ += static_cast<long long>(end_);
  position_ = 0;
  end_ = std::fread(buffer_.data(), 1, buffer_.size(), file_.get());
  return end_ > 0;
}

Result<bool> CsvReader::read_record(std::vector<std::string>& fields) {
  while (true) {
    size_t count = 0;
    auto field = [&]() -> std::string& {
      if (count == fields.size()) fields.emplace_back();
      return fields[count];
    };
    record_line_ = line_;
    int c = next_char();
    if (c == -1) {
      fields.clear();
      return false;
    }
    field().clear();
    bool field_has_content = false;  // distinguishes a blank line from a line holding ""
    bool any_content = false;
    while (true) {
      if (c == '"' && field().empty() && !field_has_content) {
        // Quoted field: runs to the closing quote; "" inside is one quote; commas and line breaks are data.
        const long long quote_line = line_;
        field_has_content = any_content = true;
        while (true) {
          const int q = next_char();
          if (q == -1)
            return make_error(ErrorKind::invalid_data,
                              file_name_ + ":" + std::to_string(quote_line) + ": column " + std::to_string(count + 1) +
                                  ": unterminated quoted field (missing closing \")");
          if (q == '"') {
            if (peek_char() == '"') {
              next_char();
              field().push_back('"');
              continue;
            }
            break;
          }
          if (q == '\n') ++line_;
          field().push_back(static_cast<char>(q));
        }
        c = next_char();
        continue;
      }
      if (c == ',') {
        ++count;
        field().clear();
        field_has_content = false;
        any_content = true;
        c = next_char();
        continue;
      }
      if (c == '\r' || c == '\n' || c == -1) {
        if (c == '\r' && peek_char() == '\n') next_char();
        if (c != -1) ++line_;
        break;
      }
      field().push_back(static_cast<char>(c));
      field_has_content = any_content = true;
      c = next_char();
    }
    if (!any_content) continue;  // a blank line
    fields.resize(count + 1);
    return true;
  }
}

}  // namespace vgsales
