// One-pass CSV loading into typed columns.
#include "data/table.h"

#include <charconv>
#include <cmath>
#include <functional>
#include <memory>
#include <unordered_set>

#include "data/csv_reader.h"

namespace vgsales {
namespace fs = std::filesystem;

namespace {

std::string shortest_text(float value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// Interns text cells of one column; created on the first text cell, as most columns never need it.
struct TextInterner {
  std::unordered_map<std::string, std::int32_t> codes;
  std::int32_t intern(Column& column, std::string_view text) {
    auto found = codes.find(std::string(text));
    if (found != codes.end()) return found->second;
    const auto code = static_cast<std::int32_t>(column.dictionary.size());
    column.dictionary.emplace_back(text);
    codes.emplace(column.dictionary.back(), code);
    return code;
  }
};

std::string location(const std::string& file, long long line, const std::string& column) {
  return file + ":" + std::to_string(line) + ": column '" + column + "'";
}

}  // namespace

std::string Column::text_at(size_t row) const {
  if (!text_codes.empty()) return text_codes[row] < 0 ? std::string() : dictionary[text_codes[row]];
  return std::isnan(numbers[row]) ? std::string() : shortest_text(numbers[row]);
}

std::optional<size_t> Table::find(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return i;
  return std::nullopt;
}

namespace {

// Opens the CSV from its start: once for the load, once more for the rare exact re-read.
using CsvReaderFactory = std::function<Result<CsvReader>(char delimiter)>;

// Text columns whose earlier number cells were interned from re-printed floats ("007" became "7"): read the
// file once more and intern every cell of those columns exactly as written. Rare (a column that starts with
// numbers and turns to text later), so the common load stays one pass.
Result<void> reread_text_exactly(Table& table, const CsvReaderFactory& open_reader, const MissingValueSet& missing,
                                 const std::vector<size_t>& columns) {
  VGSALES_ASSIGN_OR_RETURN(CsvReader reader, open_reader(table.delimiter));
  std::vector<std::string> fields;
  VGSALES_ASSIGN_OR_RETURN(const bool has_header, reader.read_record(fields));
  (void)has_header;
  std::vector<TextInterner> interners(columns.size());
  for (size_t i : columns) {
    table.columns[i].dictionary.clear();
    table.columns[i].text_codes.clear();
  }
  for (size_t row = 0; row < table.row_count(); ++row) {
    VGSALES_ASSIGN_OR_RETURN(const bool more, reader.read_record(fields));
    if (!more || fields.size() != table.columns.size())
      return make_error(ErrorKind::io, table.source + ": the file changed while it was being read");
    for (size_t k = 0; k < columns.size(); ++k) {
      Column& column = table.columns[columns[k]];
      const std::string_view cell = trim_blanks(fields[columns[k]]);
      column.text_codes.push_back(missing.contains(cell) ? -1 : interners[k].intern(column, cell));
    }
  }
  return {};
}

// How one column's cells are read while loading.
struct ColumnReader {
  // Declared numeric: a text cell is an error right away.
  bool must_be_numeric = false;
  // Present once the column keeps its cells' text: from the first row for a declared text column, from its first
  // text cell otherwise.
  std::unique_ptr<TextInterner> interner;
};

// What each column list of TableLoadOptions asks of the columns it names (names absent from the header are ignored).
struct ColumnOption {
  std::vector<std::string> TableLoadOptions::*names;
  void (*apply)(ColumnReader& reader);
};
constexpr ColumnOption kColumnOptions[] = {
    {&TableLoadOptions::numeric_columns, [](ColumnReader& reader) { reader.must_be_numeric = true; }},
    // A text column keeps every cell's own text from the first row on.
    {&TableLoadOptions::text_columns, [](ColumnReader& reader) { reader.interner = std::make_unique<TextInterner>(); }},
};

// One trimmed cell of the row being read, with where it stands for messages.
struct CellSite {
  Column& column;
  ColumnReader& reader;
  std::string_view cell;
  long long line;
  size_t row;  // the row's index in the table
};

Table table_read_by(const CsvReader& reader) {
  Table table;
  table.source = reader.file_name();
  table.delimiter = reader.delimiter();
  table.delimiter_detected = reader.delimiter_detected();
  return table;
}

// The header row: one column per name, every name present and distinct.
Result<void> read_header(CsvReader& reader, std::vector<std::string>& fields, Table& table) {
  VGSALES_ASSIGN_OR_RETURN(const bool has_header, reader.read_record(fields));
  if (!has_header) return make_error(ErrorKind::invalid_data, table.source + ": empty file, expected a header row");
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string name(trim_blanks(fields[i]));
    if (name.empty())
      return make_error(ErrorKind::invalid_data,
                        table.source + ":1: column " + std::to_string(i + 1) + " has an empty name");
    if (!seen.insert(name).second)
      return make_error(ErrorKind::invalid_data, table.source + ":1: duplicate column name '" + name + "'");
    Column column;
    column.name = std::move(name);
    table.columns.push_back(std::move(column));
  }
  return {};
}

std::vector<ColumnReader> column_readers(const Table& table, const TableLoadOptions& options) {
  std::vector<ColumnReader> readers(table.columns.size());
  for (const ColumnOption& option : kColumnOptions)
    for (const auto& name : options.*option.names)
      if (auto index = table.find(name)) option.apply(readers[*index]);
  return readers;
}

Error cell_error(const Table& table, const CellSite& site, const char* problem) {
  return make_error(ErrorKind::invalid_data, location(table.source, site.line, site.column.name) + ": value '" +
                                                 std::string(site.cell) + "' " + problem);
}

void add_missing_cell(const CellSite& site) {
  ++site.column.missing_cells;
  site.column.numbers.push_back(std::numeric_limits<float>::quiet_NaN());
  if (site.reader.interner) site.column.text_codes.push_back(-1);
}

void add_number_cell(const CellSite& site, double number) {
  ++site.column.number_cells;
  site.column.numbers.push_back(static_cast<float>(number));
  if (site.reader.interner) site.column.text_codes.push_back(site.reader.interner->intern(site.column, site.cell));
}

// The column's first text cell when it had no interner: from now on it keeps its text; earlier rows get theirs
// re-printed for now (and read again exactly at the end when any of them was a number).
void start_keeping_text(const CellSite& site) {
  Column& column = site.column;
  site.reader.interner = std::make_unique<TextInterner>();
  column.text_codes.reserve(column.numbers.capacity());
  for (size_t r = 0; r < site.row; ++r) {
    const bool is_number = !std::isnan(column.numbers[r]);
    column.numbers_before_text = column.numbers_before_text || is_number;
    column.text_codes.push_back(is_number ? site.reader.interner->intern(column, shortest_text(column.numbers[r]))
                                          : -1);
  }
}

Result<void> add_text_cell(const Table& table, const CellSite& site) {
  Column& column = site.column;
  if (site.reader.must_be_numeric) return cell_error(table, site, "is not a number");
  if (column.text_cells++ == 0) {
    column.first_text_line = site.line;
    column.first_text_value = std::string(site.cell);
    if (!site.reader.interner) start_keeping_text(site);
  }
  column.numbers.push_back(std::numeric_limits<float>::quiet_NaN());
  column.text_codes.push_back(site.reader.interner->intern(column, site.cell));
  return {};
}

Result<void> add_non_finite_cell(const Table& table, const CellSite& site) {
  if (!site.reader.interner || site.reader.must_be_numeric) return cell_error(table, site, "is not a finite number");
  // In a text column "inf" is just a word.
  ++site.column.text_cells;
  site.column.numbers.push_back(std::numeric_limits<float>::quiet_NaN());
  site.column.text_codes.push_back(site.reader.interner->intern(site.column, site.cell));
  return {};
}

Result<void> add_cell(const Table& table, const CellSite& site, const MissingValueSet& missing) {
  double number = 0;
  switch (parse_cell(site.cell, missing, number)) {
    case CellKind::non_finite: return add_non_finite_cell(table, site);
    case CellKind::missing: add_missing_cell(site); return {};
    case CellKind::number: add_number_cell(site, number); return {};
    case CellKind::text: return add_text_cell(table, site);
  }
  return {};
}

Result<void> add_row(Table& table, std::vector<ColumnReader>& readers, const std::vector<std::string>& fields,
                     long long line, const MissingValueSet& missing) {
  const size_t width = table.columns.size();
  if (fields.size() != width)
    return make_error(ErrorKind::invalid_data, table.source + ":" + std::to_string(line) + ": expected " +
                                                   std::to_string(width) + " fields (as in the header" +
                                                   unless_comma_split_at(table.delimiter) + ") but found " +
                                                   std::to_string(fields.size()));
  const size_t row = table.lines.size();
  table.lines.push_back(line);
  for (size_t c = 0; c < width; ++c)
    VGSALES_TRY(add_cell(table, CellSite{table.columns[c], readers[c], trim_blanks(fields[c]), line, row}, missing));
  return {};
}

// Every record after the header, each a row; at least one.
Result<void> read_rows(CsvReader& reader, std::vector<std::string>& fields, std::vector<ColumnReader>& readers,
                       const MissingValueSet& missing, Table& table) {
  while (true) {
    VGSALES_ASSIGN_OR_RETURN(const bool more, reader.read_record(fields));
    if (!more) break;
    VGSALES_TRY(add_row(table, readers, fields, reader.record_line(), missing));
  }
  if (table.lines.empty()) return make_error(ErrorKind::invalid_data, table.source + ": no data rows after the header");
  return {};
}

Result<Table> load_table_from(const CsvReaderFactory& open_reader, const TableLoadOptions& options) {
  VGSALES_ASSIGN_OR_RETURN(CsvReader reader, open_reader(options.delimiter));
  Table table = table_read_by(reader);
  std::vector<std::string> fields;
  VGSALES_TRY(read_header(reader, fields, table));
  std::vector<ColumnReader> readers = column_readers(table, options);
  VGSALES_TRY(read_rows(reader, fields, readers, options.missing_values, table));
  std::vector<size_t> reread;
  for (size_t c = 0; c < table.columns.size(); ++c)
    if (table.columns[c].numbers_before_text) reread.push_back(c);
  if (!reread.empty()) VGSALES_TRY(reread_text_exactly(table, open_reader, options.missing_values, reread));
  return table;
}

}  // namespace

Result<Table> load_table(const fs::path& path, const TableLoadOptions& options) {
  return load_table_from([&path](char delimiter) { return CsvReader::open(path, delimiter); }, options);
}

Result<Table> load_table_from_bytes(std::string_view csv, const std::string& source_name,
                                    const TableLoadOptions& options) {
  return load_table_from([&](char delimiter) { return CsvReader::from_bytes(csv, source_name, delimiter); }, options);
}

Table select_rows(const Table& table, const std::vector<size_t>& rows) {
  Table selected;
  selected.source = table.source;
  selected.lines.reserve(rows.size());
  for (size_t row : rows) selected.lines.push_back(table.lines[row]);
  for (const Column& column : table.columns) {
    Column copy;
    copy.name = column.name;
    copy.dictionary = column.dictionary;
    copy.first_text_line = column.first_text_line;
    copy.first_text_value = column.first_text_value;
    copy.numbers_before_text = column.numbers_before_text;
    copy.numbers.reserve(rows.size());
    for (size_t row : rows) copy.numbers.push_back(column.numbers[row]);
    if (!column.text_codes.empty()) {
      copy.text_codes.reserve(rows.size());
      for (size_t row : rows) copy.text_codes.push_back(column.text_codes[row]);
    }
    for (size_t row : rows) {
      if (column.is_missing(row)) ++copy.missing_cells;
      else if (!std::isnan(column.numbers[row])) ++copy.number_cells;
      else ++copy.text_cells;
    }
    selected.columns.push_back(std::move(copy));
  }
  return selected;
}

void keep_rows(Table& table, const std::vector<size_t>& rows) {
  // Row rows[i] >= i moves down to i, so compacting front to back never overwrites a row still to be read.
  for (size_t i = 0; i < rows.size(); ++i) table.lines[i] = table.lines[rows[i]];
  table.lines.resize(rows.size());
  for (Column& column : table.columns) {
    for (size_t i = 0; i < rows.size(); ++i) column.numbers[i] = column.numbers[rows[i]];
    column.numbers.resize(rows.size());
    if (!column.text_codes.empty()) {
      for (size_t i = 0; i < rows.size(); ++i) column.text_codes[i] = column.text_codes[rows[i]];
      column.text_codes.resize(rows.size());
    }
    column.missing_cells = column.number_cells = column.text_cells = 0;
    for (size_t row = 0; row < rows.size(); ++row) {
      if (column.is_missing(row)) ++column.missing_cells;
      else if (!std::isnan(column.numbers[row])) ++column.number_cells;
      else ++column.text_cells;
    }
  }
}

}  // namespace vgsales
