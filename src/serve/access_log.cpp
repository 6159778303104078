// JSON-lines access log writing.
#include "serve/access_log.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace vgsales::serve {

namespace {

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, static_cast<int>(millis));
  return buffer;
}

}  // namespace

std::string format_access_log_line(const AccessLogEntry& entry) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto text = [&writer](const char* key, std::string_view value) {
    writer.Key(key);
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartObject();
  text("time", utc_timestamp());
  text("remote", entry.remote);
  text("method", entry.method);
  text("target", entry.target);
  writer.Key("status");
  writer.Int(entry.status);
  text("route", entry.route);
  writer.Key("request_bytes");
  writer.Uint64(entry.request_bytes);
  writer.Key("response_bytes");
  writer.Uint64(entry.response_bytes);
  writer.Key("instances");
  writer.Uint64(entry.instances);
  writer.Key("duration_ms");
  writer.Double(entry.duration_ms);
  writer.Key("model_version");
  writer.Int64(entry.model_version);
  writer.EndObject();
  return buffer.GetString();
}

Result<std::unique_ptr<AccessLog>> AccessLog::open(const std::string& destination) {
  if (destination == "-") return std::unique_ptr<AccessLog>(new AccessLog(stdout, false));
  std::FILE* file = std::fopen(destination.c_str(), "ae");
  if (!file) {
    return make_error(ErrorKind::io, "cannot open access log " + destination + ": " + std::strerror(errno));
  }
  return std::unique_ptr<AccessLog>(new AccessLog(file, true));
}

AccessLog::~AccessLog() {
  if (owned_) std::fclose(file_);
  else std::fflush(file_);
}

void AccessLog::write(const AccessLogEntry& entry) {
  std::string line = format_access_log_line(entry);
  line += '\n';
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

}  // namespace vgsales::serve
