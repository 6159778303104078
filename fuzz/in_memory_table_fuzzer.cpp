// Fuzzes the in-memory table (data/in_memory_table.h, what the Python package's fit hands to training): bytes as
// columns, then what train does with the table, as csv_table_fuzzer does for a CSV. Byte 0 gives the column count
// (1-4) and byte 1 which columns hold text (bit k) and which are declared numeric or text (bits 4-7: numeric for an
// even column, text for an odd one); the rest are cells separated by '\n', cell i in column i % count. A text cell
// "\x01" is missing (Python's None); a number cell of exactly 8 bytes is a double's bits (NaN, infinities, values
// no float holds), any other its text read by strtod. Every input must end in a value or an error.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/feature_pipeline.h"
#include "data/in_memory_table.h"

namespace {

double number_cell(std::string_view cell) {
  double value = 0;
  if (cell.size() == sizeof value) {
    std::memcpy(&value, cell.data(), sizeof value);
    return value;
  }
  const std::string text(cell);
  return std::strtod(text.c_str(), nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vgsales;
  if (size < 2) return 0;
  const std::size_t count = 1 + data[0] % 4;
  const std::uint8_t kinds = data[1];
  std::vector<InMemoryColumn> columns(count);
  TableLoadOptions options;
  for (std::size_t k = 0; k < count; ++k) {
    columns[k].name = "c" + std::to_string(k);
    columns[k].is_text = (kinds >> k) & 1;
    if ((kinds >> (4 + k)) & 1) (k % 2 ? options.text_columns : options.numeric_columns).push_back(columns[k].name);
  }
  const std::string_view cells(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::size_t start = 0;
  for (std::size_t i = 0; start <= cells.size(); ++i) {
    const std::size_t end = std::min(cells.find('\n', start), cells.size());
    const std::string_view cell = cells.substr(start, end - start);
    InMemoryColumn& column = columns[i % count];
    if (column.is_text) column.texts.push_back(cell == "\x01" ? std::nullopt : std::optional<std::string>(cell));
    else column.numbers.push_back(number_cell(cell));
    start = end + 1;
  }
  Result<Table> table = table_from_columns(columns, "X", options);
  if (!table.ok()) return 0;
  for (const Column& column : table->columns)
    for (std::size_t row = 0; row < table->row_count(); ++row) (void)column.text_at(row);
  PipelineFitOptions fit;
  fit.target = table->columns.back().name;
  fit.max_categories = 4;
  Result<FeaturePipeline> pipeline = fit_feature_encoding(*table, fit);
  if (!pipeline.ok()) return 0;
  Result<EncodedRows> encoded = pipeline->encode_table(*table);
  Result<std::vector<float>> target = read_target(*table, fit.target);
  if (!encoded.ok() || !target.ok()) return 0;
  if (fit_scaling(*pipeline, *encoded, *target).ok()) (void)pipeline->encode_table(*table);
  return 0;
}
