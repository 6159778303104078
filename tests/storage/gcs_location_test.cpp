// gs:// URIs: what parses, what is refused and why.
#include "storage/gcs_location.h"

#include <gtest/gtest.h>

namespace vgsales::storage {
namespace {

TEST(StorageGcsLocation, ParsesBucketAndFolderPrefix) {
  auto location = parse_gcs_uri("gs://my-models/exports/earnings/");
  ASSERT_TRUE(location.ok()) << location.error().message;
  EXPECT_EQ(location->bucket, "my-models");
  EXPECT_EQ(location->prefix, "exports/earnings/");
  EXPECT_EQ(location->uri(), "gs://my-models/exports/earnings");
  EXPECT_EQ(location->child("3").uri(), "gs://my-models/exports/earnings/3");
  EXPECT_EQ(location->child("3").prefix, "exports/earnings/3/");
}

TEST(StorageGcsLocation, TheBucketRootHasAnEmptyPrefix) {
  auto location = parse_gcs_uri("gs://models");
  ASSERT_TRUE(location.ok());
  EXPECT_EQ(location->prefix, "");
  EXPECT_EQ(location->uri(), "gs://models");
  EXPECT_EQ(location->child("1").prefix, "1/");
}

TEST(StorageGcsLocation, RefusesWhatIsNoBucketOrEscapesTheFolder) {
  for (const char* bad : {"gs://", "gs://AB/x", "gs://ab/x", "gs://-bucket/x", "gs://bucket/a//b", "gs://bucket/../x",
                          "gs://bucket/a/./b", "/local/path", "s3://bucket/x"}) {
    auto location = parse_gcs_uri(bad);
    ASSERT_FALSE(location.ok()) << bad;
    EXPECT_EQ(location.error().kind, ErrorKind::usage) << bad;
    EXPECT_NE(location.error().message.find(bad), std::string::npos) << location.error().message;
  }
  EXPECT_TRUE(is_gcs_uri("gs://x"));
  EXPECT_FALSE(is_gcs_uri("models/gs://x"));
}

}  // namespace
}  // namespace vgsales::storage
