// The limits that keep one client (slow, hostile or broken) from starving the others, each declared once:
// the default is the field's initialiser, the flag, bounds and help text are its HttpLimitFlag beside it.
#pragma once

#include <cstddef>

#include "common/result.h"

namespace vgsales::serve {

struct HttpLimits {
  // Open connections at once; past it the longest-idle keep-alive connection is closed to make room, or, when
  // none is idle, the new connection gets a 503 and is closed (nginx's worker_connections behaves the same).
  std::size_t max_connections = 4096;
  // From a request's first byte to the end of its header; a client trickling its header (slowloris) is cut.
  double header_timeout_seconds = 10;
  // From the end of the header to the end of the body.
  double body_timeout_seconds = 30;
  // For writing one answer; a client that never reads its answers is cut.
  double write_timeout_seconds = 30;
  // The header fields together (and, on its own, the request line: Beast counts them apart); more fields get
  // 431 Request Header Fields Too Large (RFC 6585), a longer request line 414.
  std::size_t max_header_bytes = 16 * 1024;
  // The request target; longer gets 414 URI Too Long (RFC 9110 section 15.5.15).
  std::size_t max_url_bytes = 8 * 1024;
};

// One limit as the `serve` command shows it.
struct HttpLimitFlag {
  const char* flag;
  const char* help;
  double min;
  double max;
};

inline constexpr HttpLimitFlag kMaxConnectionsFlag{
    "--max-connections",
    "open connections at once; past it idle keep-alive connections are closed, or new ones get 503", 1, 1 << 20};
inline constexpr HttpLimitFlag kHeaderTimeoutFlag{"--header-timeout-seconds",
                                                  "a request's header must arrive within this from its first byte",
                                                  0.001, 3600};
inline constexpr HttpLimitFlag kBodyTimeoutFlag{"--body-timeout-seconds",
                                                "a request's body must arrive within this after its header", 0.001,
                                                3600};
inline constexpr HttpLimitFlag kWriteTimeoutFlag{
    "--write-timeout-seconds", "an answer must be taken by the client within this, else the connection closes", 0.001,
    3600};
inline constexpr HttpLimitFlag kMaxHeaderBytesFlag{"--max-header-bytes",
                                                   "header fields together (the request line apart); larger gets 431",
                                                   256, 1 << 24};
inline constexpr HttpLimitFlag kMaxUrlBytesFlag{"--max-url-bytes", "request target; longer gets 414", 64, 1 << 24};

// Checks every limit against its flag's bounds, naming the flag.
Result<void> validate_http_limits(const HttpLimits& limits);

}  // namespace vgsales::serve
