// Tests for src/data/in_memory_table.cpp: columns in memory load as the same CSV's cells do, and bad columns are
// errors naming the source, the row and the column.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "data/in_memory_table.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;

InMemoryColumn numbers(std::string name, std::vector<double> values) {
  return InMemoryColumn{.name = std::move(name), .is_text = false, .numbers = std::move(values)};
}

InMemoryColumn texts(std::string name, std::vector<std::optional<std::string>> values) {
  return InMemoryColumn{.name = std::move(name), .is_text = true, .texts = std::move(values)};
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// Every field of two columns, but where they say they came from.
void expect_same_column(const Column& a, const Column& b) {
  EXPECT_EQ(a.name, b.name);
  ASSERT_EQ(a.numbers.size(), b.numbers.size());
  for (size_t r = 0; r < a.numbers.size(); ++r) {
    if (std::isnan(a.numbers[r])) EXPECT_TRUE(std::isnan(b.numbers[r])) << a.name << " row " << r;
    else EXPECT_EQ(a.numbers[r], b.numbers[r]) << a.name << " row " << r;
  }
  EXPECT_EQ(a.text_codes, b.text_codes) << a.name;
  EXPECT_EQ(a.dictionary, b.dictionary) << a.name;
  EXPECT_EQ(a.missing_cells, b.missing_cells) << a.name;
  EXPECT_EQ(a.number_cells, b.number_cells) << a.name;
  EXPECT_EQ(a.text_cells, b.text_cells) << a.name;
  EXPECT_EQ(a.first_text_value, b.first_text_value) << a.name;
}

TEST(InMemoryTable, LoadsAsTheSameCsvDoes) {
  // 0.1 and 55.99 are not floats: both paths must round the same double to the same float.
  const std::string csv = "rating,genre,code,price\n4.1,Action,007,55.99\nNA,Sports,abc,0.1\n3,  ,12,\n2.5,tbd,x,1e3\n";
  TableLoadOptions options;
  options.text_columns = {"code"};
  auto from_csv = load_table_from_bytes(csv, "t.csv", options);
  ASSERT_TRUE(from_csv.ok()) << from_csv.error().message;
  auto in_memory =
      table_from_columns({numbers("rating", {4.1, kNaN, 3, 2.5}), texts("genre", {"Action", "Sports", "  ", "tbd"}),
                          texts("code", {"007", "abc", "12", "x"}), numbers("price", {55.99, 0.1, kNaN, 1e3})},
                         "X", options);
  ASSERT_TRUE(in_memory.ok()) << in_memory.error().message;
  ASSERT_EQ(in_memory->row_count(), 4u);
  EXPECT_EQ(in_memory->lines, (std::vector<long long>{0, 1, 2, 3}));  // row positions
  EXPECT_EQ(in_memory->source, "X");
  ASSERT_EQ(in_memory->columns.size(), from_csv->columns.size());
  for (size_t c = 0; c < from_csv->columns.size(); ++c) expect_same_column(in_memory->columns[c], from_csv->columns[c]);
  EXPECT_EQ(in_memory->columns[2].text_at(0), "007");  // a category keeps its exact text
}

TEST(InMemoryTable, MissingTextCellsAndNaNAreMissing) {
  auto table = table_from_columns({numbers("a", {kNaN, 1}), texts("b", {std::nullopt, "NaN"})}, "X");
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table->columns[0].missing_cells, 1);
  EXPECT_EQ(table->columns[1].missing_cells, 2);
  EXPECT_TRUE(table->columns[1].is_missing(0));
  EXPECT_TRUE(table->columns[1].is_missing(1));
}

TEST(InMemoryTable, ANumericColumnReadAsTextKeepsItsNumbersShortestText) {
  TableLoadOptions options;
  options.text_columns = {"year"};
  auto table = table_from_columns({numbers("year", {2006, 1.5, kNaN, 2006})}, "X", options);
  ASSERT_TRUE(table.ok()) << table.error().message;
  const Column& year = table->columns[0];
  EXPECT_EQ(year.dictionary, (std::vector<std::string>{"2006", "1.5"}));
  EXPECT_EQ(year.text_codes, (std::vector<std::int32_t>{0, 1, -1, 0}));
}

TEST(InMemoryTable, ErrorsNameTheSourceRowAndColumn) {
  const double infinity = std::numeric_limits<double>::infinity();
  auto non_finite = table_from_columns({numbers("a", {1, 2, infinity})}, "X");
  ASSERT_FALSE(non_finite.ok());
  EXPECT_EQ(non_finite.error().message, "X:2: column 'a': value 'inf' is not a finite number");
  auto beyond_float = table_from_columns({numbers("a", {1e39})}, "X");
  ASSERT_FALSE(beyond_float.ok());
  EXPECT_NE(beyond_float.error().message.find("X:0: column 'a': value '1e+39' is not a finite number"),
            std::string::npos)
      << beyond_float.error().message;
  TableLoadOptions options;
  options.numeric_columns = {"b"};
  auto text_in_numeric = table_from_columns({texts("b", {"1", "2", "many"})}, "X", options);
  ASSERT_FALSE(text_in_numeric.ok());
  EXPECT_EQ(text_in_numeric.error().message, "X:2: column 'b': value 'many' is not a number");
}

TEST(InMemoryTable, RejectsBadShapesAndNames) {
  struct Case {
    std::vector<InMemoryColumn> columns;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{}, "X: no columns"},
      {{numbers("a", {})}, "X: no data rows"},
      {{numbers("a", {1, 2}), numbers("b", {1})}, "X: column 'b' has 1 rows but column 'a' has 2"},
      {{numbers("a", {1}), numbers("a", {2})}, "X: duplicate column name 'a'"},
      {{numbers("a", {1}), numbers(" ", {2})}, "X: column 2 has an empty name"},
  };
  for (const Case& c : cases) {
    auto table = table_from_columns(c.columns, "X");
    ASSERT_FALSE(table.ok()) << c.message;
    EXPECT_EQ(table.error().kind, ErrorKind::invalid_data);
    EXPECT_EQ(table.error().message, c.message);
  }
}

}  // namespace
}  // namespace vgsales
