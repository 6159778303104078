// The money rule, --target-units' resolution and checks, and how amounts are worded.
#include "common/target_units.h"

#include <gtest/gtest.h>

namespace vgsales {
namespace {

TEST(TargetUnits, AutoReadsMoneyFromTheColumnName) {
  for (const char* money : {"total_earnings", "Revenue", "income_usd", "DOLLARS"}) {
    EXPECT_TRUE(target_is_money(money)) << money;
    EXPECT_EQ(resolve_target_units(money, "auto"), "dollars") << money;
    EXPECT_EQ(TargetUnits::of_column(money).prefix(), "$") << money;
  }
  for (const char* other : {"Global_Sales", "units", "score"}) {
    EXPECT_FALSE(target_is_money(other)) << other;
    EXPECT_EQ(resolve_target_units(other, "auto"), "") << other;
    EXPECT_EQ(TargetUnits::of_column(other).prefix(), "") << other;
  }
  // Given units are kept, even for a money-like name.
  EXPECT_EQ(resolve_target_units("total_earnings", "thousand euros"), "thousand euros");
}

TEST(TargetUnits, PhrasesAndLabelsNameTheUnits) {
  EXPECT_EQ(TargetUnits::of_column("total_earnings").phrase(), "in dollars");
  EXPECT_EQ(TargetUnits::of_column("Global_Sales").phrase(), "in the target's units (Global_Sales)");
  EXPECT_EQ(TargetUnits::of_column("total_earnings").unit_label(), "dollars");
  EXPECT_EQ(TargetUnits::of_column("Global_Sales").unit_label(), "target's own units");
  const TargetUnits sales{"Global_Sales", "Worldwide sales", "million copies"};
  EXPECT_EQ(sales.phrase(), "in million copies");
  EXPECT_EQ(sales.unit_label(), "million copies");
  EXPECT_EQ(sales.name(), "Worldwide sales");
  EXPECT_EQ(TargetUnits::of_column("Global_Sales").name(), "Global_Sales");
}

TEST(TargetUnits, AmountsCarryThePrefixAndQuantitiesTheWords) {
  const TargetUnits money = TargetUnits::of_column("total_earnings");
  EXPECT_EQ(money.amount(1805.26), "$1,805");
  EXPECT_EQ(money.amount(-12.346), "-$12.35");
  EXPECT_EQ(money.quantity(1805.26), "$1,805");  // the "$" says it: no "dollars" after it
  const TargetUnits sales{"Global_Sales", "", "million copies"};
  EXPECT_EQ(sales.amount(0.45784), "0.4578");
  EXPECT_EQ(sales.quantity(0.45784), "0.4578 million copies");
  EXPECT_EQ(TargetUnits::of_column("Global_Sales").quantity(1.2873), "1.287");
}

TEST(TargetUnits, DisplayTextIsShortAndPrintable) {
  EXPECT_TRUE(check_target_display_text("--target-units", "million copies").ok());
  EXPECT_TRUE(check_target_display_text("--target-units", "").ok());
  EXPECT_TRUE(check_target_display_text("--target-label", "Ventes <mondiales> & \"co\" €").ok());
  const auto control = check_target_display_text("--target-label", "two\nlines");
  ASSERT_FALSE(control.ok());
  EXPECT_NE(control.error().message.find("--target-label: the text has a control character (byte 10)"),
            std::string::npos);
  const auto long_text = check_target_display_text("--target-units", std::string(65, 'x'));
  ASSERT_FALSE(long_text.ok());
  EXPECT_NE(long_text.error().message.find("longer than 64 bytes"), std::string::npos);
}

}  // namespace
}  // namespace vgsales
