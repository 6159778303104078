// Fuzzes the CSV reader with type inference: any bytes as a CSV file through load_table_from_bytes, then what
// train does with a table (fit_feature_encoding with the last column as target and a small vocabulary cap,
// describe_features, encode_table, read_target, fit_scaling) and what predict does with it (encode_table again with
// the fitted pipeline). Every input must end in a value or an error, never a crash or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data/feature_pipeline.h"
#include "data/table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vgsales;
  const std::string_view csv(reinterpret_cast<const char*>(data), size);
  Result<Table> table = load_table_from_bytes(csv, "fuzz.csv");
  if (!table.ok() || table->columns.empty()) return 0;
  for (const Column& column : table->columns) {
    for (std::size_t row = 0; row < table->row_count(); ++row) (void)column.text_at(row);
  }
  PipelineFitOptions options;
  options.target = table->columns.back().name;
  options.max_categories = 4;  // small, so the "other" bucket is reached
  Result<FeaturePipeline> pipeline = fit_feature_encoding(*table, options);
  if (!pipeline.ok()) return 0;
  (void)describe_features(*pipeline);
  Result<EncodedRows> encoded = pipeline->encode_table(*table);
  Result<std::vector<float>> target = read_target(*table, options.target);
  if (!encoded.ok() || !target.ok()) return 0;
  if (fit_scaling(*pipeline, *encoded, *target).ok()) (void)pipeline->encode_table(*table);
  return 0;
}
