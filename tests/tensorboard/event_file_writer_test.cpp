// Tests of src/tensorboard/event_file_writer: the file's name and first record as TensorFlow writes them, and which
// events keep their summary metadata (TensorBoard reads a tag's metadata from its first event in a file only).
#include "tensorboard/event_file_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "event_file_paths.h"
#include "event_file_reading.h"
#include "support/test_support.h"
#include "tensorboard/summaries.h"

namespace vgsales::tensorboard {
namespace {

tensorflow::Summary scalar(const std::string& tag, double value) {
  tensorflow::Summary summary;
  *summary.add_value() = make_scalar_value(tag, value);
  return summary;
}

TEST(TensorboardEventFile, NameAndFirstRecordFollowTensorFlow) {
  const std::string name = event_file_name(1700000000);
  EXPECT_EQ(name.rfind("events.out.tfevents.1700000000.", 0), 0u) << name;
  EXPECT_EQ(event_file_name(42).substr(0, 31), "events.out.tfevents.0000000042.");
  EXPECT_TRUE(std::regex_match(name, std::regex(R"(events\.out\.tfevents\.\d{10}\..+\.\d+\.\d+)"))) << name;
  vgsales::testing::TemporaryDirectory directory;
  std::filesystem::path path;
  {
    auto writer = EventFileWriter::create(directory.path());
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    path = writer->path();
  }
  EXPECT_EQ(path.parent_path(), directory.path());
  const auto events = testing::read_events(path);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].file_version(), kEventFileVersion);
  EXPECT_GT(events[0].wall_time(), 1.6e9);
}

TEST(TensorboardEventFile, TwoWritersInOneFolderGetTwoFiles) {
  vgsales::testing::TemporaryDirectory directory;
  auto first = EventFileWriter::create(directory.path());
  auto second = EventFileWriter::create(directory.path());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->path(), second->path());
  EXPECT_EQ(testing::event_files_in(directory.path()).size(), 2u);
}

TEST(TensorboardEventFile, MetadataOnlyOnATagsFirstEventUnlessKept) {
  vgsales::testing::TemporaryDirectory directory;
  std::filesystem::path path;
  {
    auto writer = EventFileWriter::create(directory.path());
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    path = writer->path();
    ASSERT_TRUE(writer->write_summary(scalar("loss", 1.0), 1, 100.0).ok());
    ASSERT_TRUE(writer->write_summary(scalar("loss", 0.5), 2, 101.0).ok());
    ASSERT_TRUE(writer->write_summary(scalar("rmse", 2.0), 2, 101.0).ok());
    ASSERT_TRUE(writer->write_summary_keeping_metadata(scalar("lr", 0.1), 1, 100.0).ok());
    ASSERT_TRUE(writer->write_summary_keeping_metadata(scalar("lr", 0.1), 2, 101.0).ok());
  }
  const auto events = testing::read_events(path);
  ASSERT_EQ(events.size(), 6u);
  EXPECT_TRUE(events[1].summary().value(0).has_metadata());   // loss, first
  EXPECT_FALSE(events[2].summary().value(0).has_metadata());  // loss again
  EXPECT_TRUE(events[3].summary().value(0).has_metadata());   // rmse, first of its tag
  EXPECT_TRUE(events[4].summary().value(0).has_metadata());   // lr, kept
  EXPECT_TRUE(events[5].summary().value(0).has_metadata());   // lr, kept again
  EXPECT_EQ(events[2].step(), 2);
  EXPECT_DOUBLE_EQ(events[2].wall_time(), 101.0);
}

TEST(TensorboardEventFile, MissingFolderIsAnError) {
  vgsales::testing::TemporaryDirectory directory;
  const auto writer = EventFileWriter::create(directory / "absent");
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.error().message.find("absent"), std::string::npos) << writer.error().message;
}

}  // namespace
}  // namespace vgsales::tensorboard
