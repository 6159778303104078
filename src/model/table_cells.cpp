// Table -> FieldValue cells.
#include "model/table_cells.h"

#include <cmath>

#include "data/dataset_schema.h"

namespace vgsales {

Result<std::vector<FieldValue>> table_cells(const Table& table, const ModelSignature& signature) {
  const size_t width = signature.features.size();
  const size_t rows = table.row_count();
  std::vector<FieldValue> cells(rows * width);
  for (size_t f = 0; f < width; ++f) {
    const auto& feature = signature.features[f];
    const auto index = table.find(feature.name);
    if (!index) return make_error(ErrorKind::invalid_data, table.source + ": missing column '" + feature.name + "'");
    const Column& column = table.columns[*index];
    if (feature.kind != FeatureKind::categorical && column.has_text()) return non_numeric_cell_error(table, column);
    for (size_t r = 0; r < rows; ++r) {
      FieldValue& cell = cells[r * width + f];
      if (column.is_missing(r)) continue;
      if (feature.kind == FeatureKind::categorical) cell = column.text_at(r);
      else cell = static_cast<double>(column.numbers[r]);
    }
  }
  return cells;
}

std::vector<std::string> absent_features(const Table& table, const ModelSignature& signature) {
  std::vector<std::string> absent;
  for (const auto& feature : signature.features)
    if (!table.find(feature.name)) absent.push_back(feature.name);
  return absent;
}

std::vector<std::string> unused_columns(const Table& table, const ModelSignature& signature) {
  std::vector<std::string> unused;
  for (const auto& column : table.columns) {
    if (column.name == signature.target_name) continue;
    bool used = false;
    for (const auto& feature : signature.features) used = used || feature.name == column.name;
    if (!used) unused.push_back(column.name);
  }
  return unused;
}

}  // namespace vgsales
