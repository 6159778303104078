// When and how long to wait before repeating a Cloud Storage request, as Google's retry strategy says
// (https://cloud.google.com/storage/docs/retry-strategy): HTTP 408, 429 and 5xx, timeouts and dropped connections
// are transient; everything else is not. Only idempotent requests are repeated: reads, and uploads made
// conditional with ifGenerationMatch. Waits are truncated binary exponential backoff with random jitter
// (https://cloud.google.com/storage/docs/exponential-backoff): min(initial * 2^n + up to `jitter`, maximum).
#pragma once

#include <chrono>

namespace vgsales::storage {

struct RetryPolicy {
  int max_attempts = 5;  // the first try included; a poll tries again later anyway
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds maximum_backoff{32'000};
  std::chrono::milliseconds jitter{1000};  // uniform in [0, jitter], drawn afresh for every wait
};

// True for the HTTP statuses Google lists as transient.
bool is_retryable_status(long status);

// The wait before attempt `retry` + 1 (retry 0 is the first repetition); `unit_random` in [0, 1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, double unit_random);

}  // namespace vgsales::storage
