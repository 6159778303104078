// Tests for src/data/cell_parsing.cpp: missing-value spellings and how one trimmed cell is classified.
#include <gtest/gtest.h>

#include "data/cell_parsing.h"

namespace vgsales {
namespace {

CellKind kind_of(std::string_view cell, const MissingValueSet& missing = {}) {
  double number = 0;
  return parse_cell(cell, missing, number);
}

double number_of(std::string_view cell) {
  double number = -1;
  EXPECT_EQ(parse_cell(cell, MissingValueSet(), number), CellKind::number) << cell;
  return number;
}

TEST(CellParsing, DefaultSpellingsMatchIgnoringCase) {
  const MissingValueSet missing;
  for (const char* cell : {"", "NA", "na", "N/A", "n/a", "NaN", "nan", "NULL", "null", "tbd", "TBD"})
    EXPECT_TRUE(missing.contains(cell)) << cell;
  for (const char* cell : {"0", "none", "-", "NA ", "N A"}) EXPECT_FALSE(missing.contains(cell)) << cell;
}

TEST(CellParsing, CustomSpellingsReplaceTheDefaults) {
  const MissingValueSet missing({"?", "Missing"});
  EXPECT_EQ(missing.spellings(), (std::vector<std::string>{"?", "missing"}));  // kept lower-cased
  EXPECT_TRUE(missing.contains("?"));
  EXPECT_TRUE(missing.contains("MISSING"));
  EXPECT_FALSE(missing.contains("NA"));
  EXPECT_FALSE(missing.contains(""));
  EXPECT_EQ(kind_of("NA", missing), CellKind::text);
  EXPECT_EQ(kind_of("", missing), CellKind::text);
}

TEST(CellParsing, ReadsNumbersWithoutLocale) {
  EXPECT_EQ(number_of("42"), 42.0);
  EXPECT_EQ(number_of("-1.5"), -1.5);
  EXPECT_EQ(number_of("+3"), 3.0);  // a leading '+' is accepted
  EXPECT_EQ(number_of("1e3"), 1000.0);
  EXPECT_EQ(number_of("007"), 7.0);
  EXPECT_EQ(number_of(".5"), 0.5);
}

TEST(CellParsing, TextIsAnythingNotWhollyANumber) {
  for (const char* cell : {"Wii", "12abc", "1,5", "+", "0x10", "--1", "1.2.3", "++1"})
    EXPECT_EQ(kind_of(cell), CellKind::text) << cell;
}

TEST(CellParsing, MissingSpellingsWinOverNumbers) {
  EXPECT_EQ(kind_of("NA"), CellKind::missing);
  EXPECT_EQ(kind_of(""), CellKind::missing);
  // With "0" declared missing, a zero is no longer a number.
  EXPECT_EQ(kind_of("0", MissingValueSet({"0"})), CellKind::missing);
}

TEST(CellParsing, NumbersNoFloatHoldsAreNonFinite) {
  for (const char* cell : {"inf", "-inf", "Infinity", "1e999", "1e39", "-1e39"})
    EXPECT_EQ(kind_of(cell), CellKind::non_finite) << cell;
  // NaN is a missing spelling by default; without it, it is a non-finite number.
  EXPECT_EQ(kind_of("nan", MissingValueSet({""})), CellKind::non_finite);
  // The largest float still is one.
  EXPECT_EQ(kind_of("3.4e38"), CellKind::number);
}

}  // namespace
}  // namespace vgsales
