// The target's unit rule shared by the console and TensorBoard (the digits themselves: number_format_test.cpp).
#include "common/target_units.h"

#include <gtest/gtest.h>

namespace vgsales {
namespace {

TEST(TargetUnits, MoneyOnlyWhenTheNameSaysSo) {
  for (const char* money : {"total_earnings", "Revenue", "price_USD", "net_income", "dollars_made"}) {
    EXPECT_TRUE(target_is_money(money)) << money;
    EXPECT_EQ(currency_prefix(money), "$") << money;
  }
  for (const char* other : {"Global_Sales", "units_sold", "rating", "copies"}) {
    EXPECT_FALSE(target_is_money(other)) << other;
    EXPECT_EQ(currency_prefix(other), "") << other;
  }
}

TEST(TargetUnits, PhrasesNameDollarsOnlyForMoney) {
  EXPECT_EQ(target_units_phrase("total_earnings"), "in dollars");
  EXPECT_EQ(target_units_phrase("Global_Sales"), "in the target's units (Global_Sales)");
  EXPECT_EQ(target_unit_label("total_earnings"), "dollars");
  EXPECT_EQ(target_unit_label("Global_Sales"), "target's own units");
}

TEST(TargetUnits, AmountsCarryTheCurrencyOnlyForMoney) {
  EXPECT_EQ(format_target_amount(1805.26, "total_earnings"), "$1,805");
  EXPECT_EQ(format_target_amount(-12.346, "total_earnings"), "-$12.35");
  EXPECT_EQ(format_target_amount(1.2873, "Global_Sales"), "1.287");
}

}  // namespace
}  // namespace vgsales
