// Tests for src/data/synthetic_sales.cpp: schema, determinism, plausible ranges.
#include <gtest/gtest.h>

#include "data/synthetic_sales.h"
#include "data/table.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

TEST(SyntheticSales, WritesTheReferenceSchemaDeterministically) {
  testing::TemporaryDirectory dir;
  ASSERT_TRUE(write_synthetic_sales(dir / "a.csv", {.rows = 500, .seed = 3}).ok());
  ASSERT_TRUE(write_synthetic_sales(dir / "b.csv", {.rows = 500, .seed = 3}).ok());
  ASSERT_TRUE(write_synthetic_sales(dir / "c.csv", {.rows = 500, .seed = 4}).ok());
  EXPECT_EQ(testing::read_text_file(dir / "a.csv"), testing::read_text_file(dir / "b.csv"));
  EXPECT_NE(testing::read_text_file(dir / "a.csv"), testing::read_text_file(dir / "c.csv"));
  auto table = load_table(dir / "a.csv");
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table->row_count(), 500u);
  ASSERT_EQ(table->columns.size(), 10u);
  EXPECT_EQ(table->columns[8].name, "total_earnings");  // the target is not the last column
  for (float earnings : table->columns[8].numbers) {
    EXPECT_GT(earnings, 20000.0f);
    EXPECT_LT(earnings, 400000.0f);
  }
}

TEST(SyntheticSales, RefusesZeroRowsAndLeavesNoFile) {
  testing::TemporaryDirectory dir;
  auto result = write_synthetic_sales(dir / "x.csv", {.rows = 0, .seed = 1});
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "x.csv"));
}

}  // namespace
}  // namespace vgsales
