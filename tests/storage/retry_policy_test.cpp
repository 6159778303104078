// Which answers are retried and how long the waits are (Google's truncated exponential backoff with jitter).
#include "storage/retry_policy.h"

#include <gtest/gtest.h>

namespace vgsales::storage {
namespace {

TEST(StorageRetryPolicy, TransientStatusesAreThoseGoogleLists) {
  for (long status : {408L, 429L, 500L, 502L, 503L, 504L}) EXPECT_TRUE(is_retryable_status(status)) << status;
  for (long status : {200L, 400L, 401L, 403L, 404L, 409L, 412L}) EXPECT_FALSE(is_retryable_status(status)) << status;
}

TEST(StorageRetryPolicy, WaitsDoubleFromTheInitialOneUpToTheMaximumPlusJitter) {
  const RetryPolicy policy;  // 1 s, doubling, at most 32 s, up to 1 s of jitter
  EXPECT_EQ(backoff_delay(policy, 0, 0.0).count(), 1000);
  EXPECT_EQ(backoff_delay(policy, 1, 0.0).count(), 2000);
  EXPECT_EQ(backoff_delay(policy, 2, 0.5).count(), 4500);
  EXPECT_EQ(backoff_delay(policy, 4, 0.999).count(), 16999);
  EXPECT_EQ(backoff_delay(policy, 5, 0.9).count(), 32000);   // truncated
  EXPECT_EQ(backoff_delay(policy, 40, 0.9).count(), 32000);  // no overflow far out
}

}  // namespace
}  // namespace vgsales::storage
