// One TensorBoard event file: names it, writes the file-version record first, then Events.
#pragma once

#include <filesystem>
#include <set>
#include <string>

#include "common/result.h"
#include "tensorboard/event.pb.h"
#include "tensorboard/record_writer.h"

namespace vgsales::tensorboard {

constexpr const char* kEventFileVersion = "brain.Event:2";  // tensorflow/core/util/events_writer.h
constexpr const char* kEventFileWriterName = "vgsales";

// "events.out.tfevents.<10-digit unix seconds>.<hostname>.<pid>.<sequence>": TensorBoard finds files by
// the "tfevents" infix and reads a run's files in name order, hence the zero-padded time.
std::string event_file_name(long long unix_seconds);

// Seconds since the epoch with sub-second precision, as Event.wall_time wants it.
double wall_time_now();

class EventFileWriter {
 public:
  // Creates a new event file in `directory` (which must exist) and writes its first record.
  static Result<EventFileWriter> create(const std::filesystem::path& directory);

  Result<void> write_event(const tensorflow::Event& event);
  // Writes `summary` at `step`. Each value's metadata is kept only on the first event of its tag in
  // this file (TensorBoard reads it from there and nowhere else: dataclass_compat.py, data_compat.rs).
  Result<void> write_summary(tensorflow::Summary summary, long long step, double wall_time);
  // As write_summary, but every value keeps its metadata, as TensorFlow 2's writers do. TensorBoard still
  // shows the first event's metadata at every step, so such metadata must not change between steps.
  Result<void> write_summary_keeping_metadata(tensorflow::Summary summary, long long step, double wall_time);
  Result<void> flush() { return records_.flush(); }
  Result<void> close() { return records_.close(); }

  const std::filesystem::path& path() const { return records_.path(); }

 private:
  explicit EventFileWriter(RecordWriter records) : records_(std::move(records)) {}
  RecordWriter records_;
  std::set<std::string> tags_with_metadata_;
};

}  // namespace vgsales::tensorboard
