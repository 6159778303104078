// A CSV file loaded into typed columns: numbers as float, text interned per column.
// One pass over the file; the raw text is never held whole.
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "data/cell_parsing.h"
#include "data/csv_dialect.h"

namespace vgsales {

struct Column {
  std::string name;
  // One value per row: the number, or NaN where the cell is missing or text.
  std::vector<float> numbers;
  // One code per row into `dictionary`, kept only once the column has held text (-1 = missing).
  std::vector<std::int32_t> text_codes;
  std::vector<std::string> dictionary;
  long long missing_cells = 0;
  long long number_cells = 0;
  long long text_cells = 0;
  // The first text cell, for errors when the column turns out to be numeric.
  long long first_text_line = 0;
  std::string first_text_value;
  // Number cells read before the column's first text cell: their text must be read again exactly (load_table).
  bool numbers_before_text = false;

  bool has_text() const { return text_cells > 0; }
  bool is_missing(size_t row) const { return text_codes.empty() ? std::isnan(numbers[row]) : text_codes[row] < 0; }
  // The cell as text, or "" when missing. Exact as written in the file once the column holds text (or was
  // loaded as a text column); a purely numeric column re-prints its numbers shortest.
  std::string text_at(size_t row) const;
};

struct Table {
  std::string source;               // the file name, for messages
  char delimiter = ',';             // the field separator the file was read with
  bool delimiter_detected = false;  // chosen from the header line rather than given
  std::vector<Column> columns;
  std::vector<long long> lines;  // the file line where each row started
  size_t row_count() const { return lines.size(); }
  // The index of the column named `name`, if any.
  std::optional<size_t> find(const std::string& name) const;
};

struct TableLoadOptions {
  MissingValueSet missing_values;
  // Columns whose cells must all be numbers (or missing): a text cell is an error right away.
  std::vector<std::string> numeric_columns;
  // Columns read as text from the first row (categories such as "007" and "1.10"), whatever they look like.
  std::vector<std::string> text_columns;
  // ',', ';', '\t', or kDetectDelimiter to choose from the header line.
  char delimiter = kDetectDelimiter;
};

// Reads a CSV with a header row. Errors name the file, the line and the column.
Result<Table> load_table(const std::filesystem::path& path, const TableLoadOptions& options = {});
// The same for CSV text in memory; `source_name` stands for the file in messages.
Result<Table> load_table_from_bytes(std::string_view csv, const std::string& source_name,
                                    const TableLoadOptions& options = {});

// A new table with the given rows of `table`, in the given order.
Table select_rows(const Table& table, const std::vector<size_t>& rows);

// Keeps only the given rows (strictly increasing indices), in place: no second copy of a large table.
void keep_rows(Table& table, const std::vector<size_t>& rows);

}  // namespace vgsales
