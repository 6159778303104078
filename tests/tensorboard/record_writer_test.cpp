// Tests of src/tensorboard/record_writer: TFRecord framing against golden bytes computed independently (a bitwise
// CRC-32C in Python, masked as TensorFlow's crc32c::Mask does), and the writer's file handling.
#include "tensorboard/record_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/test_support.h"

namespace vgsales::tensorboard {
namespace {

using vgsales::testing::read_text_file;
using vgsales::testing::TemporaryDirectory;
using vgsales::testing::write_text_file;

// uint64 length (little-endian), masked CRC-32C of those 8 bytes, the data, masked CRC-32C of the data.
const std::string kRecordOfAbc(
    "\x03\x00\x00\x00\x00\x00\x00\x00\xb0\x99\x49\x0e"
    "abc"
    "\x6e\x57\xf1\x21",
    19);
const std::string kEmptyRecord("\x00\x00\x00\x00\x00\x00\x00\x00\x29\x03\x98\x07\xd8\xea\x82\xa2", 16);

TEST(TensorBoardRecordWriter, EncodesGoldenFraming) {
  EXPECT_EQ(encode_record("abc"), kRecordOfAbc);
  EXPECT_EQ(encode_record(""), kEmptyRecord);
  EXPECT_EQ(encode_record(std::string(1000, 'x')).size(), kRecordHeaderBytes + 1000 + kRecordFooterBytes);
}

TEST(TensorBoardRecordWriter, FileHoldsTheRecordsInOrderAndCountsBytes) {
  TemporaryDirectory dir;
  auto writer = RecordWriter::create(dir / "events");
  ASSERT_TRUE(writer.ok()) << writer.error().message;
  ASSERT_TRUE(writer->write_record("abc").ok());
  ASSERT_TRUE(writer->write_record("").ok());
  ASSERT_TRUE(writer->flush().ok());
  EXPECT_EQ(writer->bytes_written(), kRecordOfAbc.size() + kEmptyRecord.size());
  ASSERT_TRUE(writer->close().ok());
  EXPECT_EQ(read_text_file(dir / "events"), kRecordOfAbc + kEmptyRecord);
  EXPECT_EQ(writer->path(), dir / "events");
}

TEST(TensorBoardRecordWriter, RefusesAnExistingFileAndLeavesItAlone) {
  TemporaryDirectory dir;
  write_text_file(dir / "events", "someone else's");
  const auto writer = RecordWriter::create(dir / "events");
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.error().message.find((dir / "events").string()), std::string::npos) << writer.error().message;
  EXPECT_EQ(read_text_file(dir / "events"), "someone else's");
}

TEST(TensorBoardRecordWriter, MissingFolderIsAnErrorNotACrash) {
  TemporaryDirectory dir;
  const auto writer = RecordWriter::create(dir / "no-such-folder" / "events");
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.error().message.find("no-such-folder"), std::string::npos) << writer.error().message;
}

}  // namespace
}  // namespace vgsales::tensorboard
