// The target's unit rule and the significant-digit formatting shared by the console and TensorBoard.
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

TEST(TargetUnits, FourSignificantDigitsAtAnyMagnitude) {
  EXPECT_EQ(format_significant(2.045), "2.045");  // `evaluate` once printed this MSE as "2"
  EXPECT_EQ(format_significant(1.287), "1.287");
  EXPECT_EQ(format_significant(0.456), "0.4560");
  EXPECT_EQ(format_significant(0.0123456), "0.01235");
  EXPECT_EQ(format_significant(1805.3), "1,805");
  EXPECT_EQ(format_significant(123456.7), "123,457");  // integer digits are never rounded away
  EXPECT_EQ(format_significant(1234567.891), "1,234,568");
  EXPECT_EQ(format_significant(12.5), "12.50");
  EXPECT_EQ(format_significant(-3.14159), "-3.142");
  EXPECT_EQ(format_significant(0), "0");
  EXPECT_EQ(format_significant(9.99996), "10.00");  // rounding up adds a digit: still 4
  EXPECT_EQ(format_significant(0.99996), "1.000");
  EXPECT_EQ(format_significant(0.0000123456), "1.235e-05");
  EXPECT_EQ(format_significant(2.5e16), "2.500e+16");
  EXPECT_EQ(format_significant(2.045, 2), "2.0");
}

TEST(TargetUnits, AmountsCarryTheCurrencyOnlyForMoney) {
  EXPECT_EQ(format_target_amount(1805.26, "total_earnings"), "$1,805");
  EXPECT_EQ(format_target_amount(-12.346, "total_earnings"), "-$12.35");
  EXPECT_EQ(format_target_amount(1.2873, "Global_Sales"), "1.287");
}

}  // namespace
}  // namespace vgsales
