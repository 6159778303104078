// `vgsales logs` reading: damaged files are reported by name and offset, the rest is still listed.
#include "tensorboard/log_inventory.h"

#include <gtest/gtest.h>

#include "event_file_paths.h"
#include "support/test_support.h"
#include "synthetic_run.h"
#include "tensorboard/tensorboard_observer.h"

namespace vgsales::tensorboard {
namespace {

namespace fs = std::filesystem;
using vgsales::testing::TemporaryDirectory;

void write_run(const fs::path& logdir, const std::string& name) {
  auto observer = open_tensorboard_observer({.logdir = logdir, .run_name = name, .histogram_freq = 1});
  ASSERT_TRUE(observer.ok());
  const TrainingRunInfo info = testing::make_run_info(3, false);
  ASSERT_TRUE((*observer)->on_train_begin(info).ok());
  testing::drive_run(**observer, info);
}

TEST(TensorboardLogInventory, MissingDirectoryIsNotFound) {
  Result<LogInventory> inventory = inventory_log_directory("/nonexistent/vgsales-logs");
  ASSERT_FALSE(inventory.ok());
  EXPECT_EQ(inventory.error().kind, ErrorKind::not_found);
  EXPECT_NE(inventory.error().message.find("/nonexistent/vgsales-logs"), std::string::npos);
}

TEST(TensorboardLogInventory, EmptyDirectoryHasNoRunsAndNoProblems) {
  TemporaryDirectory directory;
  Result<LogInventory> inventory = inventory_log_directory(directory.path());
  ASSERT_TRUE(inventory.ok());
  EXPECT_TRUE(inventory->runs.empty());
  EXPECT_FALSE(inventory->has_problems());
}

TEST(TensorboardLogInventory, FormatListsRunsTagsAndValidCrcs) {
  TemporaryDirectory directory;
  write_run(directory.path(), "fine");
  Result<LogInventory> inventory = inventory_log_directory(directory.path());
  ASSERT_TRUE(inventory.ok());
  const std::string text = format_log_inventory(*inventory);
  EXPECT_NE(text.find(": 1 training run, 3 event files in 3 folders"), std::string::npos) << text;
  EXPECT_NE(text.find("run fine: splits train, test"), std::string::npos) << text;
  EXPECT_NE(text.find("folder fine/train (train split)"), std::string::npos) << text;
  EXPECT_NE(text.find("folder fine (the run's own folder)"), std::string::npos) << text;
  EXPECT_NE(text.find("all CRCs valid"), std::string::npos);
  EXPECT_NE(text.find("epoch_loss"), std::string::npos);
  EXPECT_NE(text.find("1..3 (3)"), std::string::npos);
  EXPECT_EQ(text.find("problems"), std::string::npos);
}

TEST(TensorboardLogInventory, TruncatedAndBitFlippedFilesAreReportedAndTheRestIsRead) {
  TemporaryDirectory directory;
  write_run(directory.path(), "cut");
  write_run(directory.path(), "flipped");
  write_run(directory.path(), "intact");
  const fs::path cut = testing::only_event_file(directory / "cut" / "test");
  const auto cut_size = fs::file_size(cut);
  fs::resize_file(cut, cut_size - 5);  // a killed writer: the last record lacks its tail
  const fs::path flipped = testing::only_event_file(directory / "flipped" / "train");
  std::string bytes = vgsales::testing::read_text_file(flipped);
  const std::size_t target = bytes.size() / 2;
  bytes[target] = static_cast<char>(bytes[target] ^ 0x04);
  vgsales::testing::write_text_file(flipped, bytes);

  Result<LogInventory> inventory = inventory_log_directory(directory.path());
  ASSERT_TRUE(inventory.ok());
  ASSERT_TRUE(inventory->has_problems());
  ASSERT_EQ(inventory->problems.size(), 2u) << format_log_inventory(*inventory);
  const std::string all = inventory->problems[0] + "\n" + inventory->problems[1];
  EXPECT_NE(all.find(cut.string() + ": truncated record at offset "), std::string::npos) << all;
  EXPECT_NE(all.find(flipped.string() + ": corrupt record at offset "), std::string::npos) << all;
  // Every run is still listed, and the truncated file keeps all but its last record.
  EXPECT_EQ(inventory->runs.size(), 3u);
  EXPECT_EQ(inventory->folder_count(), 9u);
  const FolderInventory* cut_test = inventory->find_folder("cut/test");
  ASSERT_NE(cut_test, nullptr);
  bool found_loss = false;
  for (const auto& tag : cut_test->tags) {
    if (tag.tag == "epoch_loss") {
      found_loss = true;
      EXPECT_EQ(tag.values, 3);
    }
  }
  EXPECT_TRUE(found_loss);
  EXPECT_NE(format_log_inventory(*inventory).find("DAMAGED"), std::string::npos);
}

// A person counts training runs, not folders: `vgsales logs` once called one training run "3 runs".
TEST(TensorboardLogInventory, SplitFoldersBelongToTheirRun) {
  TemporaryDirectory directory;
  write_run(directory.path(), "first");
  write_run(directory / "nested", "second");
  // Split folders with no event file of the run's own (as Keras writes them) still make one run.
  for (const char* folder : {"train", "validation"}) {
    fs::create_directories(directory / "flat" / folder);
    fs::copy_file(testing::only_event_file(directory / "first" / "train"),
                  directory / "flat" / folder / "events.out.tfevents.0000000001.host");
  }
  Result<LogInventory> inventory = inventory_log_directory(directory.path());
  ASSERT_TRUE(inventory.ok());
  std::vector<std::string> names;
  for (const auto& run : inventory->runs) names.push_back(run.name);
  EXPECT_EQ(names, (std::vector<std::string>{"first", "flat", "nested/second"}));
  for (const auto& run : inventory->runs) {
    if (run.name == "flat") {
      EXPECT_EQ(run.split_names(), (std::vector<std::string>{"train", "validation"}));
      ASSERT_EQ(run.folders.size(), 2u);
      EXPECT_EQ(run.folders[0].name, "flat/train");
    } else {
      EXPECT_EQ(run.split_names(), (std::vector<std::string>{"train", "test"})) << run.name;
      ASSERT_EQ(run.folders.size(), 3u) << run.name;
      EXPECT_EQ(run.folders[0].name, run.name);
      EXPECT_EQ(run.folders[0].split, "");
    }
  }
  const std::string text = format_log_inventory(*inventory);
  EXPECT_NE(text.find(": 3 training runs, 8 event files in 8 folders"), std::string::npos) << text;
  EXPECT_NE(text.find("run nested/second: splits train, test"), std::string::npos) << text;
  // Pointed at a run folder itself, the log directory is the one run.
  Result<LogInventory> flat = inventory_log_directory(directory / "flat");
  ASSERT_TRUE(flat.ok());
  ASSERT_EQ(flat->runs.size(), 1u);
  EXPECT_EQ(flat->runs[0].name, ".");
  EXPECT_EQ(flat->runs[0].split_names(), (std::vector<std::string>{"train", "validation"}));
}

TEST(TensorboardLogInventory, GarbageFileIsReportedNotFatal) {
  TemporaryDirectory directory;
  vgsales::testing::write_text_file(directory / "run" / "events.out.tfevents.0000000001.host", "garbage!!!!!!!!!!");
  Result<LogInventory> inventory = inventory_log_directory(directory.path());
  ASSERT_TRUE(inventory.ok());
  ASSERT_EQ(inventory->problems.size(), 1u);
  EXPECT_NE(inventory->problems[0].find("offset 0"), std::string::npos) << inventory->problems[0];
}

}  // namespace
}  // namespace vgsales::tensorboard
