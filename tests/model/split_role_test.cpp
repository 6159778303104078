// Tests for src/model/split_role.cpp: the split names, and which split is found and displayed.
#include <gtest/gtest.h>

#include <vector>

#include "model/split_role.h"

namespace vgsales {
namespace {

TEST(SplitRole, NamesAreTheMetricsKeys) {
  EXPECT_EQ(split_role_name(SplitRole::train), "train");
  EXPECT_EQ(split_role_name(SplitRole::validation), "validation");
  EXPECT_EQ(split_role_name(SplitRole::test), "test");
}

struct Rows {
  SplitRole role;
  int id;
};

TEST(SplitRole, FindsAHeldOutSplitByRole) {
  const std::vector<Rows> held_out{{SplitRole::validation, 1}, {SplitRole::test, 2}};
  ASSERT_NE(find_split(held_out, SplitRole::validation), nullptr);
  EXPECT_EQ(find_split(held_out, SplitRole::validation)->id, 1);
  EXPECT_EQ(find_split(held_out, SplitRole::test)->id, 2);
  EXPECT_EQ(find_split(std::vector<Rows>{{SplitRole::test, 2}}, SplitRole::validation), nullptr);
}

TEST(SplitRole, DisplaysTestElseValidationElseTrain) {
  const Rows train{SplitRole::train, 0};
  EXPECT_EQ(displayed_split(train, std::vector<Rows>{{SplitRole::validation, 1}, {SplitRole::test, 2}}).id, 2);
  EXPECT_EQ(displayed_split(train, std::vector<Rows>{{SplitRole::test, 2}, {SplitRole::validation, 1}}).id, 2);
  EXPECT_EQ(displayed_split(train, std::vector<Rows>{{SplitRole::validation, 1}}).id, 1);
  EXPECT_EQ(displayed_split(train, std::vector<Rows>{}).id, 0);
}

}  // namespace
}  // namespace vgsales
