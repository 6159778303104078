// Finding the event files a test's run wrote, by the "tfevents" infix TensorBoard itself looks for.
#pragma once

#include <filesystem>
#include <vector>

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

}  // namespace vgsales::tensorboard::testing
