// Reading an event file's events back through the project's own record reader (tests that link the tensorboard
// stage; event_file_paths.h stays free of it for the tests that only run the binary).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "tensorboard/event.pb.h"
#include "tensorboard/record_reader.h"

namespace vgsales::tensorboard::testing {

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
