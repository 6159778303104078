// ShapleyExplainer: exact values equal brute force over every order of the columns, the sampled values stay within
// their bound of the exact ones on a 12-column table, and the attributions plus the baseline equal the estimate.
#include "explain/shapley_explainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "explain_test_models.h"

namespace vgsales {
namespace {

using testing::background_of;
using testing::cells_of;
using testing::formula_pipeline;
using testing::FormulaPredictor;
using testing::random_cell_texts;

const RowLabel kLabel = [](size_t row) { return "row " + std::to_string(row); };

double predict_one(const Predictor& predictor, std::span<const RawCell> cells) {
  return predictor.predict(cells, kLabel).value().values[0];
}

// Shapley's definition itself: the average over every background row and every order of the columns of the change
// in the estimate when the column joins the columns before it (instance cells on those, background cells elsewhere).
std::vector<double> brute_force_shapley(const Predictor& predictor, std::span<const RawCell> instance,
                                        const BackgroundRows& background) {
  const size_t k = instance.size();
  std::vector<double> phi(k, 0.0);
  std::vector<size_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  double orders = 0;
  do {
    orders += 1;
    for (size_t b = 0; b < background.rows(); ++b) {
      std::vector<RawCell> cells(background.row(b).begin(), background.row(b).end());
      double before = predict_one(predictor, cells);
      for (size_t column : order) {
        cells[column] = instance[column];
        const double after = predict_one(predictor, cells);
        phi[column] += after - before;
        before = after;
      }
    }
  } while (std::next_permutation(order.begin(), order.end()));
  for (double& value : phi) value /= orders * static_cast<double>(background.rows());
  return phi;
}

TEST(ShapleyExplainerTest, ExactValuesEqualBruteForceOverEveryOrderAndSumToTheEstimate) {
  const auto predictor = std::make_shared<FormulaPredictor>(formula_pipeline(4, true));
  const std::vector<std::string> background_texts = random_cell_texts(predictor->pipeline(), 9, 4, 1);
  const BackgroundRows background = background_of(background_texts, 5);
  const auto explainer = ShapleyExplainer::create(predictor, background).value();
  ASSERT_EQ(explainer.method(), AttributionMethod::exact);
  EXPECT_EQ(explainer.coalition_rows_per_instance(), 9u * 32u);
  const std::vector<std::string> instance_texts = random_cell_texts(predictor->pipeline(), 6, 4, 2);
  const std::vector<RawCell> instances = cells_of(instance_texts);
  const auto explanations = explainer.explain(instances, kLabel).value();
  ASSERT_EQ(explanations.size(), 6u);
  for (size_t r = 0; r < explanations.size(); ++r) {
    const std::span<const RawCell> row = std::span<const RawCell>(instances).subspan(r * 5, 5);
    const std::vector<double> expected = brute_force_shapley(*predictor, row, background);
    const OutputAttribution& mean = explanations[r].outputs.at(0);
    EXPECT_EQ(mean.output_name, "mean");
    EXPECT_NEAR(mean.estimate, predict_one(*predictor, row), 1e-3);
    double sum = 0;
    for (size_t f = 0; f < 5; ++f) {
      EXPECT_NEAR(mean.attributions[f], expected[f], 1e-4 * std::max(std::abs(mean.estimate), 1.0))
          << "row " << r << " column " << f;
      sum += mean.attributions[f];
    }
    EXPECT_NEAR(mean.baseline + sum, mean.estimate, 1e-5 * std::max(std::abs(mean.estimate), 1.0));
    EXPECT_EQ(mean.approximation_error, 0.0);
  }
}

TEST(ShapleyExplainerTest, TheBaselineIsTheAverageEstimateOverTheBackgroundRows) {
  const auto predictor = std::make_shared<FormulaPredictor>(formula_pipeline(3, false));
  const std::vector<std::string> texts{"1", "2", "3", "4", "0", "2"};
  const auto explainer = ShapleyExplainer::create(predictor, background_of(texts, 3)).value();
  const double first = predict_one(*predictor, cells_of({"1", "2", "3"}));
  const double second = predict_one(*predictor, cells_of({"4", "0", "2"}));
  ASSERT_EQ(explainer.baselines().size(), 1u);
  EXPECT_NEAR(explainer.baselines()[0], (first + second) / 2, 1e-4);
}

TEST(ShapleyExplainerTest, AModelWithAnIntervalIsExplainedForTheMeanAndTheMedian) {
  const auto predictor = std::make_shared<FormulaPredictor>(formula_pipeline(3, true), /*interval=*/true);
  const std::vector<std::string> texts = random_cell_texts(predictor->pipeline(), 5, 5, 3);
  const auto explainer = ShapleyExplainer::create(predictor, background_of(texts, 4)).value();
  ASSERT_EQ(explainer.output_names(), (std::vector<std::string>{"mean", "median"}));
  const auto explanation = explainer.explain(cells_of({"4", "1", "3", "Action"}), kLabel).value().at(0);
  ASSERT_EQ(explanation.outputs.size(), 2u);
  const OutputAttribution& mean = explanation.outputs[0];
  const OutputAttribution& median = explanation.outputs[1];
  EXPECT_EQ(median.output_name, "median");
  // The median is the mean plus 7: the same attributions against a baseline 7 higher.
  EXPECT_NEAR(median.baseline, mean.baseline + 7, 1e-3);
  EXPECT_NEAR(median.estimate, mean.estimate + 7, 1e-3);
  for (size_t f = 0; f < 4; ++f) EXPECT_NEAR(median.attributions[f], mean.attributions[f], 1e-3);
}

TEST(ShapleyExplainerTest, SampledValuesStayWithinTheirBoundOfTheExactValuesOnATwelveColumnTable) {
  const auto predictor = std::make_shared<FormulaPredictor>(formula_pipeline(11, true));
  const size_t k = 12;
  // 512 background rows: 2^12 x 512 = 2^21 coalition rows, above the exact limit.
  const std::vector<std::string> texts = random_cell_texts(predictor->pipeline(), 512, 3, 4);
  const auto sampled = ShapleyExplainer::create(predictor, background_of(texts, k)).value();
  ASSERT_EQ(sampled.method(), AttributionMethod::sampled);
  ExplainSettings exact_settings;
  exact_settings.max_exact_coalition_rows = std::uint64_t{1} << 22;
  const auto exact = ShapleyExplainer::create(predictor, background_of(texts, k), exact_settings).value();
  ASSERT_EQ(exact.method(), AttributionMethod::exact);
  const std::vector<std::string> instance_texts = random_cell_texts(predictor->pipeline(), 4, 3, 5);
  const std::vector<RawCell> instances = cells_of(instance_texts);
  const auto approximate = sampled.explain(instances, kLabel).value();
  const auto truth = exact.explain(instances, kLabel).value();
  double widest_bound = 0, largest_value = 0;
  for (size_t r = 0; r < approximate.size(); ++r) {
    const OutputAttribution& a = approximate[r].outputs[0];
    const OutputAttribution& t = truth[r].outputs[0];
    EXPECT_EQ(approximate[r].method, AttributionMethod::sampled);
    EXPECT_GT(a.approximation_error, 0.0);
    EXPECT_NEAR(a.estimate, t.estimate, 1e-3);
    EXPECT_NEAR(a.baseline, t.baseline, 1e-3);
    double sum = 0;
    for (size_t f = 0; f < k; ++f) {
      EXPECT_LE(std::abs(a.attributions[f] - t.attributions[f]), a.error_bounds[f])
          << "row " << r << " column " << f << ": sampled " << a.attributions[f] << ", exact " << t.attributions[f];
      sum += a.attributions[f];
      widest_bound = std::max(widest_bound, a.error_bounds[f]);
      largest_value = std::max(largest_value, std::abs(t.attributions[f]));
    }
    EXPECT_NEAR(a.baseline + sum, a.estimate, 1e-5 * std::max(std::abs(a.estimate), 1.0));
  }
  // The bound is informative, not a vacuous "anything goes".
  EXPECT_LT(widest_bound, 0.25 * largest_value);
}

TEST(ShapleyExplainerTest, ABadCellIsAnErrorNamingItsRow) {
  const auto predictor = std::make_shared<FormulaPredictor>(formula_pipeline(2, false));
  const auto explainer = ShapleyExplainer::create(predictor, background_of({"1", "2"}, 2)).value();
  const auto explained = explainer.explain(cells_of({"1", "2", "3", "many"}), kLabel);
  ASSERT_FALSE(explained.ok());
  EXPECT_NE(explained.error().message.find("row 1"), std::string::npos) << explained.error().message;
  EXPECT_NE(explained.error().message.find("many"), std::string::npos) << explained.error().message;
  EXPECT_FALSE(explainer.explain(cells_of({"1", "2", "3"}), kLabel).ok());  // not a whole number of rows
}

TEST(ShapleyExplainerTest, BackgroundRowsOfAnotherWidthAreRefused) {
  const auto predictor = std::make_shared<FormulaPredictor>(formula_pipeline(3, false));
  EXPECT_FALSE(ShapleyExplainer::create(predictor, background_of({"1", "2"}, 2)).ok());
  const auto bad_cell = ShapleyExplainer::create(predictor, background_of({"1", "2", "x"}, 3));
  ASSERT_FALSE(bad_cell.ok());
  EXPECT_NE(bad_cell.error().message.find("background.csv row 1"), std::string::npos) << bad_cell.error().message;
}

}  // namespace
}  // namespace vgsales
