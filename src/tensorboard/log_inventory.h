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

// One folder holding event files: what TensorBoard lists as a run ("baseline/train").
struct FolderInventory {
  std::string name;   // relative to the log directory, "." for the directory itself
  std::string split;  // "train", "validation" or "test" for a split folder; "" for a run's own folder
  std::vector<EventFileInventory> files;
  std::vector<TagInventory> tags;  // sorted by tag
  int graphs = 0;                  // Event.graph_def records
  std::uint64_t graph_bytes = 0;   // size of the last one
};

// A training run as a person counts them: the run folder `vgsales train` (or Keras) writes, with its
// own event file (the hparams session) and its split folders train/, validation/, test/. A folder named
// like a split belongs to the run of its parent folder; any other folder with event files is a run.
struct RunInventory {
  std::string name;                      // relative to the log directory, "." for the directory itself
  std::vector<FolderInventory> folders;  // the run's own folder first (when it has event files), then splits
  std::vector<std::string> split_names() const;
};

struct LogInventory {
  std::filesystem::path logdir;
  std::vector<RunInventory> runs;     // sorted by name
  std::vector<std::string> problems;  // every file's problems, plus folders that could not be listed

  bool has_problems() const { return !problems.empty(); }
  std::size_t folder_count() const;
  // A folder by its name relative to the log directory ("baseline/train"); nullptr if absent.
  const FolderInventory* find_folder(const std::string& name) const;
};

// The split folder names that group under their parent folder's run.
bool is_split_folder_name(const std::string& name);

// Finds event files (basename containing "tfevents") under `logdir` and reads them all; damaged
// files are reported in `problems` and read as far as they can be. Fails only if `logdir` is missing.
Result<LogInventory> inventory_log_directory(const std::filesystem::path& logdir);

std::string format_log_inventory(const LogInventory& inventory);

}  // namespace vgsales::tensorboard
