// TFRecord framing round trips, and damaged files are reported with offsets instead of crashing.
#include "tensorboard/record_reader.h"

#include <gtest/gtest.h>

#include "support/test_support.h"
#include "tensorboard/crc32c.h"
#include "tensorboard/record_writer.h"

namespace vgsales::tensorboard {
namespace {

std::string three_records() {
  return encode_record("first") + encode_record("") + encode_record(std::string(300, 'x'));
}

TEST(TensorboardRecords, EncodeLaysOutLengthCrcDataCrc) {
  const std::string record = encode_record("abc");
  ASSERT_EQ(record.size(), 12u + 3u + 4u);
  EXPECT_EQ(record.substr(0, 8), std::string("\x03\0\0\0\0\0\0\0", 8));
  const std::uint32_t length_crc = masked_crc32c(record.substr(0, 8));
  EXPECT_EQ(static_cast<std::uint8_t>(record[8]), length_crc & 0xFFu);
  EXPECT_EQ(static_cast<std::uint8_t>(record[11]), length_crc >> 24);
  EXPECT_EQ(record.substr(12, 3), "abc");
  const std::uint32_t data_crc = masked_crc32c("abc");
  EXPECT_EQ(static_cast<std::uint8_t>(record[15]), data_crc & 0xFFu);
}

TEST(TensorboardRecords, WriterAndReaderRoundTrip) {
  testing::TemporaryDirectory directory;
  const auto path = directory / "records.tfevents";
  {
    Result<RecordWriter> writer = RecordWriter::create(path);
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    ASSERT_TRUE(writer->write_record("first").ok());
    ASSERT_TRUE(writer->write_record("").ok());
    ASSERT_TRUE(writer->write_record(std::string(300, 'x')).ok());
    ASSERT_TRUE(writer->flush().ok());
    EXPECT_EQ(writer->bytes_written(), three_records().size());
  }
  Result<RecordScan> scan = read_record_file(path);
  ASSERT_TRUE(scan.ok()) << scan.error().message;
  EXPECT_TRUE(scan->problems.empty());
  ASSERT_EQ(scan->records.size(), 3u);
  EXPECT_EQ(scan->records[0].data, "first");
  EXPECT_EQ(scan->records[1].data, "");
  EXPECT_EQ(scan->records[1].offset, 21u);
  EXPECT_EQ(scan->records[2].data, std::string(300, 'x'));
}

TEST(TensorboardRecords, CreateRefusesAnExistingFile) {
  testing::TemporaryDirectory directory;
  const auto path = testing::write_text_file(directory / "taken", "x");
  Result<RecordWriter> writer = RecordWriter::create(path);
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.error().message.find("taken"), std::string::npos);
}

TEST(TensorboardRecords, TruncatedFileIsReadUpToTheLastWholeRecord) {
  const std::string bytes = three_records();
  // Every cut inside the last record keeps the first two and reports where the third starts.
  const std::size_t last_start = encode_record("first").size() + encode_record("").size();
  for (std::size_t cut = last_start + 1; cut < bytes.size(); cut += 7) {
    const RecordScan scan = scan_records(std::string_view(bytes).substr(0, cut));
    ASSERT_EQ(scan.records.size(), 2u) << "cut at " << cut;
    ASSERT_EQ(scan.problems.size(), 1u);
    EXPECT_EQ(scan.problems[0].kind, RecordProblem::Kind::truncated);
    EXPECT_EQ(scan.problems[0].offset, last_start);
    EXPECT_NE(scan.problems[0].message.find("offset " + std::to_string(last_start)), std::string::npos);
  }
}

TEST(TensorboardRecords, FlippedDataBitSkipsOnlyThatRecord) {
  std::string bytes = three_records();
  bytes[12 + 2] ^= 0x10;  // inside "first"
  const RecordScan scan = scan_records(bytes);
  ASSERT_EQ(scan.problems.size(), 1u);
  EXPECT_EQ(scan.problems[0].kind, RecordProblem::Kind::bad_data_crc);
  EXPECT_EQ(scan.problems[0].offset, 0u);
  ASSERT_EQ(scan.records.size(), 2u);
  EXPECT_EQ(scan.records[0].data, "");
}

TEST(TensorboardRecords, FlippedLengthBitStopsReading) {
  std::string bytes = three_records();
  const std::size_t second = encode_record("first").size();
  bytes[second + 1] ^= 0x01;
  const RecordScan scan = scan_records(bytes);
  ASSERT_EQ(scan.records.size(), 1u);
  ASSERT_EQ(scan.problems.size(), 1u);
  EXPECT_EQ(scan.problems[0].kind, RecordProblem::Kind::bad_length_crc);
  EXPECT_EQ(scan.problems[0].offset, second);
}

TEST(TensorboardRecords, EveryBitFlipIsCaughtWithoutCrashing) {
  const std::string clean = three_records();
  for (std::size_t bit = 0; bit < clean.size() * 8; bit += 3) {
    std::string bytes = clean;
    bytes[bit / 8] ^= static_cast<char>(1 << (bit % 8));
    const RecordScan scan = scan_records(bytes);
    EXPECT_FALSE(scan.problems.empty()) << "bit " << bit;
    EXPECT_LT(scan.records.size(), 3u) << "bit " << bit;
  }
}

TEST(TensorboardRecords, MissingFileIsAnError) {
  Result<RecordScan> scan = read_record_file("/nonexistent/vgsales/events.out.tfevents.1");
  EXPECT_FALSE(scan.ok());
}

}  // namespace
}  // namespace vgsales::tensorboard
