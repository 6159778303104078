// Fuzzes the CSV reader with type inference: any bytes as a CSV file through load_table_from_bytes, then what
// train does with a table (infer_schema with the last column as target, encode_features, read_target,
// describe_schema). Every input must end in a value or an error, never a crash or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data/dataset_schema.h"
#include "data/table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vgsales;
  const std::string_view csv(reinterpret_cast<const char*>(data), size);
  Result<Table> table = load_table_from_bytes(csv, "fuzz.csv");
  if (!table.ok()) return 0;
  for (const Column& column : table->columns) {
    for (std::size_t row = 0; row < table->row_count(); ++row) (void)column.text_at(row);
  }
  SchemaOptions options;
  options.target = table->columns.back().name;
  options.max_categories = 4;  // small, so the "other" bucket is reached
  Result<DatasetSchema> schema = infer_schema(*table, options);
  if (!schema.ok()) return 0;
  (void)describe_schema(*schema);
  (void)encode_features(*table, *schema);
  (void)read_target(*table, schema->target);
  return 0;
}
