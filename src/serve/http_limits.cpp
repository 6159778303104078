// Bounds checks of the server's limits; see http_limits.h.
#include "serve/http_limits.h"

#include <fmt/format.h>

namespace vgsales::serve {

namespace {

Result<void> check(const HttpLimitFlag& flag, double value) {
  if (!(value >= flag.min && value <= flag.max)) {
    return make_error(ErrorKind::usage,
                      fmt::format("{} must be in {:g}..{:g} (got {:g})", flag.flag, flag.min, flag.max, value));
  }
  return {};
}

}  // namespace

Result<void> validate_http_limits(const HttpLimits& limits) {
  VGSALES_TRY(check(kMaxConnectionsFlag, static_cast<double>(limits.max_connections)));
  VGSALES_TRY(check(kHeaderTimeoutFlag, limits.header_timeout_seconds));
  VGSALES_TRY(check(kBodyTimeoutFlag, limits.body_timeout_seconds));
  VGSALES_TRY(check(kWriteTimeoutFlag, limits.write_timeout_seconds));
  VGSALES_TRY(check(kMaxHeaderBytesFlag, static_cast<double>(limits.max_header_bytes)));
  VGSALES_TRY(check(kMaxUrlBytesFlag, static_cast<double>(limits.max_url_bytes)));
  return {};
}

}  // namespace vgsales::serve
