// Tests for src/data/csv_reader.cpp: RFC 4180 details and the oddities of real files.
#include <gtest/gtest.h>

#include "data/csv_reader.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;
using testing::write_text_file;

std::vector<std::vector<std::string>> read_all(const std::filesystem::path& path,
                                               std::vector<long long>* lines = nullptr) {
  auto reader = CsvReader::open(path);
  EXPECT_TRUE(reader.ok()) << reader.error().message;
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> fields;
  while (true) {
    auto more = reader->read_record(fields);
    EXPECT_TRUE(more.ok()) << more.error().message;
    if (!more.ok() || !more.value()) break;
    records.push_back(fields);
    if (lines) lines->push_back(reader->record_line());
  }
  return records;
}

TEST(CsvReader, ReadsQuotedCommasDoubledQuotesAndLineBreaks) {
  TemporaryDirectory dir;
  const auto path =
      write_text_file(dir / "a.csv", "name,notes\n\"Doe, John\",\"said \"\"hi\"\"\"\n\"two\nlines\",x\nlast,row\n");
  std::vector<long long> lines;
  const auto records = read_all(path, &lines);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1][0], "Doe, John");
  EXPECT_EQ(records[1][1], "said \"hi\"");
  EXPECT_EQ(records[2][0], "two\nlines");
  EXPECT_EQ(lines, (std::vector<long long>{1, 2, 3, 5}));  // the record after a quoted line break starts on line 5
}

TEST(CsvReader, HandlesBomCrlfAndBlankTrailingLines) {
  TemporaryDirectory dir;
  const auto path = write_text_file(dir / "b.csv",
                                    "\xEF\xBB\xBF"
                                    "a,b\r\n1,2\r\n\r\n3,4\r\n\r\n\n");
  const auto records = read_all(path);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0][0], "a");  // no BOM bytes in the first name
  EXPECT_EQ(records[1], (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(records[2], (std::vector<std::string>{"3", "4"}));
}

TEST(CsvReader, KeepsEmptyFieldsAndAQuotedEmptyLine) {
  TemporaryDirectory dir;
  const auto path = write_text_file(dir / "c.csv", "a,b,c\n,,\n\"\"\n");
  const auto records = read_all(path);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1], (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(records[2], (std::vector<std::string>{""}));
}

TEST(CsvReader, ReportsAnUnterminatedQuoteWithItsLine) {
  TemporaryDirectory dir;
  const auto path = write_text_file(dir / "d.csv", "a,b\n1,2\n3,\"open\n4,5\n");
  auto reader = CsvReader::open(path);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> fields;
  ASSERT_TRUE(reader->read_record(fields).ok());
  ASSERT_TRUE(reader->read_record(fields).ok());
  auto broken = reader->read_record(fields);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("d.csv:3"), std::string::npos) << broken.error().message;
  EXPECT_NE(broken.error().message.find("unterminated"), std::string::npos);
}

TEST(CsvReader, RefusesMissingFilesAndDirectories) {
  TemporaryDirectory dir;
  auto missing = CsvReader::open(dir / "nope.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
  auto directory = CsvReader::open(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.error().message.find("is a directory"), std::string::npos);
}

TEST(CsvReader, ReadsRecordsAcrossBlockBoundaries) {
  TemporaryDirectory dir;
  std::string text = "id,value\n";
  for (int i = 0; i < 200000; ++i) text += std::to_string(i) + ",\"v," + std::to_string(i) + "\"\n";
  const auto path = write_text_file(dir / "big.csv", text);
  const auto records = read_all(path);
  ASSERT_EQ(records.size(), 200001u);
  EXPECT_EQ(records[123457][1], "v,123456");
  EXPECT_EQ(records.back()[0], "199999");
}

}  // namespace
}  // namespace vgsales
