// Event files as TensorBoard's writers name and start them (tensorboard/summary/writer/event_file_writer.py,
// tensorflow/core/util/events_writer.cc).
#include "tensorboard/event_file_writer.h"

#include <unistd.h>

#include <fmt/format.h>
#include <atomic>
#include <chrono>

namespace vgsales::tensorboard {
namespace {

std::string host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof(buffer) - 1) != 0 || buffer[0] == '\0') return "localhost";
  std::string name(buffer);
  // A '/' would turn the name into a path; hostnames never hold one, but be sure.
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return name;
}

}  // namespace

std::string event_file_name(long long unix_seconds) {
  static std::atomic<int> sequence{0};
  return fmt::format("events.out.tfevents.{:010d}.{}.{}.{}", unix_seconds, host_name(), ::getpid(), sequence++);
}

double wall_time_now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(since_epoch).count();
}

Result<EventFileWriter> EventFileWriter::create(const std::filesystem::path& directory) {
  const double now = wall_time_now();
  VGSALES_ASSIGN_OR_RETURN(RecordWriter records,
                           RecordWriter::create(directory / event_file_name(static_cast<long long>(now))));
  EventFileWriter writer(std::move(records));
  tensorflow::Event first;
  first.set_wall_time(now);
  first.set_file_version(kEventFileVersion);
  first.mutable_source_metadata()->set_writer(kEventFileWriterName);
  VGSALES_TRY(writer.write_event(first));
  return writer;
}

Result<void> EventFileWriter::write_event(const tensorflow::Event& event) {
  std::string bytes;
  if (!event.SerializeToString(&bytes)) {
    return make_error(ErrorKind::internal, fmt::format("{}: cannot serialize an event", path().string()));
  }
  return records_.write_record(bytes);
}

Result<void> EventFileWriter::write_summary(tensorflow::Summary summary, long long step, double wall_time) {
  for (auto& value : *summary.mutable_value()) {
    if (!value.has_metadata()) continue;
    if (!tags_with_metadata_.insert(value.tag()).second) value.clear_metadata();
  }
  return write_summary_keeping_metadata(std::move(summary), step, wall_time);
}

Result<void> EventFileWriter::write_summary_keeping_metadata(tensorflow::Summary summary, long long step,
                                                             double wall_time) {
  for (const auto& value : summary.value()) {
    if (value.has_metadata()) tags_with_metadata_.insert(value.tag());
  }
  tensorflow::Event event;
  event.set_wall_time(wall_time);
  event.set_step(step);
  *event.mutable_summary() = std::move(summary);
  return write_event(event);
}

}  // namespace vgsales::tensorboard
