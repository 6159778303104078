// Tests for src/data/csv_batches.cpp: a CSV file streamed as a header and batches of records.
#include <gtest/gtest.h>

#include "data/csv_batches.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;
using testing::write_text_file;

// Every batch's records and lines, as the handlers saw them.
struct Seen {
  std::vector<std::string> header;
  std::vector<size_t> batch_sizes;
  std::vector<std::vector<std::string>> records;
  std::vector<long long> lines;
  std::vector<char> detected;
};

CsvBatchHandlers recording(Seen& seen) {
  CsvBatchHandlers handlers;
  handlers.on_detected_delimiter = [&seen](char delimiter) { seen.detected.push_back(delimiter); };
  handlers.on_header = [&seen](const std::vector<std::string>& names) -> Result<void> {
    seen.header = names;
    return {};
  };
  handlers.on_batch = [&seen](const CsvRecordBatch& batch) -> Result<void> {
    seen.batch_sizes.push_back(batch.records.size());
    seen.records.insert(seen.records.end(), batch.records.begin(), batch.records.end());
    seen.lines.insert(seen.lines.end(), batch.lines.begin(), batch.lines.end());
    return {};
  };
  return handlers;
}

TEST(CsvBatches, ReadsRecordsInBatchesWithTheirLines) {
  TemporaryDirectory dir;
  const auto path = write_text_file(dir / "t.csv", " a , b\n1,x\n2,\"y\"\n\n3,\"multi\nline\"\n4,w\n5,v\n");
  Seen seen;
  auto total = read_csv_in_batches(path, 2, recording(seen));
  ASSERT_TRUE(total.ok()) << total.error().message;
  EXPECT_EQ(*total, 5);
  EXPECT_EQ(seen.header, (std::vector<std::string>{"a", "b"}));  // trimmed
  EXPECT_EQ(seen.batch_sizes, (std::vector<size_t>{2, 2, 1}));
  ASSERT_EQ(seen.records.size(), 5u);
  EXPECT_EQ(seen.records[1], (std::vector<std::string>{"2", "y"}));  // quotes removed
  EXPECT_EQ(seen.records[2], (std::vector<std::string>{"3", "multi\nline"}));
  // The blank line 4 is skipped; the quoted line break moves the later records down a line.
  EXPECT_EQ(seen.lines, (std::vector<long long>{2, 3, 5, 7, 8}));
  EXPECT_TRUE(seen.detected.empty());  // a comma is not announced
}

TEST(CsvBatches, AnnouncesADetectedSemicolon) {
  TemporaryDirectory dir;
  const auto path = write_text_file(dir / "t.csv", "a;b\n1,5;2\n");
  Seen seen;
  auto total = read_csv_in_batches(path, 10, recording(seen));
  ASSERT_TRUE(total.ok()) << total.error().message;
  EXPECT_EQ(seen.detected, (std::vector<char>{';'}));
  EXPECT_EQ(seen.records.front(), (std::vector<std::string>{"1,5", "2"}));
  // Given rather than detected, it is not announced.
  Seen given;
  ASSERT_TRUE(read_csv_in_batches(path, 10, recording(given), ';').ok());
  EXPECT_TRUE(given.detected.empty());
}

TEST(CsvBatches, ARecordWithAnotherFieldCountNamesItsLine) {
  TemporaryDirectory dir;
  const auto path = write_text_file(dir / "t.csv", "a,b\n1,2\n1,2,3\n");
  Seen seen;
  auto total = read_csv_in_batches(path, 10, recording(seen));
  ASSERT_FALSE(total.ok());
  EXPECT_EQ(total.error().message, path.string() + ":3: expected 2 fields (as in the header) but found 3");
  const auto semicolons = write_text_file(dir / "s.csv", "a;b\n1;2;3\n");
  total = read_csv_in_batches(semicolons, 10, recording(seen));
  ASSERT_FALSE(total.ok());
  EXPECT_EQ(total.error().message,
            semicolons.string() + ":2: expected 2 fields (as in the header split at semicolons) but found 3");
}

TEST(CsvBatches, RejectsAnEmptyFileAndAHeaderWithoutRows) {
  TemporaryDirectory dir;
  Seen seen;
  auto empty = read_csv_in_batches(write_text_file(dir / "e.csv", ""), 10, recording(seen));
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("e.csv: empty file, expected a header row"), std::string::npos);
  auto header_only = read_csv_in_batches(write_text_file(dir / "h.csv", "a,b\n"), 10, recording(seen));
  ASSERT_FALSE(header_only.ok());
  EXPECT_NE(header_only.error().message.find("h.csv: no data rows after the header"), std::string::npos);
  auto absent = read_csv_in_batches(dir / "absent.csv", 10, recording(seen));
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().kind, ErrorKind::not_found);
}

TEST(CsvBatches, AHandlerErrorStopsTheRead) {
  TemporaryDirectory dir;
  const auto path = write_text_file(dir / "t.csv", "a\n1\n2\n3\n4\n");
  int batches = 0;
  CsvBatchHandlers handlers;
  handlers.on_batch = [&batches](const CsvRecordBatch&) -> Result<void> {
    if (++batches == 2) return make_error(ErrorKind::invalid_data, "stop here");
    return {};
  };
  auto total = read_csv_in_batches(path, 1, handlers);
  ASSERT_FALSE(total.ok());
  EXPECT_EQ(total.error().message, "stop here");
  EXPECT_EQ(batches, 2);
  handlers.on_header = [](const std::vector<std::string>&) -> Result<void> {
    return make_error(ErrorKind::invalid_data, "bad header");
  };
  total = read_csv_in_batches(path, 1, handlers);
  ASSERT_FALSE(total.ok());
  EXPECT_EQ(total.error().message, "bad header");
  EXPECT_EQ(batches, 2);  // no batch after a refused header
}

}  // namespace
}  // namespace vgsales
