// Fuzzes the prediction log's line reader (what `vgsales monitor --data LOG_DIR` reads): any bytes as one line.
// What it accepts must re-encode to a line that decodes to the same row.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "monitor/prediction_log_record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vgsales::monitor;
  const std::string line(reinterpret_cast<const char*>(data), size);
  const auto record = decode_prediction_log_line(line, "predictions.jsonl:1");
  if (!record.ok()) return 0;
  std::vector<std::string> names;
  std::vector<vgsales::RawCell> cells;
  for (const auto& [name, cell] : record->row) names.push_back(name), cells.push_back(cell);
  const std::string encoded =
      encode_prediction_log_line(record->time, record->model_version, names, cells, record->answer);
  const auto again = decode_prediction_log_line(encoded, "again");
  if (!again.ok() || again->row.size() != record->row.size()) std::abort();
  for (size_t i = 0; i < cells.size(); ++i)
    if (again->row[i].second.kind != record->row[i].second.kind ||
        again->row[i].second.text != record->row[i].second.text)
      std::abort();
  return 0;
}
