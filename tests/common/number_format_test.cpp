// Tests for src/common/number_format.cpp: thousands separators and significant digits, as every printout shows them.
#include "common/number_format.h"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>

namespace vgsales {
namespace {

TEST(NumberFormat, GroupsTheIntegerDigitsOfAPlainDecimal) {
  EXPECT_EQ(group_thousands("0"), "0");
  EXPECT_EQ(group_thousands("950"), "950");
  EXPECT_EQ(group_thousands("1000"), "1,000");
  EXPECT_EQ(group_thousands("123456"), "123,456");
  EXPECT_EQ(group_thousands("1234567"), "1,234,567");
  EXPECT_EQ(group_thousands("1234567.891"), "1,234,567.891");  // the fraction keeps its digits together
  EXPECT_EQ(group_thousands("999.12345"), "999.12345");
}

TEST(NumberFormat, GroupsWholeNumbersWithTheirSign) {
  EXPECT_EQ(group_thousands(0LL), "0");
  EXPECT_EQ(group_thousands(3320LL), "3,320");
  EXPECT_EQ(group_thousands(-1234567LL), "-1,234,567");
  EXPECT_EQ(group_thousands(-999LL), "-999");
  EXPECT_EQ(group_thousands(LLONG_MIN), "-9,223,372,036,854,775,808");
  EXPECT_EQ(group_thousands(LLONG_MAX), "9,223,372,036,854,775,807");
}

TEST(NumberFormat, FourSignificantDigitsAtAnyMagnitude) {
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

TEST(NumberFormat, NonFiniteValuesAreNamed) {
  EXPECT_EQ(format_significant(INFINITY), "inf");
  EXPECT_EQ(format_significant(-INFINITY), "-inf");
  EXPECT_EQ(format_significant(NAN), "nan");
}

TEST(NumberFormat, AmountsPutTheirPrefixAfterTheSign) {
  EXPECT_EQ(format_amount(1805.26, "$"), "$1,805");
  EXPECT_EQ(format_amount(-12.346, "$"), "-$12.35");
  EXPECT_EQ(format_amount(1.2873, ""), "1.287");
  EXPECT_EQ(format_amount(-0.45601, ""), "-0.4560");
}

}  // namespace
}  // namespace vgsales
