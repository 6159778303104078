// Truncated exponential backoff with jitter.
#include "storage/retry_policy.h"

#include <algorithm>

namespace vgsales::storage {

bool is_retryable_status(long status) { return status == 408 || status == 429 || (status >= 500 && status <= 599); }

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, double unit_random) {
  const int doublings = std::clamp(retry, 0, 30);
  const double exponential = static_cast<double>(policy.initial_backoff.count()) *
                             static_cast<double>(1LL << doublings);
  const double jitter = static_cast<double>(policy.jitter.count()) * std::clamp(unit_random, 0.0, 1.0);
  const double wait = std::min(exponential + jitter, static_cast<double>(policy.maximum_backoff.count()));
  return std::chrono::milliseconds(static_cast<long long>(wait));
}

}  // namespace vgsales::storage
