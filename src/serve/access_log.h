// A JSON-lines access log: one object per answered request, to a file or standard output.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vgsales::serve {

struct AccessLogEntry {
  std::string_view remote;  // "127.0.0.1:53412"
  std::string_view method;
  std::string_view target;
  int status = 0;
  std::string_view route;
  std::size_t request_bytes = 0;
  std::size_t response_bytes = 0;
  std::size_t instances = 0;
  double duration_ms = 0;
  long long model_version = 0;
};

// The JSON text of one entry (no newline), with the time in UTC as RFC 3339 with milliseconds.
std::string format_access_log_line(const AccessLogEntry& entry);

class AccessLog {
 public:
  // "-" is standard output; anything else a file opened for appending.
  static Result<std::unique_ptr<AccessLog>> open(const std::string& destination);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Thread-safe; each line is written and flushed whole, so concurrent requests never interleave.
  void write(const AccessLogEntry& entry);

 private:
  AccessLog(std::FILE* file, bool owned) : file_(file), owned_(owned) {}
  std::mutex mutex_;
  std::FILE* file_;
  bool owned_;
};

}  // namespace vgsales::serve
