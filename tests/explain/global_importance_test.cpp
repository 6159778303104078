// Global importance: columns ordered by mean |attribution|, effects per value and per range.
#include "explain/global_importance.h"

#include <gtest/gtest.h>

#include "explain_test_models.h"

namespace vgsales {
namespace {

using testing::background_of;
using testing::cells_of;
using testing::formula_pipeline;
using testing::FormulaPredictor;
using testing::random_cell_texts;

TEST(GlobalImportanceTest, OrdersColumnsByMeanAbsoluteAttributionAndGroupsTheirValues) {
  const auto predictor = std::make_shared<FormulaPredictor>(formula_pipeline(3, true));
  const auto explainer =
      ShapleyExplainer::create(predictor, background_of(random_cell_texts(predictor->pipeline(), 8, 5, 7), 4)).value();
  const std::vector<std::string> texts = random_cell_texts(predictor->pipeline(), 40, 5, 8);
  const std::vector<RawCell> cells = cells_of(texts);
  const auto explanations = explainer.explain(cells, [](size_t r) { return std::to_string(r); }).value();
  const GlobalImportance summary = summarize_global_importance(predictor->pipeline(), cells, explanations);
  ASSERT_EQ(summary.columns.size(), 4u);
  EXPECT_EQ(summary.rows, 40u);
  for (size_t i = 1; i < summary.columns.size(); ++i)
    EXPECT_GE(summary.columns[i - 1].mean_absolute_attribution, summary.columns[i].mean_absolute_attribution);
  for (const ColumnImportance& column : summary.columns) {
    // Recomputed by hand from the explanations.
    const size_t f = column.column == "genre" ? 3 : static_cast<size_t>(column.column[1] - '0');
    double mean_absolute = 0;
    for (const auto& e : explanations) mean_absolute += std::abs(e.outputs[0].attributions[f]) / 40;
    EXPECT_NEAR(column.mean_absolute_attribution, mean_absolute, 1e-9) << column.column;
    size_t rows = 0;
    for (const ValueEffect& effect : column.effects) rows += effect.rows;
    EXPECT_EQ(rows, 40u) << column.column;
  }
  const auto genre = std::find_if(summary.columns.begin(), summary.columns.end(),
                                  [](const ColumnImportance& c) { return c.column == "genre"; });
  ASSERT_NE(genre, summary.columns.end());
  // Action raises the estimate by 50 x x0 (x0 is never negative); the other genres and missing never do.
  for (const ValueEffect& effect : genre->effects)
    if (effect.value == "Action") EXPECT_GT(effect.mean_attribution, 0) << effect.value;
    else EXPECT_LE(effect.mean_attribution, 0) << effect.value;
}

}  // namespace
}  // namespace vgsales
