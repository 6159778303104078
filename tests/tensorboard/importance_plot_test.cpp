// Tests for src/tensorboard/importance_plot.cpp: one bar per column, top to bottom, each as long as its share of the
// largest; and the model card's section when the outcome has a global importance.
#include "tensorboard/importance_plot.h"

#include <gtest/gtest.h>

#include "synthetic_run.h"
#include "tensorboard/model_card.h"

namespace vgsales::tensorboard {
namespace {

bool bar_colour(const std::uint8_t* p) { return p[2] > 150 && p[0] < 80 && p[1] > 90 && p[1] < 140; }

// The rightmost pixel of the bars' colour in the row `y`, or -1.
int bar_end(const RgbImage& image, int y) {
  int end = -1;
  for (int x = 0; x < image.width; ++x)
    if (bar_colour(image.at(x, y))) end = x;
  return end;
}

int bar_start(const RgbImage& image, int y) {
  for (int x = 0; x < image.width; ++x)
    if (bar_colour(image.at(x, y))) return x;
  return -1;
}

TEST(ImportancePlot, BarsAreInOrderAndProportional) {
  const std::vector<std::pair<std::string, double>> columns{{"publisher", 400}, {"year", 200}, {"genre", 100}};
  const RgbImage image = plot_global_importance(columns, TargetUnits::of_column("total_earnings"));
  ASSERT_EQ(image.width, 640);
  ASSERT_GT(image.height, 100);
  // Bar i is centred at kTop + i * (22 + 8) + 11 (importance_plot.cpp's layout).
  std::vector<int> ends;
  for (int i = 0; i < 3; ++i) ends.push_back(bar_end(image, 64 + i * 30 + 11));
  ASSERT_GT(ends[0], 0);
  ASSERT_GT(ends[2], 0);
  EXPECT_GT(ends[0], ends[1]);
  EXPECT_GT(ends[1], ends[2]);
  // Lengths from the same left edge: 400 : 200 : 100, within a few pixels.
  const int left = bar_start(image, 64 + 11);
  EXPECT_EQ(bar_start(image, 64 + 30 + 11), left);
  const double longest = ends[0] - left, middle = ends[1] - left;
  EXPECT_NEAR(middle / longest, 0.5, 0.03);
}

TEST(ImportancePlot, TheModelCardHasItsSection) {
  const TrainingRunInfo info = testing::make_run_info(5);
  TrainingOutcome outcome;
  EXPECT_EQ(model_card_markdown("run", info, &outcome).find("What moves the estimate"), std::string::npos);
  outcome.global_importance = {{"publisher", 400}};
  outcome.global_importance_markdown = "## What moves the estimate\n\n| publisher | $400 |\n";
  const std::string card = model_card_markdown("run", info, &outcome);
  EXPECT_NE(card.find("## What moves the estimate\n\n| publisher | $400 |"), std::string::npos) << card;
}

}  // namespace
}  // namespace vgsales::tensorboard
