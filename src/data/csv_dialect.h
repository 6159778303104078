// What a CSV file looks like before its first record is read: which field separator it uses (comma, semicolon or
// tab, as spreadsheets in many locales write them) and whether it is UTF-8 text at all.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vgsales {

// The field separators vgsales reads, in the order ties are broken (a comma wins a tie).
inline constexpr char kCsvDelimiters[] = {',', ';', '\t'};
// "Choose the separator from the file's header line" (detect_delimiter).
inline constexpr char kDetectDelimiter = '\0';

// The --delimiter flag's values: "auto" (kDetectDelimiter), ",", ";", "tab" (or a tab character itself).
Result<char> parse_delimiter_flag(std::string_view text);
// As a person names it: "comma", "semicolon", "tab".
std::string delimiter_name(char delimiter);
// As the --delimiter flag takes it, quoted for a shell: ',' ';' tab.
std::string delimiter_flag_value(char delimiter);
// "" for a comma, else " split at semicolons" (or tabs): for messages about a record's field count.
std::string unless_comma_split_at(char delimiter);

// The number of fields of the first record of `text` split at `delimiter` (RFC 4180 quotes honoured), and where
// the next record starts; a record cut off by the end of `text` counts what it has.
struct FirstRecord {
  size_t fields = 0;
  size_t next = 0;  // offset of the character after the record's line end
};
FirstRecord first_record(std::string_view text, char delimiter);

// The separator of a file whose first block is `text`: of kCsvDelimiters, the one that splits the header into the
// most fields among those that split the first data line into as many; when none does with more than one field,
// the one that splits the header into the most (the field-count error on line 2 then says the rest). A comma when
// nothing splits the header.
char detect_delimiter(std::string_view text);

// Where the first block of a file stops being UTF-8 text: a NUL or control byte, or a byte sequence that is not
// UTF-8 in a block that has such bytes (binary data); a byte sequence that is not UTF-8 in a block without them
// (text in another encoding); or a UTF-16 byte order mark. `complete` says whether `text` is the whole file (else a
// sequence cut by the block's end is not an error). Nothing when it is text.
struct TextProblem {
  enum class Kind { binary, not_utf8, utf16 } kind;
  size_t offset = 0;   // 0-based, of the offending byte
  long long line = 1;  // the line it is on
  unsigned char byte = 0;
};
std::optional<TextProblem> find_text_problem(std::string_view text, bool complete);
// The one-line message for a problem in `file`: "FILE: not a text CSV file (binary data at byte N)" and so on.
std::string describe_text_problem(const std::string& file, const TextProblem& problem);

// The notice `train`, `predict` and `evaluate` print when they read a file with a separator they detected.
std::string detected_delimiter_notice(const std::string& file, char delimiter);

}  // namespace vgsales
