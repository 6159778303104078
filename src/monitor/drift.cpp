// The drift figures, the counter of new rows' bins and the report's two forms.
#include "monitor/drift.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace vgsales::monitor {

namespace {

std::vector<double> normalised(std::span<const double> counts) {
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  std::vector<double> frequencies(counts.begin(), counts.end());
  for (double& f : frequencies) f /= total;
  return frequencies;
}

// scipy.special.rel_entr: x ln(x / y), 0 where x is 0.
double relative_entropy(double x, double y) { return x > 0 ? x * std::log(x / y) : 0.0; }

}  // namespace

DriftFigures drift_figures(std::span<const double> training, std::span<const double> observed) {
  const std::vector<double> t = normalised(training);
  const std::vector<double> o = normalised(observed);
  DriftFigures figures;
  double divergence = 0;  // natural-log Jensen-Shannon divergence, times 2
  for (size_t i = 0; i < t.size(); ++i) {
    const double middle = (t[i] + o[i]) / 2;
    divergence += relative_entropy(t[i], middle) + relative_entropy(o[i], middle);
    figures.l_infinity = std::max(figures.l_infinity, std::abs(t[i] - o[i]));
    const double te = t[i] > 0 ? t[i] : kPsiEmptyBinFrequency;
    const double oe = o[i] > 0 ? o[i] : kPsiEmptyBinFrequency;
    figures.psi += (oe - te) * std::log(oe / te);
  }
  // As scipy: sqrt(divergence / ln 2 / 2); a rounding below zero for equal histograms is 0.
  figures.jensen_shannon = std::sqrt(std::max(0.0, divergence / std::log(2.0) / 2.0));
  return figures;
}

DriftCounter::DriftCounter(const TrainingProfile& profile, MissingValueSet missing_values)
    : profile_(profile), missing_(std::move(missing_values)), bins_(profile.columns.size()) {
  clear();
}

void DriftCounter::clear() {
  counts_.clear();
  for (const auto& column : profile_.columns) counts_.emplace_back(column.bin_count(), 0);
  rows_ = 0;
}

Result<void> DriftCounter::add_row(std::span<const RawCell> cells) {
  if (cells.size() != profile_.columns.size())
    return make_error(ErrorKind::invalid_data, fmt::format("a row of {} cells for a profile of {} columns",
                                                           cells.size(), profile_.columns.size()));
  for (size_t c = 0; c < cells.size(); ++c) {
    VGSALES_ASSIGN_OR_RETURN(bins_[c], profile_bin(profile_.columns[c], cells[c], missing_));
  }
  for (size_t c = 0; c < cells.size(); ++c) ++counts_[c][bins_[c]];
  ++rows_;
  return {};
}

bool DriftReport::any_drift() const {
  return std::any_of(columns.begin(), columns.end(), [](const ColumnDrift& column) { return column.drift; });
}

Result<DriftReport> assess_drift(const DriftCounter& counter, double threshold) {
  if (counter.rows() == 0) return make_error(ErrorKind::invalid_data, "no rows to compare with the training profile");
  const TrainingProfile& profile = counter.profile();
  DriftReport report;
  report.rows = counter.rows();
  report.threshold = threshold;
  for (size_t c = 0; c < profile.columns.size(); ++c) {
    const ColumnProfile& column = profile.columns[c];
    const std::vector<double> training(column.counts.begin(), column.counts.end());
    const std::vector<double> observed(counter.counts()[c].begin(), counter.counts()[c].end());
    if (std::accumulate(training.begin(), training.end(), 0.0) <= 0)
      return make_error(ErrorKind::invalid_data, "the training profile of '" + column.name + "' counts no rows");
    ColumnDrift drift{column.name, column.kind, drift_figures(training, observed), 0, false};
    drift.decisive = column.kind == ProfileKind::numeric ? drift.figures.jensen_shannon : drift.figures.l_infinity;
    drift.drift = drift.decisive > threshold;
    report.columns.push_back(std::move(drift));
  }
  return report;
}

std::string drift_report_json(const DriftReport& report) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("features");
  w.StartObject();
  for (const ColumnDrift& column : report.columns) {
    w.Key(column.name.c_str(), static_cast<rapidjson::SizeType>(column.name.size()));
    w.StartObject();
    w.Key("jensen_shannon"), w.Double(column.figures.jensen_shannon);
    w.Key("l_infinity"), w.Double(column.figures.l_infinity);
    w.Key("psi"), w.Double(column.figures.psi);
    w.Key("drift"), w.Bool(column.drift);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

std::string drift_report_table(const DriftReport& report) {
  size_t width = 7;  // "feature"
  for (const ColumnDrift& column : report.columns) width = std::max(width, column.name.size());
  std::string text = fmt::format("{:<{}}  {:<11}  {:>14}  {:>10}  {:>8}  {}\n", "feature", width, "kind",
                                 "jensen_shannon", "l_infinity", "psi", "drift");
  for (const ColumnDrift& column : report.columns) {
    const char* verdict = column.drift ? "DRIFT" : "no";
    text += fmt::format("{:<{}}  {:<11}  {:>14.4f}  {:>10.4f}  {:>8.4f}  {}\n", column.name, width,
                        profile_kind_name(column.kind), column.figures.jensen_shannon, column.figures.l_infinity,
                        column.figures.psi, verdict);
  }
  text += fmt::format("{} rows compared; decision: Jensen-Shannon (numeric) or L-infinity (categorical) above {:g}\n",
                      report.rows, report.threshold);
  return text;
}

}  // namespace vgsales::monitor
