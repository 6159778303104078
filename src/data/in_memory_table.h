// A table handed over in memory, column by column (a pandas DataFrame's or a numpy array's, from the Python
// package), loaded into the same typed columns a CSV gives, without writing a file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/table.h"

namespace vgsales {

// One column as it is held in memory: numbers (NaN where the cell is missing), or text cells (nullopt where missing)
// that are read like a CSV's cells: trimmed, a missing-value spelling is missing, a number is also a number.
struct InMemoryColumn {
  std::string name;
  bool is_text = false;
  std::vector<double> numbers;                    // !is_text: one per row
  std::vector<std::optional<std::string>> texts;  // is_text: one per row
  size_t row_count() const { return is_text ? texts.size() : numbers.size(); }
};

// The columns as load_table would have read them from a CSV holding the same cells: numbers stored as the same
// floats, text columns keeping each cell's exact (trimmed) text from the first row on, as a --categorical column
// does. Row i is "source_name:i" in messages (its `lines` entry is i, the row's 0-based position). A numeric column
// named in options.text_columns keeps its numbers' shortest text (3.0 is "3"). Errors name the source, the row and
// the column: a non-finite number, text in a column of options.numeric_columns, unequal lengths, bad names.
Result<Table> table_from_columns(const std::vector<InMemoryColumn>& columns, const std::string& source_name,
                                 const TableLoadOptions& options = {});

}  // namespace vgsales
