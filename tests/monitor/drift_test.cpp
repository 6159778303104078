// The drift figures against scipy.spatial.distance.jensenshannon (base 2) and a PSI computed by hand, the decision
// rule (Jensen-Shannon for numeric columns, L-infinity for categorical ones), and graded shifts of one share.
#include "monitor/drift.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "support/test_support.h"

namespace vgsales::monitor {
namespace {

using Histogram = std::vector<double>;

// scipy's figure for each pair, printed one per line with 17 digits.
std::vector<double> scipy_jensen_shannon(const std::vector<std::pair<Histogram, Histogram>>& pairs) {
  std::string script = "from scipy.spatial.distance import jensenshannon\n";
  for (const auto& [p, q] : pairs)
    script +=
        fmt::format("print(repr(float(jensenshannon([{}], [{}], base=2))))\n", fmt::join(p, ", "), fmt::join(q, ", "));
  testing::TemporaryDirectory dir;
  const auto file = testing::write_text_file(dir / "js.py", script);
  const auto run = testing::run_command(testing::shell_quote(VGSALES_DRIFT_PYTHON) + " " + file.string());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::vector<double> values;
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);) values.push_back(std::stod(line));
  return values;
}

TEST(Drift, JensenShannonEqualsScipys) {
  if (!std::filesystem::exists(VGSALES_DRIFT_PYTHON)) {
    if (std::getenv("CI")) FAIL() << "no drift checker: scripts/install-drift-checker.sh";
    GTEST_SKIP() << "no drift checker environment: run scripts/install-drift-checker.sh";
  }
  const std::vector<std::pair<Histogram, Histogram>> pairs{
      {{1, 2, 3, 4}, {1, 2, 3, 4}},        // equal: 0
      {{10, 0, 0}, {0, 0, 5}},             // disjoint: 1
      {{5, 3, 2, 0, 1}, {1, 1, 1, 1, 1}},  // an empty training bin
      {{0.1, 0.2, 0.7}, {0.3, 0.3, 0.4}},  // frequencies
      {{1434, 866, 859, 582, 0}, {10, 20, 30, 40, 50}},
      {{1, 1e-9, 3}, {2, 5, 1e-12}},  // tiny shares
  };
  const std::vector<double> expected = scipy_jensen_shannon(pairs);
  ASSERT_EQ(expected.size(), pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i)
    EXPECT_NEAR(drift_figures(pairs[i].first, pairs[i].second).jensen_shannon, expected[i], 1e-9) << "pair " << i;
  EXPECT_NEAR(expected[1], 1.0, 1e-12);
}

TEST(Drift, PsiAndLInfinityByHand) {
  // Training 50/30/20/0 %, new 40/30/10/20 %: the empty training bin counts as 1e-4.
  const DriftFigures f = drift_figures(Histogram{5, 3, 2, 0}, Histogram{4, 3, 1, 2});
  const double psi = (0.4 - 0.5) * std::log(0.4 / 0.5) + 0 + (0.1 - 0.2) * std::log(0.1 / 0.2) +
                     (0.2 - 1e-4) * std::log(0.2 / 1e-4);
  EXPECT_NEAR(f.psi, psi, 1e-9);
  EXPECT_NEAR(f.l_infinity, 0.2, 1e-12);
  const DriftFigures same = drift_figures(Histogram{1, 0, 2}, Histogram{2, 0, 4});
  EXPECT_NEAR(same.psi, 0.0, 1e-12);
  EXPECT_NEAR(same.jensen_shannon, 0.0, 1e-12);
  EXPECT_NEAR(same.l_infinity, 0.0, 1e-12);
}

TrainingProfile one_category_profile() {
  // One categorical column: a 50 %, b 30 %, c 20 %, no other, no missing (1,000 training rows).
  TrainingProfile profile;
  profile.rows = 1000;
  profile.columns.push_back({"kind", ProfileKind::categorical, {}, {"a", "b", "c"}, {500, 300, 200, 0, 0}});
  return profile;
}

// `rows` new rows where a's share has moved by `shift` (taken from b, then c).
DriftReport shifted_report(double shift, double threshold = kDefaultDriftThreshold) {
  DriftCounter counter(one_category_profile(), MissingValueSet{});
  const long long rows = 1000;
  const auto a = static_cast<long long>(std::llround((0.5 + shift) * rows));
  const auto b = std::max(0LL, 300 - (a - 500));
  for (long long i = 0; i < rows; ++i) {
    const char* value = i < a ? "a" : i < a + b ? "b" : "c";
    const RawCell cell = RawCell::of_text(value);
    EXPECT_TRUE(counter.add_row(std::span<const RawCell>(&cell, 1)).ok());
  }
  auto report = assess_drift(counter, threshold);
  EXPECT_TRUE(report.ok());
  return *report;
}

TEST(Drift, GradedShiftsOfOneShareFlagAboveTheThreshold) {
  for (double shift : {0.0, 0.1, 0.25, 0.35, 0.45}) {
    const DriftReport report = shifted_report(shift);
    EXPECT_NEAR(report.columns[0].figures.l_infinity, shift, 1e-12);
    EXPECT_EQ(report.columns[0].drift, shift > 0.3) << "shift " << shift;
    EXPECT_EQ(report.any_drift(), shift > 0.3);
  }
  EXPECT_TRUE(shifted_report(0.25, 0.2).any_drift());  // the threshold is the flag's
}

TEST(Drift, NumericColumnsDecideByJensenShannon) {
  TrainingProfile profile;
  ColumnProfile year{"Year", ProfileKind::numeric, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {}, {}};
  year.counts.assign(11, 10);
  year.counts.back() = 0;
  profile.columns.push_back(year);
  DriftCounter counter(profile, MissingValueSet{});
  for (int i = 0; i < 20; ++i) {
    const RawCell cell = RawCell::of_number(100);  // all above the last edge
    ASSERT_TRUE(counter.add_row(std::span<const RawCell>(&cell, 1)).ok());
  }
  const auto report = assess_drift(counter, 0.3);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->columns[0].decisive, report->columns[0].figures.jensen_shannon);
  EXPECT_TRUE(report->columns[0].drift);
  EXPECT_EQ(drift_report_json(*report).rfind("{\"features\":{\"Year\":{\"jensen_shannon\":", 0), 0u);
  EXPECT_NE(drift_report_table(*report).find("DRIFT"), std::string::npos);
}

TEST(Drift, CounterRejectsABadCellWithoutCountingTheRow) {
  DriftCounter counter(one_category_profile(), MissingValueSet{});
  EXPECT_FALSE(counter.add_row(std::span<const RawCell>()).ok());
  EXPECT_EQ(counter.rows(), 0);
  EXPECT_FALSE(assess_drift(counter, 0.3).ok());  // no rows: no figures
}

}  // namespace
}  // namespace vgsales::monitor
