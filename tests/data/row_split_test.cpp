// Tests for src/data/row_split.cpp.
#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "data/row_split.h"

namespace vgsales {
namespace {

TEST(RowSplit, HoldsOutTheFractionDeterministically) {
  std::vector<size_t> rows(1000);
  std::iota(rows.begin(), rows.end(), 0);
  const RowSplit a = split_rows(rows, 0.2, 7);
  const RowSplit b = split_rows(rows, 0.2, 7);
  const RowSplit c = split_rows(rows, 0.2, 8);
  EXPECT_EQ(a.held_out.size(), 200u);
  EXPECT_EQ(a.kept.size(), 800u);
  EXPECT_EQ(a.held_out, b.held_out);
  EXPECT_NE(a.held_out, c.held_out);
  std::set<size_t> all(a.kept.begin(), a.kept.end());
  all.insert(a.held_out.begin(), a.held_out.end());
  EXPECT_EQ(all.size(), 1000u);  // a partition: nothing lost, nothing twice
}

TEST(RowSplit, HoldsOutAtLeastOneRow) {
  const RowSplit split = split_rows({0, 1, 2}, 0.01, 1);
  EXPECT_EQ(split.held_out.size(), 1u);
  EXPECT_EQ(split.kept.size(), 2u);
}

}  // namespace
}  // namespace vgsales
