// Separator detection and the UTF-8 text check, both on the first block of a file.
#include "data/csv_dialect.h"

#include <fmt/format.h>

#include <algorithm>

namespace vgsales {

Result<char> parse_delimiter_flag(std::string_view text) {
  if (text == "auto") return kDetectDelimiter;
  if (text == "," || text == "comma") return ',';
  if (text == ";" || text == "semicolon") return ';';
  if (text == "tab" || text == "\t" || text == "\\t") return '\t';
  return make_error(ErrorKind::usage, fmt::format("'{}' is not one of auto, ',', ';', tab", std::string(text)));
}

std::string delimiter_name(char delimiter) {
  switch (delimiter) {
    case ',': return "comma";
    case ';': return "semicolon";
    case '\t': return "tab";
    default: return fmt::format("'{}'", delimiter);
  }
}

std::string delimiter_flag_value(char delimiter) {
  return delimiter == '\t' ? "tab" : "'" + std::string(1, delimiter) + "'";
}

std::string unless_comma_split_at(char delimiter) {
  return delimiter == ',' ? std::string() : " split at " + delimiter_name(delimiter) + "s";
}

FirstRecord first_record(std::string_view text, char delimiter) {
  FirstRecord record;
  size_t i = 0;
  // Blank lines before the record are skipped, as the reader skips them.
  while (i < text.size() && (text[i] == '\n' || text[i] == '\r')) ++i;
  if (i == text.size()) return {0, i};
  record.fields = 1;
  bool in_quotes = false;
  bool at_field_start = true;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') ++i;
        else in_quotes = false;
      }
      continue;
    }
    if (c == '"' && at_field_start) {
      in_quotes = true;
      at_field_start = false;
    } else if (c == delimiter) {
      ++record.fields;
      at_field_start = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      record.next = i + 1;
      return record;
    } else {
      at_field_start = false;
    }
  }
  record.next = text.size();
  return record;
}

char detect_delimiter(std::string_view text) {
  char best_consistent = 0, best_any = ',';
  size_t most_consistent = 1, most_any = 1;
  for (char candidate : kCsvDelimiters) {
    const FirstRecord header = first_record(text, candidate);
    const FirstRecord data = first_record(text.substr(header.next), candidate);
    // No data line (a header-only file, or one cut by the block's end) contradicts no candidate.
    const bool consistent = data.fields == 0 || data.fields == header.fields;
    if (consistent && header.fields > most_consistent) {
      most_consistent = header.fields;
      best_consistent = candidate;
    }
    if (header.fields > most_any) {
      most_any = header.fields;
      best_any = candidate;
    }
  }
  return best_consistent ? best_consistent : best_any;
}

namespace {

// The length of the UTF-8 sequence starting at text[i] (Unicode 15, table 3-7: no overlong forms, no surrogates,
// nothing above U+10FFFF), 0 when it is not one, or -1 when `text` ends inside it.
int utf8_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  int length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) length = 2;
  else if (lead == 0xE0) length = 3, low = 0xA0;
  else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) length = 3;
  else if (lead == 0xED) length = 3, high = 0x9F;
  else if (lead == 0xF0) length = 4, low = 0x90;
  else if (lead >= 0xF1 && lead <= 0xF3) length = 4;
  else if (lead == 0xF4) length = 4, high = 0x8F;
  else return 0;
  for (int k = 1; k < length; ++k) {
    if (i + static_cast<size_t>(k) >= text.size()) return -1;
    const unsigned char next = byte(i + static_cast<size_t>(k));
    if (k == 1 ? (next < low || next > high) : (next < 0x80 || next > 0xBF)) return 0;
  }
  return length;
}

}  // namespace

std::optional<TextProblem> find_text_problem(std::string_view text, bool complete) {
  if (text.size() >= 2 && ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF')))
    return TextProblem{TextProblem::Kind::utf16, 0, 1, static_cast<unsigned char>(text[0])};
  long long line = 1;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') ++line;
    // Tab, line feed, vertical tab, form feed and carriage return are text; other C0 controls are not.
    if (c < 0x20 && (c < 0x09 || c > 0x0D)) return TextProblem{TextProblem::Kind::binary, i, line, c};
    const int length = utf8_sequence_length(text, i);
    if (length == -1 && !complete) break;
    if (length <= 0) {
      // Text in a legacy encoding (Latin-1, Windows-1252) has no control bytes; a binary file (an image, a
      // spreadsheet, a gzip) soon has some, so its first odd byte is where its binary data starts.
      const bool has_controls = std::any_of(text.begin() + static_cast<std::ptrdiff_t>(i), text.end(), [](char b) {
        const auto u = static_cast<unsigned char>(b);
        return u < 0x20 && (u < 0x09 || u > 0x0D);
      });
      return TextProblem{has_controls ? TextProblem::Kind::binary : TextProblem::Kind::not_utf8, i, line, c};
    }
    i += static_cast<size_t>(length);
  }
  return std::nullopt;
}

std::string describe_text_problem(const std::string& file, const TextProblem& problem) {
  // Byte numbers count from 1, as cmp(1) reports them.
  switch (problem.kind) {
    case TextProblem::Kind::binary:
      return fmt::format("{}: not a text CSV file (binary data at byte {})", file, problem.offset + 1);
    case TextProblem::Kind::utf16:
      return fmt::format("{}: not a text CSV file (UTF-16 text, by its byte order mark): save it as UTF-8", file);
    case TextProblem::Kind::not_utf8: break;
  }
  return fmt::format(
      "{}: not a UTF-8 text CSV file (byte {}, on line {}, is 0x{:02X}, which UTF-8 does not allow; "
      "Latin-1 or Windows-1252 text? save it as UTF-8)",
      file, problem.offset + 1, problem.line, problem.byte);
}

std::string detected_delimiter_notice(const std::string& file, char delimiter) {
  return fmt::format("{}: reading it as {}-separated (detected from the header line; --delimiter chooses)", file,
                     delimiter_name(delimiter));
}

}  // namespace vgsales
