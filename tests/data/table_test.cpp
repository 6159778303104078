// Tests for src/data/table.cpp: typed columns and row-level errors.
#include <gtest/gtest.h>

#include <cmath>

#include "data/table.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;
using testing::write_text_file;

Result<Table> load_text(const TemporaryDirectory& dir, const std::string& text) {
  return load_table(write_text_file(dir / "t.csv", text));
}

TEST(Table, LoadsNumbersTextAndMissingCells) {
  TemporaryDirectory dir;
  auto table = load_text(dir, " rating , platform ,year\n4.5,Wii,2006\n+3,PS4,N/A\n2.0, 2600 ,\n");
  ASSERT_TRUE(table.ok()) << table.error().message;
  ASSERT_EQ(table->row_count(), 3u);
  EXPECT_EQ(table->columns[0].name, "rating");  // header names are trimmed
  EXPECT_FLOAT_EQ(table->columns[0].numbers[1], 3.0f);
  const Column& platform = table->columns[1];
  EXPECT_EQ(platform.text_cells, 2);
  EXPECT_EQ(platform.text_at(0), "Wii");
  EXPECT_EQ(platform.text_at(2), "2600");  // numeric-looking category keeps its text
  const Column& year = table->columns[2];
  EXPECT_EQ(year.missing_cells, 2);
  EXPECT_TRUE(std::isnan(year.numbers[1]));
  EXPECT_EQ(table->lines, (std::vector<long long>{2, 3, 4}));
}

TEST(Table, RejectsEmptyFileAndHeaderOnly) {
  TemporaryDirectory dir;
  auto empty = load_text(dir, "");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty file"), std::string::npos);
  auto header_only = load_text(dir, "a,b\n");
  ASSERT_FALSE(header_only.ok());
  EXPECT_NE(header_only.error().message.find("no data rows"), std::string::npos);
}

TEST(Table, RejectsDuplicateColumnNames) {
  TemporaryDirectory dir;
  auto table = load_text(dir, "a,b,a\n1,2,3\n");
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().message.find("duplicate column name 'a'"), std::string::npos);
}

TEST(Table, NamesTheLineOfARowWithTooFewOrTooManyFields) {
  TemporaryDirectory dir;
  auto few = load_text(dir, "a,b,c\n1,2,3\n4,5\n");
  ASSERT_FALSE(few.ok());
  EXPECT_NE(few.error().message.find("t.csv:3: expected 3 fields"), std::string::npos) << few.error().message;
  auto many = load_text(dir, "a,b\n1,2\n3,4\n5,6,7\n");
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.error().message.find("t.csv:4"), std::string::npos);
  EXPECT_NE(many.error().message.find("found 3"), std::string::npos);
}

TEST(Table, RejectsInfinityNamingLineAndColumn) {
  TemporaryDirectory dir;
  for (const char* value : {"inf", "-inf", "1e999"}) {
    auto table = load_text(dir, std::string("a,b\n1,2\n3,") + value + "\n");
    ASSERT_FALSE(table.ok()) << value;
    EXPECT_NE(table.error().message.find("t.csv:3: column 'b'"), std::string::npos) << table.error().message;
    EXPECT_NE(table.error().message.find("not a finite number"), std::string::npos);
  }
}

TEST(Table, NumericColumnsRejectTextImmediately) {
  TemporaryDirectory dir;
  TableLoadOptions options;
  options.numeric_columns = {"b"};
  auto table = load_table(write_text_file(dir / "t.csv", "a,b\nx,1\ny,abc\n"), options);
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().message.find("t.csv:3: column 'b': value 'abc' is not a number"), std::string::npos)
      << table.error().message;
}

TEST(Table, CustomMissingValueSpellings) {
  TemporaryDirectory dir;
  TableLoadOptions options;
  options.missing_values = MissingValueSet({"?", "-"});
  auto table = load_table(write_text_file(dir / "t.csv", "a\n1\n?\n-\nNA\n"), options);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->columns[0].missing_cells, 2);
  EXPECT_EQ(table->columns[0].text_cells, 1);  // "NA" is text once the defaults are replaced
}

TEST(Table, SelectRowsKeepsLinesAndCounts) {
  TemporaryDirectory dir;
  auto table = load_text(dir, "a,b\n1,x\n2,\n3,y\n");
  ASSERT_TRUE(table.ok());
  const Table subset = select_rows(*table, {2, 1});
  EXPECT_EQ(subset.lines, (std::vector<long long>{4, 3}));
  EXPECT_EQ(subset.columns[1].text_at(0), "y");
  EXPECT_EQ(subset.columns[1].missing_cells, 1);
}

TEST(Table, KeepRowsCompactsInPlaceAndRecounts) {
  TemporaryDirectory dir;
  auto table = load_text(dir, "a,b\n1,x\n2,\n3,y\n,z\n5,x\n");
  ASSERT_TRUE(table.ok());
  const Table expected = select_rows(*table, {1, 3, 4});
  keep_rows(*table, {1, 3, 4});
  EXPECT_EQ(table->lines, (std::vector<long long>{3, 5, 6}));
  EXPECT_EQ(table->lines, expected.lines);
  for (size_t c = 0; c < 2; ++c) {
    const Column &kept = table->columns[c], &copied = expected.columns[c];
    for (size_t row = 0; row < 3; ++row) EXPECT_EQ(kept.text_at(row), copied.text_at(row)) << c << " " << row;
    EXPECT_EQ(kept.missing_cells, copied.missing_cells);
    EXPECT_EQ(kept.number_cells, copied.number_cells);
    EXPECT_EQ(kept.text_cells, copied.text_cells);
  }
  EXPECT_EQ(table->columns[0].missing_cells, 1);  // row 4's empty a
  EXPECT_EQ(table->columns[1].missing_cells, 1);  // row 2's empty b
  EXPECT_EQ(table->columns[1].text_at(1), "z");
}

TEST(Table, LoadsFromBytesAsFromAFile) {
  TemporaryDirectory dir;
  const std::string text = "\xEF\xBB\xBFrating,platform\n4.5,Wii\n\"3\",\"P,S\"\"4\"\"\"\r\n";
  auto from_file = load_text(dir, text);
  auto from_bytes = load_table_from_bytes(text, "upload.csv");
  ASSERT_TRUE(from_file.ok() && from_bytes.ok());
  EXPECT_EQ(from_bytes->source, "upload.csv");
  ASSERT_EQ(from_bytes->columns.size(), 2u);
  EXPECT_EQ(from_bytes->columns[0].name, "rating");  // the byte order mark is skipped
  EXPECT_EQ(from_bytes->lines, from_file->lines);
  EXPECT_EQ(from_bytes->columns[1].text_at(1), "P,S\"4\"");
  EXPECT_EQ(from_bytes->columns[1].text_at(1), from_file->columns[1].text_at(1));
  auto empty = load_table_from_bytes("", "empty.csv");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "empty.csv: empty file, expected a header row");
  auto ragged = load_table_from_bytes("a,b\n1\n", "ragged.csv");
  ASSERT_FALSE(ragged.ok());
  EXPECT_EQ(ragged.error().message.rfind("ragged.csv:2: expected 2 fields", 0), 0u) << ragged.error().message;
}

}  // namespace
}  // namespace vgsales
