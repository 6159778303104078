// Batches of CSV records, reusing every field's storage from batch to batch.
#include "data/csv_batches.h"

#include <fmt/format.h>

#include "data/csv_reader.h"

namespace vgsales {

Result<long long> read_csv_in_batches(const std::filesystem::path& path, size_t batch_rows,
                                      const CsvBatchHandlers& handlers, char delimiter) {
  const std::string source = path.string();
  VGSALES_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path, delimiter));
  if (reader.delimiter_detected() && reader.delimiter() != ',' && handlers.on_detected_delimiter)
    handlers.on_detected_delimiter(reader.delimiter());
  std::vector<std::string> names;
  VGSALES_ASSIGN_OR_RETURN(const bool has_header, reader.read_record(names));
  if (!has_header) return make_error(ErrorKind::invalid_data, source + ": empty file, expected a header row");
  for (auto& name : names) name = std::string(trim_blanks(name));
  if (handlers.on_header) VGSALES_TRY(handlers.on_header(names));

  std::vector<std::vector<std::string>> records(batch_rows);
  std::vector<long long> lines(batch_rows);
  size_t filled = 0;
  long long total = 0;
  auto flush = [&]() -> Result<void> {
    if (filled == 0) return {};
    if (handlers.on_batch)
      VGSALES_TRY(handlers.on_batch(CsvRecordBatch{std::span(records).first(filled), std::span(lines).first(filled)}));
    total += static_cast<long long>(filled);
    filled = 0;
    return {};
  };
  while (true) {
    VGSALES_ASSIGN_OR_RETURN(const bool more, reader.read_record(records[filled]));
    if (!more) break;
    if (records[filled].size() != names.size())
      return make_error(ErrorKind::invalid_data,
                        fmt::format("{}:{}: expected {} fields (as in the header{}) but found {}", source,
                                    reader.record_line(), names.size(), unless_comma_split_at(reader.delimiter()),
                                    records[filled].size()));
    lines[filled] = reader.record_line();
    if (++filled == batch_rows) VGSALES_TRY(flush());
  }
  VGSALES_TRY(flush());
  if (total == 0) return make_error(ErrorKind::invalid_data, source + ": no data rows after the header");
  return total;
}

}  // namespace vgsales
