// Drift of new rows against the training profile, as Vertex AI Model Monitoring measures it: per column, the
// Jensen-Shannon distance and the L-infinity distance of the bin frequencies and the population stability index,
// and the decision (Jensen-Shannon for numeric columns, L-infinity for categorical ones, against one threshold).
// Pure functions and a counter; no files (docs/monitoring.md).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/cell_parsing.h"
#include "data/feature_pipeline.h"
#include "data/training_profile.h"

namespace vgsales::monitor {

// Vertex AI's default alert threshold, for both distances.
inline constexpr double kDefaultDriftThreshold = 0.3;
// What an empty bin's frequency counts as in the PSI, whose logarithm an empty bin would make infinite.
inline constexpr double kPsiEmptyBinFrequency = 1e-4;

struct DriftFigures {
  // scipy.spatial.distance.jensenshannon(training, observed, base=2): the square root of the base-2 Jensen-Shannon
  // divergence, 0 (same) to 1 (disjoint).
  double jensen_shannon = 0;
  double l_infinity = 0;  // the largest difference of one bin's frequency, 0 to 1
  double psi = 0;         // sum (o - t) ln(o / t), an empty bin's frequency taken as kPsiEmptyBinFrequency
};

// The figures for two histograms over the same bins (counts or frequencies; each is normalised to sum 1). Both must
// have the same length and a positive sum.
DriftFigures drift_figures(std::span<const double> training, std::span<const double> observed);

// Bin counts of new rows, one histogram per profile column.
class DriftCounter {
 public:
  DriftCounter(const TrainingProfile& profile, MissingValueSet missing_values);
  // One row, its cells in the profile's column order. Errors name the column and the value (no count changes).
  Result<void> add_row(std::span<const RawCell> cells);
  long long rows() const { return rows_; }
  const std::vector<std::vector<long long>>& counts() const { return counts_; }
  const TrainingProfile& profile() const { return profile_; }
  void clear();

 private:
  TrainingProfile profile_;
  MissingValueSet missing_;
  std::vector<std::vector<long long>> counts_;
  std::vector<size_t> bins_;  // scratch for one row
  long long rows_ = 0;
};

struct ColumnDrift {
  std::string name;
  ProfileKind kind = ProfileKind::numeric;
  DriftFigures figures;
  double decisive = 0;  // the figure the decision reads: jensen_shannon (numeric) or l_infinity (categorical)
  bool drift = false;   // decisive > threshold
};

struct DriftReport {
  long long rows = 0;  // new rows counted
  double threshold = kDefaultDriftThreshold;
  std::vector<ColumnDrift> columns;
  bool any_drift() const;
};

// The report for the rows `counter` holds; an error when it holds none.
Result<DriftReport> assess_drift(const DriftCounter& counter, double threshold);

// {"features": {COLUMN: {"jensen_shannon": x, "l_infinity": x, "psi": x, "drift": true|false}, ...}}
std::string drift_report_json(const DriftReport& report);
// The report as a console table: column, kind, the three figures, and DRIFT where the decisive figure crosses.
std::string drift_report_table(const DriftReport& report);

}  // namespace vgsales::monitor
