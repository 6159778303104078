// Global importance over many explained rows: each column's mean |attribution| of the mean estimate, and how the
// estimate moves with the column's values (the mean attribution per value, or per range of a numeric column).
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "explain/shapley_explainer.h"
#include "model/training_observer.h"

namespace vgsales {

// The rows whose cell is one value (a category, a boolean) or falls in one range of a numeric column.
struct ValueEffect {
  std::string value;  // "Nintendo", "1", "40 to 55", "missing"
  size_t rows = 0;
  double mean_attribution = 0;  // how far these rows' estimates move from the baseline through this column
};

struct ColumnImportance {
  std::string column;
  double mean_absolute_attribution = 0;
  std::vector<ValueEffect> effects;  // categories by row count (at most kMaximumEffects), ranges in order
};

struct GlobalImportance {
  std::string output_name = "mean";
  size_t rows = 0;
  double baseline = 0;
  std::vector<ColumnImportance> columns;  // most important first
};

inline constexpr size_t kMaximumEffects = 12;
// A numeric column's rows fall into this many ranges of equal row counts.
inline constexpr size_t kNumericRanges = 5;

// Summarises `explanations` of the rows in `cells` ([rows][features], the pipeline's order).
GlobalImportance summarize_global_importance(const FeaturePipeline& pipeline, std::span<const RawCell> cells,
                                             std::span<const InstanceExplanation> explanations);

// A Markdown section ("## What moves the estimate") with a table of the columns, most important first, amounts in the
// target's units.
std::string global_importance_markdown(const GlobalImportance& summary, const TargetUnits& units);

// The global importance of a saved model over its own background rows, as training records it in `outcome` (for
// TensorBoard and the model card); nothing for a model without background.csv (--background-rows 0). Sampled values
// use a smaller budget here than `explain` does: this is a summary, computed at every training run's end.
void describe_global_importance(const std::filesystem::path& model_dir, TrainingOutcome& outcome);

}  // namespace vgsales
