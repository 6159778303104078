// Applying a saved model to a CSV file or a typed-in row: the library side of `predict` and `evaluate`. Files are
// streamed record by record, so their size is bounded only by the disk, and every cell is seen exactly as written.
#pragma once

#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/csv_dialect.h"
#include "model/predictor.h"
#include "model/training_observer.h"

namespace vgsales {

struct CsvHeader {
  std::vector<std::string> names;            // the header's column names
  std::vector<std::string> ignored_columns;  // present in the file, unused by the model (the target excluded)
  char detected_delimiter = 0;  // the separator when it was detected and is not a comma (for a notice), else 0
};

// One batch of records, each with its fields exactly as read (quotes removed, nothing else changed).
struct CsvPredictionBatch {
  std::span<const std::vector<std::string>> records;
  std::span<const long long> lines;  // the file line where each record starts
  const Predictions& predictions;    // the mean, and the median and interval when asked for
};

struct CsvPredictionSummary {
  long long rows = 0;
  long long unseen_categories = 0;
};

struct CsvPredictionHandlers {
  std::function<Result<void>(const CsvHeader&)> on_header;          // once, before any batch
  std::function<Result<void>(const CsvPredictionBatch&)> on_batch;  // in file order
};

// Reads `input` (a header row, then one game per record; columns matched by name in any order), and predicts every
// record, with the median and interval when `with_interval`. `extra_missing` adds spellings of a missing value to
// the model's own; `delimiter` as for CsvReader::open. Errors name file, line and column.
Result<CsvPredictionSummary> predict_csv(const Predictor& predictor, const std::filesystem::path& input,
                                         const std::vector<std::string>& extra_missing,
                                         const CsvPredictionHandlers& handlers, char delimiter = kDetectDelimiter,
                                         bool with_interval = false);

struct CsvEvaluation {
  SplitMetrics metrics;
  CsvHeader header;
  long long unseen_categories = 0;
};
// Predicts `data` and compares with its target column: MSE, RMSE, MAE, MAPE, R² in the target's units, and for a
// model with an interval the median's MAE and the interval's coverage and mean width.
Result<CsvEvaluation> evaluate_csv(const Predictor& predictor, const std::filesystem::path& data,
                                   const std::vector<std::string>& extra_missing, char delimiter = kDetectDelimiter);

// Parses --row: "critic_rating=4.5,is_action=1,Publisher=\"Take-Two Interactive, Inc.\"" into one cell text per
// feature, in the pipeline's order. A value may be double-quoted (a doubled quote inside stands for one); an empty
// value is missing. Errors name the part at fault and, for an unknown name, the closest feature.
Result<std::vector<std::string>> parse_row_assignment(const std::string& text, const FeaturePipeline& pipeline);

}  // namespace vgsales
