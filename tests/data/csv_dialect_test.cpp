// Tests for src/data/csv_dialect.cpp and its use by the reader: separator detection, the UTF-8 text check.
#include <gtest/gtest.h>

#include "data/csv_dialect.h"
#include "data/csv_reader.h"
#include "data/table.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;
using testing::write_text_file;

TEST(CsvDialect, DetectsTheSeparatorThatSplitsTheHeaderMost) {
  EXPECT_EQ(detect_delimiter("a,b,c\n1,2,3\n"), ',');
  EXPECT_EQ(detect_delimiter("a;b;c\n1,5;2;3\n"), ';');  // decimal commas, as in many European locales
  EXPECT_EQ(detect_delimiter("a\tb\tc\n1\t2\t3\n"), '\t');
  EXPECT_EQ(detect_delimiter("a\tb\tc\r\n1\t2\t3\r\n"), '\t');
  EXPECT_EQ(detect_delimiter("only\n1\n"), ',');  // one column: nothing to detect, a comma as ever
  EXPECT_EQ(detect_delimiter(""), ',');
  EXPECT_EQ(detect_delimiter("a;b;c\n"), ';');  // a header alone is enough
}

TEST(CsvDialect, HonoursQuotesAndTheFirstDataLine) {
  // The header splits into 2 at commas and 3 at semicolons, but the data line only agrees with commas.
  EXPECT_EQ(detect_delimiter("x;y,z;w\n1,2\n"), ',');
  // Semicolons inside quoted names are data, not separators.
  EXPECT_EQ(detect_delimiter("\"a;b\",\"c;d\"\n1,2\n"), ',');
  EXPECT_EQ(detect_delimiter("name;notes\n\"Doe; John\";\"x,y,z\"\n"), ';');
  // A header line no separator makes consistent: the one splitting the header most (line 2's count is the error).
  EXPECT_EQ(detect_delimiter("a;b;c\n1;2\n"), ';');
  // A tie goes to the comma.
  EXPECT_EQ(detect_delimiter("a,b;c\n1,2;3\n"), ',');
}

TEST(CsvDialect, CountsTheFirstRecordsFields) {
  EXPECT_EQ(first_record("a,b,\"c\nd\",e\nx", ',').fields, 4u);
  EXPECT_EQ(first_record("\n\na;b\n", ';').fields, 2u);  // blank lines first are skipped, as the reader does
  const FirstRecord header = first_record("a,b\r\n1,2\r\n", ',');
  EXPECT_EQ(header.next, 5u);
}

TEST(CsvDialect, ParsesTheFlagValues) {
  EXPECT_EQ(parse_delimiter_flag("auto").value(), kDetectDelimiter);
  EXPECT_EQ(parse_delimiter_flag(",").value(), ',');
  EXPECT_EQ(parse_delimiter_flag(";").value(), ';');
  EXPECT_EQ(parse_delimiter_flag("tab").value(), '\t');
  EXPECT_EQ(parse_delimiter_flag("\t").value(), '\t');
  const auto bad = parse_delimiter_flag("|");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "'|' is not one of auto, ',', ';', tab");
}

TEST(CsvDialect, FindsBinaryAndNonUtf8Bytes) {
  EXPECT_FALSE(find_text_problem("a,b\r\n1,\t2\n\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\xAE\"\n", true));
  const auto nul = find_text_problem(std::string_view("a,b\n1,\0\n", 8), true);
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->kind, TextProblem::Kind::binary);
  EXPECT_EQ(nul->offset, 6u);
  EXPECT_EQ(nul->line, 2);
  const auto latin1 = find_text_problem("name\nPok\xE9mon\n", true);  // é in ISO 8859-1
  ASSERT_TRUE(latin1);
  EXPECT_EQ(latin1->kind, TextProblem::Kind::not_utf8);
  EXPECT_EQ(latin1->offset, 8u);
  EXPECT_EQ(latin1->byte, 0xE9);
  EXPECT_EQ(describe_text_problem("l.csv", *latin1),
            "l.csv: not a UTF-8 text CSV file (byte 9, on line 2, is 0xE9, which UTF-8 does not allow; Latin-1 or "
            "Windows-1252 text? save it as UTF-8)");
  // Overlong forms and UTF-16 surrogates are not UTF-8 (Unicode table 3-7).
  EXPECT_TRUE(find_text_problem("\xC0\xAF", true));
  EXPECT_TRUE(find_text_problem("\xED\xA0\x80", true));
  EXPECT_EQ(find_text_problem("\xFF\xFE"
                              "a\0",
                              true)
                ->kind,
            TextProblem::Kind::utf16);
  // A sequence cut by the end of a block is fine when more of the file follows, not at the end of the file.
  EXPECT_FALSE(find_text_problem("ab\xE2\x82", false));
  EXPECT_TRUE(find_text_problem("ab\xE2\x82", true));
  EXPECT_EQ(describe_text_problem("x.bin", *nul), "x.bin: not a text CSV file (binary data at byte 7)");
}

TEST(CsvDialect, TheReaderReadsTheDetectedOrGivenSeparator) {
  TemporaryDirectory dir;
  const auto path = write_text_file(dir / "semi.csv", "name;price\n\"Doe; John\";1,5\nx;2\n");
  auto reader = CsvReader::open(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ(reader->delimiter(), ';');
  EXPECT_TRUE(reader->delimiter_detected());
  std::vector<std::string> fields;
  ASSERT_TRUE(reader->read_record(fields).value());
  ASSERT_TRUE(reader->read_record(fields).value());
  EXPECT_EQ(fields, (std::vector<std::string>{"Doe; John", "1,5"}));

  auto given = CsvReader::open(write_text_file(dir / "tab.tsv", "a\tb\n1,5\t2\n"), '\t');
  ASSERT_TRUE(given.ok());
  EXPECT_FALSE(given->delimiter_detected());
  ASSERT_TRUE(given->read_record(fields).value());
  ASSERT_TRUE(given->read_record(fields).value());
  EXPECT_EQ(fields, (std::vector<std::string>{"1,5", "2"}));
}

TEST(CsvDialect, AGivenSeparatorThatLeavesTheHeaderWholeIsAnError) {
  TemporaryDirectory dir;
  const auto path = write_text_file(dir / "semi.csv", "a;b;y\n1;2;3\n");
  const auto reader = CsvReader::open(path, ',');
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().message,
            path.string() +
                ":1: the header is one column with --delimiter ',' but 3 columns split at semicolons: the "
                "file looks semicolon-separated (use --delimiter ';' or auto)");
  // A one-column file with the right separator is fine.
  EXPECT_TRUE(CsvReader::open(write_text_file(dir / "one.csv", "y\n1\n"), ',').ok());
}

TEST(CsvDialect, TablesRememberTheirSeparatorAndCountFieldsWithIt) {
  TemporaryDirectory dir;
  auto table = load_table(write_text_file(dir / "t.tsv", "a\tb\n1\t2\n3\t4\n"));
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table->delimiter, '\t');
  EXPECT_TRUE(table->delimiter_detected);
  EXPECT_EQ(table->columns.size(), 2u);
  EXPECT_EQ(table->columns[1].numbers, (std::vector<float>{2, 4}));
  const auto short_row = load_table(write_text_file(dir / "s.csv", "a;b;c\n1;2;3\n1;2\n"));
  ASSERT_FALSE(short_row.ok());
  EXPECT_NE(
      short_row.error().message.find("s.csv:3: expected 3 fields (as in the header split at semicolons) but found 2"),
      std::string::npos)
      << short_row.error().message;
}

TEST(CsvDialect, BinaryFilesAreRefusedBeforeAnyRecord) {
  TemporaryDirectory dir;
  std::string png = "\x89PNG\r\n\x1A\n";
  png += std::string("\0\0\0\rIHDR", 8);
  const auto path = write_text_file(dir / "image.csv", png);
  const auto table = load_table(path);
  ASSERT_FALSE(table.ok());
  // Its first byte is not UTF-8, and control bytes follow: binary from byte 1 on.
  EXPECT_EQ(table.error().message, path.string() + ": not a text CSV file (binary data at byte 1)");
  const auto zeros = write_text_file(dir / "zeros.csv", std::string("a,b\n1,2\n\0\0", 10));
  EXPECT_EQ(load_table(zeros).error().message, zeros.string() + ": not a text CSV file (binary data at byte 9)");
}

}  // namespace
}  // namespace vgsales
