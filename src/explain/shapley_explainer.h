// Feature attributions per raw column (Platform, Publisher, Year, not per one-hot input) of a model's final outputs in
// the target's units, against the average estimate over the model's background rows (background.csv): exact
// interventional Shapley values while 2^columns × background rows is within a limit, above it sampled Shapley
// (Štrumbelj and Kononenko 2014) with each value's standard error and a bound. Every coalition row goes through the
// Predictor's public predict path, so the attributions explain exactly what `predict` answers, and the attributions
// plus the baseline equal the estimate.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/background_rows.h"
#include "model/predictor.h"

namespace vgsales {

enum class AttributionMethod { exact, sampled };
// The one name table: "exact", "sampled".
const char* attribution_method_name(AttributionMethod method);

// The exact values' limit, as the issue and docs/concepts/explanations.md state it: 2^columns × background rows.
inline constexpr std::uint64_t kMaximumExactCoalitionRows = std::uint64_t{1} << 20;

struct ExplainSettings {
  std::uint64_t max_exact_coalition_rows = kMaximumExactCoalitionRows;
  // Rows sampled Shapley evaluates per instance (two per sampled marginal contribution).
  std::uint64_t sampled_coalition_rows = std::uint64_t{1} << 15;
  std::uint64_t seed = 0;
  // The probability that every column's sampled value lies within its error bound at once.
  double bound_confidence = 0.999;
};

// One output's attributions for one instance.
struct OutputAttribution {
  std::string output_name;              // "mean", "median"
  double baseline = 0;                  // the average estimate over the background rows
  double estimate = 0;                  // the instance's estimate: baseline + the attributions' sum
  std::vector<double> attributions;     // per feature, in the pipeline's order
  std::vector<double> standard_errors;  // per feature; 0 for exact values
  std::vector<double> error_bounds;     // per feature: |value - exact value| stays below it (see bound_confidence)
  double approximation_error = 0;       // root-sum-square of the standard errors; 0 for exact values
};

struct InstanceExplanation {
  AttributionMethod method = AttributionMethod::exact;
  std::vector<OutputAttribution> outputs;  // the mean, then the median for a model with an interval
};

class ShapleyExplainer {
 public:
  // Runs the background rows through the model once (their average is the baseline). Errors name background.csv's
  // row when a cell is bad for the model.
  static Result<ShapleyExplainer> create(std::shared_ptr<const Predictor> predictor, BackgroundRows background,
                                         ExplainSettings settings = {});

  const Predictor& predictor() const { return *predictor_; }
  const std::shared_ptr<const Predictor>& shared_predictor() const { return predictor_; }
  const BackgroundRows& background() const { return background_; }
  AttributionMethod method() const { return method_; }
  // The rows evaluated per instance: 2^columns × background rows (exact), or the sampling budget.
  std::uint64_t coalition_rows_per_instance() const;
  // "mean", and "median" for a model with an interval.
  const std::vector<std::string>& output_names() const { return output_names_; }
  const std::vector<double>& baselines() const { return baselines_; }

  // Each row of raw cells ([rows][features], the pipeline's order) explained. A bad cell's error starts with
  // `label(row)`, as predict's does.
  Result<std::vector<InstanceExplanation>> explain(std::span<const RawCell> cells, const RowLabel& label) const;

 private:
  ShapleyExplainer() = default;
  struct Values;  // model outputs for a batch of rows, per output
  Result<Values> evaluate(std::span<const RawCell> cells, const RowLabel& label) const;
  std::vector<std::vector<size_t>> differing_columns(std::span<const float> encoded) const;
  Result<Values> evaluate_games(std::span<const RawCell> row, const std::vector<std::vector<size_t>>& players,
                                const RowLabel& label) const;
  Result<InstanceExplanation> explain_exactly(std::span<const RawCell> row, const RowLabel& label) const;
  Result<InstanceExplanation> explain_by_sampling(std::span<const RawCell> row, size_t index,
                                                  const RowLabel& label) const;
  InstanceExplanation blank_explanation(AttributionMethod method) const;
  void number_background_values();

  std::shared_ptr<const Predictor> predictor_;
  BackgroundRows background_;
  ExplainSettings settings_;
  AttributionMethod method_ = AttributionMethod::exact;
  std::vector<std::string> output_names_;
  std::vector<double> baselines_;                       // per output
  std::vector<std::vector<double>> background_values_;  // per output, per background row
  std::vector<float> background_encoded_;               // [rows][encoded width]
  std::vector<std::uint32_t> value_ids_;                // [rows][features]: each cell's value id in its column
};

}  // namespace vgsales
