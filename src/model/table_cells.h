// Adapter from a loaded CSV table to the Predictor's raw cells, by feature name.
#pragma once

#include <vector>

#include "common/result.h"
#include "data/table.h"
#include "model/predictor.h"

namespace vgsales {

// Cells row-major [rows][signature features]: numbers for numeric features (a text cell there is an
// error naming file, line and column), text for categorical ones, monostate where missing.
Result<std::vector<FieldValue>> table_cells(const Table& table, const ModelSignature& signature);

// Feature columns the table lacks, and columns it has that the model does not use (target excluded).
std::vector<std::string> absent_features(const Table& table, const ModelSignature& signature);
std::vector<std::string> unused_columns(const Table& table, const ModelSignature& signature);

}  // namespace vgsales
