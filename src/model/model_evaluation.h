// Evaluating and applying a saved model to a CSV file: the library side of `evaluate` and `predict`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/table.h"
#include "model/predictor.h"
#include "model/training_observer.h"

namespace vgsales {

struct TablePredictions {
  Table table;                       // the input rows as read
  std::vector<float> predictions;    // one per row, target units
  std::vector<std::string> ignored_columns;  // present in the file, unused by the model
  long long unseen_categories = 0;
};

// Reads `input` and predicts every row; columns matched by name in any order; missing features are an error.
Result<TablePredictions> predict_table(const Predictor& predictor, const std::filesystem::path& input,
                                       const std::vector<std::string>& na_values = {});

// Predicts `data` and compares with its target column: MSE, RMSE, MAE, MAPE, R² in target units.
Result<SplitMetrics> evaluate_table(const Predictor& predictor, const std::filesystem::path& data,
                                    const std::vector<std::string>& na_values = {});

// Parses "critic_rating=4.5,is_action=1,..." into one row of cells in the signature's order.
Result<std::vector<FieldValue>> parse_row_assignment(const std::string& text, const ModelSignature& signature);

}  // namespace vgsales
