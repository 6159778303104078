// Typed columns from columns in memory, cell by cell as table.cpp reads a CSV's.
#include "data/in_memory_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "data/csv_reader.h"

namespace vgsales {

namespace {

bool named_in(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string shortest_text(double value) {
  char buffer[32];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

// Where a cell stands, for messages: "X:17: column 'genre'".
std::string location(const std::string& source, size_t row, const std::string& column) {
  return source + ":" + std::to_string(row) + ": column '" + column + "'";
}

// Interns one column's texts: each distinct text gets the next code, as table.cpp's interner does.
class ColumnInterner {
 public:
  explicit ColumnInterner(Column& column) : column_(column) {}
  std::int32_t intern(const std::string& text) {
    auto [found, inserted] = codes_.try_emplace(text, static_cast<std::int32_t>(column_.dictionary.size()));
    if (inserted) column_.dictionary.push_back(text);
    return found->second;
  }

 private:
  Column& column_;
  std::unordered_map<std::string, std::int32_t> codes_;
};

void add_missing(Column& column, bool keeps_text) {
  ++column.missing_cells;
  column.numbers.push_back(std::numeric_limits<float>::quiet_NaN());
  if (keeps_text) column.text_codes.push_back(-1);
}

// A numeric column: the floats a CSV's cells parse to; NaN is a missing cell, a value no float holds is an error.
Result<void> fill_numbers(const InMemoryColumn& source, const std::string& source_name, bool keeps_text,
                          Column& column) {
  ColumnInterner interner(column);
  for (size_t row = 0; row < source.numbers.size(); ++row) {
    const double value = source.numbers[row];
    if (std::isnan(value)) {
      add_missing(column, keeps_text);
      continue;
    }
    if (!std::isfinite(static_cast<float>(value)))
      return make_error(ErrorKind::invalid_data, location(source_name, row, column.name) + ": value '" +
                                                     shortest_text(value) + "' is not a finite number");
    ++column.number_cells;
    column.numbers.push_back(static_cast<float>(value));
    if (keeps_text) column.text_codes.push_back(interner.intern(shortest_text(value)));
  }
  return {};
}

// A text column: each cell classified as a CSV cell is, keeping its text; text in a declared numeric column is an
// error, as it is when a CSV is read.
Result<void> fill_texts(const InMemoryColumn& source, const std::string& source_name, const TableLoadOptions& options,
                        Column& column) {
  const bool must_be_numeric = named_in(options.numeric_columns, column.name);
  ColumnInterner interner(column);
  for (size_t row = 0; row < source.texts.size(); ++row) {
    const std::optional<std::string>& cell = source.texts[row];
    const std::string_view trimmed = cell ? trim_blanks(*cell) : std::string_view();
    double number = 0;
    const CellKind kind = cell ? parse_cell(trimmed, options.missing_values, number) : CellKind::missing;
    if (kind == CellKind::missing) {
      add_missing(column, true);
      continue;
    }
    if (kind != CellKind::number && must_be_numeric)
      return make_error(ErrorKind::invalid_data, location(source_name, row, column.name) + ": value '" +
                                                     std::string(trimmed) + "' is not a number");
    if (kind == CellKind::number) {
      ++column.number_cells;
      column.numbers.push_back(static_cast<float>(number));
    } else {
      if (column.text_cells++ == 0) {
        column.first_text_line = static_cast<long long>(row);
        column.first_text_value = std::string(trimmed);
      }
      column.numbers.push_back(std::numeric_limits<float>::quiet_NaN());
    }
    column.text_codes.push_back(interner.intern(std::string(trimmed)));
  }
  return {};
}

// Every column named, no name twice, every column as long as the first, at least one row.
Result<size_t> check_shape(const std::vector<InMemoryColumn>& columns, const std::string& source_name) {
  if (columns.empty()) return make_error(ErrorKind::invalid_data, source_name + ": no columns");
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < columns.size(); ++i) {
    const InMemoryColumn& column = columns[i];
    if (trim_blanks(column.name).empty())
      return make_error(ErrorKind::invalid_data,
                        source_name + ": column " + std::to_string(i + 1) + " has an empty name");
    if (!seen.insert(column.name).second)
      return make_error(ErrorKind::invalid_data, source_name + ": duplicate column name '" + column.name + "'");
    if (column.row_count() != columns.front().row_count())
      return make_error(ErrorKind::invalid_data, source_name + ": column '" + column.name + "' has " +
                                                     std::to_string(column.row_count()) + " rows but column '" +
                                                     columns.front().name + "' has " +
                                                     std::to_string(columns.front().row_count()));
  }
  if (columns.front().row_count() == 0) return make_error(ErrorKind::invalid_data, source_name + ": no data rows");
  return columns.front().row_count();
}

}  // namespace

Result<Table> table_from_columns(const std::vector<InMemoryColumn>& columns, const std::string& source_name,
                                 const TableLoadOptions& options) {
  VGSALES_ASSIGN_OR_RETURN(const size_t rows, check_shape(columns, source_name));
  Table table;
  table.source = source_name;
  table.lines.resize(rows);
  for (size_t row = 0; row < rows; ++row) table.lines[row] = static_cast<long long>(row);
  for (const InMemoryColumn& source : columns) {
    Column column;
    column.name = source.name;
    column.numbers.reserve(rows);
    if (source.is_text) VGSALES_TRY(fill_texts(source, source_name, options, column));
    else VGSALES_TRY(fill_numbers(source, source_name, named_in(options.text_columns, source.name), column));
    table.columns.push_back(std::move(column));
  }
  return table;
}

}  // namespace vgsales
