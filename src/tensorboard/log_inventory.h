// What a TensorBoard log directory holds, read with every CRC checked: what `vgsales logs` prints.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace vgsales::tensorboard {

struct TagInventory {
  std::string tag;
  std::string kind;  // scalar, histogram, image, text, hparams, custom_scalars, tensor, audio
  long long values = 0;
  long long first_step = 0;
  long long last_step = 0;
  std::string last_value;  // human-readable: a number, "480x480 PNG", a text's first line...
};

struct EventFileInventory {
  std::filesystem::path path;
  std::uint64_t bytes = 0;
  long long records = 0;              // whole records with valid CRCs
  std::string file_version;           // from the first record, e.g. "brain.Event:2"
  std::vector<std::string> problems;  // "<path>: truncated record at offset 123 ..."
};

struct RunInventory {
  std::string name;  // relative to the log directory, "." for the directory itself
  std::vector<EventFileInventory> files;
  std::vector<TagInventory> tags;  // sorted by tag
  int graphs = 0;                  // Event.graph_def records
  std::uint64_t graph_bytes = 0;   // size of the last one
};

struct LogInventory {
  std::filesystem::path logdir;
  std::vector<RunInventory> runs;  // sorted by name
  std::vector<std::string> problems;  // every file's problems, plus folders that could not be listed

  bool has_problems() const { return !problems.empty(); }
};

// Finds event files (basename containing "tfevents") under `logdir` and reads them all; damaged
// files are reported in `problems` and read as far as they can be. Fails only if `logdir` is missing.
Result<LogInventory> inventory_log_directory(const std::filesystem::path& logdir);

std::string format_log_inventory(const LogInventory& inventory);

}  // namespace vgsales::tensorboard
