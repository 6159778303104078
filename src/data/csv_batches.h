// A CSV file read as a header and then batches of records, each record's fields exactly as written (quotes
// removed): what `predict` and `evaluate` stream, locally or to a server, so a file of any size runs in flat memory.
#pragma once

#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/csv_dialect.h"

namespace vgsales {

struct CsvRecordBatch {
  std::span<const std::vector<std::string>> records;
  std::span<const long long> lines;  // the file line where each record starts
};

struct CsvBatchHandlers {
  // Called first when the separator was detected from the header line and is not a comma (to tell the user).
  std::function<void(char delimiter)> on_detected_delimiter;
  // The header's column names, trimmed; called once before any batch.
  std::function<Result<void>(const std::vector<std::string>& names)> on_header;
  std::function<Result<void>(const CsvRecordBatch& batch)> on_batch;
};

// Reads `path` in batches of up to `batch_rows` records; every record must have the header's field count. Returns
// the number of records. Errors name the file and line. `delimiter` as for CsvReader::open.
Result<long long> read_csv_in_batches(const std::filesystem::path& path, size_t batch_rows,
                                      const CsvBatchHandlers& handlers, char delimiter = kDetectDelimiter);

}  // namespace vgsales
