// The JSON API client against the in-memory Cloud Storage: pages, retries, errors naming object and status, and
// the environment's choice of endpoint and credentials (with no request leaving the process).
#include "storage/gcs_client.h"

#include <gtest/gtest.h>

#include <map>

#include "storage/in_memory_gcs.h"

namespace vgsales::storage {
namespace {

using testing::InMemoryGcs;

struct ClientFixture {
  std::shared_ptr<InMemoryGcs> gcs = std::make_shared<InMemoryGcs>();
  std::vector<long long> waits;
  GcsClient client{gcs, "http://127.0.0.1:9", nullptr,
                   RetryPolicy{4, std::chrono::milliseconds(100), std::chrono::milliseconds(1000),
                               std::chrono::milliseconds(0)},
                   [this](std::chrono::milliseconds wait) { waits.push_back(wait.count()); }};
};

TEST(StorageGcsClient, ListsEveryPageUnderThePrefix) {
  ClientFixture f;
  for (const char* name : {"base/1/a", "base/1/b", "base/2/a", "other/x", "base/3/a"}) f.gcs->put(name, "x");
  auto objects = f.client.list_objects("b", "base/");
  ASSERT_TRUE(objects.ok()) << objects.error().message;
  ASSERT_EQ(objects->size(), 4u);  // two pages of two
  EXPECT_EQ((*objects)[3].name, "base/3/a");
  EXPECT_EQ((*objects)[0].size, 1);
  EXPECT_GT((*objects)[0].generation, 0);
  EXPECT_EQ(f.gcs->requests.size(), 2u);
}

TEST(StorageGcsClient, RetriesTransientFailuresWithGrowingWaits) {
  ClientFixture f;
  f.gcs->put("base/1/a", "x");
  f.gcs->fail_next("/o?prefix", {503, "backend error"});
  f.gcs->fail_next("/o?prefix", {0, "connection reset"});
  f.gcs->fail_next("/o?prefix", {429, "slow down"});
  auto objects = f.client.list_objects("b", "base/");
  ASSERT_TRUE(objects.ok()) << objects.error().message;
  EXPECT_EQ(objects->size(), 1u);
  EXPECT_EQ(f.waits, (std::vector<long long>{100, 200, 400}));
}

TEST(StorageGcsClient, GivesUpAfterTheLastAttemptNamingObjectAndStatus) {
  ClientFixture f;
  for (int i = 0; i < 4; ++i) f.gcs->fail_next("/o?prefix", {503, "backend error"});
  auto objects = f.client.list_objects("b", "base/");
  ASSERT_FALSE(objects.ok());
  EXPECT_EQ(objects.error().kind, ErrorKind::io);
  EXPECT_NE(objects.error().message.find("gs://b/base/"), std::string::npos) << objects.error().message;
  EXPECT_NE(objects.error().message.find("HTTP 503"), std::string::npos) << objects.error().message;
  EXPECT_NE(objects.error().message.find("after 4 attempts"), std::string::npos) << objects.error().message;
  EXPECT_EQ(f.waits.size(), 3u);
}

TEST(StorageGcsClient, PermanentErrorsAreNotRetriedAndSayWhatToDo) {
  const std::map<long, std::string> expected = {{401, "unauthenticated"},
                                                {403, "permission denied"},
                                                {404, "not found"}};
  for (const auto& [status, words] : expected) {
    ClientFixture f;
    f.gcs->fail_next("alt=media", {status, "{}"});
    auto bytes = f.client.download("b", GcsObject{"base/1/model.json", 7, 2}, 100);
    ASSERT_FALSE(bytes.ok()) << status;
    const std::string& message = bytes.error().message;
    EXPECT_NE(message.find("gs://b/base/1/model.json (generation 7)"), std::string::npos) << message;
    EXPECT_NE(message.find("HTTP " + std::to_string(status) + " " + words), std::string::npos) << message;
    EXPECT_TRUE(f.waits.empty()) << status;
    EXPECT_EQ(bytes.error().kind, status == 404 ? ErrorKind::not_found : ErrorKind::io);
  }
}

TEST(StorageGcsClient, DownloadAsksForTheListedGenerationOnly) {
  ClientFixture f;
  const long long first = f.gcs->put("base/1/model.json", "{}");
  f.gcs->put("base/1/model.json", "{\"newer\": 1}");
  auto old_bytes = f.client.download("b", GcsObject{"base/1/model.json", first, 2}, 100);
  ASSERT_FALSE(old_bytes.ok());  // replaced since listed: never the newer bytes
  EXPECT_EQ(old_bytes.error().kind, ErrorKind::not_found);
  EXPECT_NE(f.gcs->requests.back().url.find("generation=" + std::to_string(first)), std::string::npos);
}

TEST(StorageGcsClient, AShortBodyIsAnInterruptedDownload) {
  ClientFixture f;
  const long long generation = f.gcs->put("base/1/w", "0123456789");
  f.gcs->fail_next("alt=media", {200, "01234"});
  auto bytes = f.client.download("b", GcsObject{"base/1/w", generation, 10}, 100);
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.error().message.find("5 bytes arrived of 10 (an interrupted download)"), std::string::npos)
      << bytes.error().message;
}

TEST(StorageGcsClient, OnlyConditionalUploadsAreRetried) {
  ClientFixture f;
  f.gcs->fail_next("uploadType=media", {503, ""});
  auto unconditional = f.client.upload("b", "base/1/a", "x", false);
  ASSERT_FALSE(unconditional.ok());
  EXPECT_TRUE(f.waits.empty());
  f.gcs->fail_next("uploadType=media", {503, ""});
  auto conditional = f.client.upload("b", "base/1/a", "x", true);
  ASSERT_TRUE(conditional.ok()) << conditional.error().message;
  EXPECT_EQ(f.waits.size(), 1u);
  auto again = f.client.upload("b", "base/1/a", "y", true);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::already_exists);
  EXPECT_EQ(f.gcs->get("base/1/a")->bytes, "x");
}

using Environment = std::map<std::string, std::string>;

std::function<const char*(const char*)> lookup(const Environment& environment) {
  return [&environment](const char* name) -> const char* {
    const auto found = environment.find(name);
    return found == environment.end() ? nullptr : found->second.c_str();
  };
}

TEST(StorageGcsClient, WithTheEmulatorSetNoCredentialIsLookedUp) {
  // Every credential source points somewhere that would fail or be recorded: none may be touched.
  const Environment environment = {{"STORAGE_EMULATOR_HOST", "127.0.0.1:9"},
                                   {"GCE_METADATA_HOST", "127.0.0.1:8"},
                                   {"GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/key.json"}};
  auto gcs = std::make_shared<InMemoryGcs>();
  auto client = make_gcs_client_from_environment(lookup(environment), gcs);
  ASSERT_TRUE(client.ok()) << client.error().message;
  EXPECT_FALSE((*client)->authenticated());
  EXPECT_EQ((*client)->endpoint(), "http://127.0.0.1:9");
  ASSERT_TRUE((*client)->list_objects("b", "base/").ok());
  ASSERT_EQ(gcs->requests.size(), 1u);
  EXPECT_EQ(gcs->requests[0].url.rfind("http://127.0.0.1:9/storage/v1/b/b/o?", 0), 0u) << gcs->requests[0].url;
  for (const auto& [name, value] : gcs->requests[0].headers) EXPECT_NE(name, "Authorization");
}

TEST(StorageGcsClient, WithoutTheEmulatorTheMetadataServerGivesTheToken) {
  const Environment environment = {{"GCE_METADATA_HOST", "127.0.0.1:8"}};
  auto gcs = std::make_shared<InMemoryGcs>();  // answers the token request with a 404: no such route
  auto client = make_gcs_client_from_environment(lookup(environment), gcs, RetryPolicy{1});
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->endpoint(), kStorageEndpoint);
  auto listed = (*client)->list_objects("b", "base/");
  ASSERT_FALSE(listed.ok());
  EXPECT_NE(listed.error().message.find("cannot get an access token from the metadata server at 127.0.0.1:8"),
            std::string::npos)
      << listed.error().message;
  ASSERT_EQ(gcs->requests.size(), 1u);  // the token request only; nothing went to storage.googleapis.com
  EXPECT_EQ(gcs->requests[0].url, "http://127.0.0.1:8/computeMetadata/v1/instance/service-accounts/default/token");
  EXPECT_EQ(gcs->requests[0].headers,
            (std::vector<std::pair<std::string, std::string>>{{"Metadata-Flavor", "Google"}}));
}

TEST(StorageGcsClient, AMissingKeyFileIsNamed) {
  const Environment environment = {{"GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/key.json"}};
  auto client = make_gcs_client_from_environment(lookup(environment), std::make_shared<InMemoryGcs>());
  ASSERT_FALSE(client.ok());
  EXPECT_NE(client.error().message.find("GOOGLE_APPLICATION_CREDENTIALS"), std::string::npos);
  EXPECT_NE(client.error().message.find("/nonexistent/key.json"), std::string::npos) << client.error().message;
}

}  // namespace
}  // namespace vgsales::storage
