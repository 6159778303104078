// Finding the event files a test's run wrote, by the "tfevents" infix TensorBoard itself looks for, and reading
// their events back through the project's own record reader.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "tensorboard/event.pb.h"
#include "tensorboard/record_reader.h"

namespace vgsales::tensorboard::testing {

inline std::vector<std::filesystem::path> event_files_in(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().filename().string().find("tfevents") != std::string::npos) {
      files.push_back(entry.path());
    }
  }
  return files;
}

// The one event file of a split folder, or an empty path when there is none or more than one.
inline std::filesystem::path only_event_file(const std::filesystem::path& folder) {
  const auto files = event_files_in(folder);
  return files.size() == 1 ? files.front() : std::filesystem::path();
}

// Every event of an event file, in order; a damaged record or an unparsable event fails the calling test.
inline std::vector<tensorflow::Event> read_events(const std::filesystem::path& file) {
  std::vector<tensorflow::Event> events;
  Result<RecordScan> scan = read_record_file(file);
  EXPECT_TRUE(scan.ok()) << file;
  if (!scan.ok()) return events;
  EXPECT_TRUE(scan->problems.empty()) << file;
  for (const Record& record : scan->records) {
    EXPECT_TRUE(events.emplace_back().ParseFromString(record.data)) << file << " at offset " << record.offset;
  }
  return events;
}

}  // namespace vgsales::tensorboard::testing
