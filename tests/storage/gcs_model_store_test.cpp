// Model versions in (in-memory) Cloud Storage: which versions are complete, the verified and generation-pinned
// download into the bounded cache, refusals, and the upload with SHA256SUMS last.
#include "storage/gcs_model_store.h"

#include <gtest/gtest.h>

#include <map>

#include "common/file_checksums.h"
#include "storage/in_memory_gcs.h"
#include "support/test_support.h"

namespace vgsales::storage {
namespace {

namespace fs = std::filesystem;
using testing::InMemoryGcs;
using vgsales::testing::read_text_file;
using vgsales::testing::TemporaryDirectory;
using vgsales::testing::write_text_file;

using Files = std::map<std::string, std::string>;

Files model_files(const std::string& weights) {
  return {{"model.json", "{\"format\": 3}"}, {"model.safetensors", weights}};
}

struct StoreFixture {
  TemporaryDirectory work;
  std::shared_ptr<InMemoryGcs> gcs = std::make_shared<InMemoryGcs>();
  std::shared_ptr<GcsClient> client =
      std::make_shared<GcsClient>(gcs, "http://127.0.0.1:9", nullptr, RetryPolicy{1}, [](std::chrono::milliseconds) {});
  GcsLocation base{"b", "models/earnings/"};

  // Writes `files` with their SHA256SUMS into a local folder and uploads it as BASE/<version> (SHA256SUMS last).
  void upload(long long version, const Files& files) {
    const fs::path folder = work / ("local-" + std::to_string(version) + "-" + std::to_string(gcs->requests.size()));
    std::vector<std::string> names;
    for (const auto& [name, text] : files) {
      write_text_file(folder / name, text);
      names.push_back(name);
    }
    ASSERT_TRUE(write_checksum_file(folder, names).ok());
    auto uploaded = upload_model_version(*client, base.child(std::to_string(version)), folder, true);
    ASSERT_TRUE(uploaded.ok()) << uploaded.error().message;
  }
  GcsModelVersionSource source(int max_versions = 3, std::size_t max_bytes = 1 << 20) {
    return GcsModelVersionSource(client, base, ModelCacheOptions{work / "cache", max_bytes, max_versions});
  }
  std::size_t media_downloads() const {
    std::size_t count = 0;
    for (const auto& request : gcs->requests) count += request.url.find("alt=media") != std::string::npos;
    return count;
  }
};

std::vector<long long> numbers(const std::vector<StoredVersion>& versions) {
  std::vector<long long> out;
  for (const auto& version : versions) out.push_back(version.version);
  return out;
}

TEST(StorageGcsModelStore, ListsCompleteVersionsHighestFirst) {
  StoreFixture f;
  f.upload(1, model_files("w1"));
  f.upload(10, model_files("w10"));
  f.gcs->put("models/earnings/11/model.json", "{}");  // still uploading: no SHA256SUMS yet
  f.gcs->put("models/earnings/notes/readme.txt", "not a version");
  f.gcs->put("models/earnings/2/", "");  // a console "folder" placeholder
  auto source = f.source();
  auto versions = source.list_versions();
  ASSERT_TRUE(versions.ok()) << versions.error().message;
  EXPECT_EQ(numbers(*versions), (std::vector<long long>{10, 1}));
  EXPECT_EQ((*versions)[0].location, "gs://b/models/earnings/10");
}

TEST(StorageGcsModelStore, AModelDirectoryAtTheBaseIsVersionOne) {
  StoreFixture f;
  f.upload(3, model_files("w3"));
  f.base = GcsLocation{"b", "models/earnings/3/"};  // as AIP_STORAGE_URI names it: the version folder itself
  auto source = f.source();
  auto versions = source.list_versions();
  ASSERT_TRUE(versions.ok()) << versions.error().message;
  ASSERT_EQ(numbers(*versions), (std::vector<long long>{1}));
  EXPECT_EQ((*versions)[0].location, "gs://b/models/earnings/3");
  auto folder = source.materialize((*versions)[0]);
  ASSERT_TRUE(folder.ok()) << folder.error().message;
  EXPECT_EQ(read_text_file(*folder / "model.safetensors"), "w3");
}

TEST(StorageGcsModelStore, DownloadsOnceVerifiedAndServesTheCacheAfterwards) {
  StoreFixture f;
  f.upload(1, model_files("weights-1"));
  auto source = f.source();
  auto versions = source.list_versions();
  ASSERT_TRUE(versions.ok());
  auto folder = source.materialize((*versions)[0]);
  ASSERT_TRUE(folder.ok()) << folder.error().message;
  EXPECT_EQ(read_text_file(*folder / "model.safetensors"), "weights-1");
  EXPECT_TRUE(verify_checksum_file(*folder, {"model.json", "model.safetensors"}).ok());
  const std::size_t downloads = f.media_downloads();
  EXPECT_EQ(downloads, 3u);
  auto again = source.materialize((*source.list_versions())[0]);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *folder);
  EXPECT_EQ(f.media_downloads(), downloads);  // from the cache
}

TEST(StorageGcsModelStore, ADamagedVersionIsRefusedUntilItChanges) {
  StoreFixture f;
  f.upload(2, model_files("weights-2"));
  f.gcs->put("models/earnings/2/model.safetensors", "weights-X");  // damaged after its SHA256SUMS was written
  auto source = f.source();
  const auto versions = *source.list_versions();
  auto refused = source.materialize(versions[0]);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::invalid_data);
  EXPECT_NE(refused.error().message.find("gs://b/models/earnings/2 is refused"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("model.safetensors"), std::string::npos) << refused.error().message;
  const fs::path base_cache = f.work / "cache" / "b" / "models/earnings";
  EXPECT_TRUE(fs::is_empty(base_cache)) << "nothing half-made may be left to load in " << base_cache;
  const std::size_t downloads = f.media_downloads();
  auto refused_again = source.materialize((*source.list_versions())[0]);
  ASSERT_FALSE(refused_again.ok());
  EXPECT_EQ(f.media_downloads(), downloads);                       // the same objects are not fetched again
  f.gcs->put("models/earnings/2/model.safetensors", "weights-2");  // repaired
  auto repaired = source.materialize((*source.list_versions())[0]);
  ASSERT_TRUE(repaired.ok()) << repaired.error().message;
  EXPECT_EQ(read_text_file(*repaired / "model.safetensors"), "weights-2");
}

TEST(StorageGcsModelStore, AVersionReuploadedMidDownloadIsNeverMixed) {
  StoreFixture f;
  f.upload(1, model_files("old-weights"));
  auto source = f.source();
  const auto versions = *source.list_versions();
  bool replaced = false;
  f.gcs->on_download([&](const std::string& name) {
    if (replaced || name.find("model.json") == std::string::npos) return;
    replaced = true;
    f.upload(1, model_files("new-weights"));  // a whole new upload lands between two of our downloads
  });
  auto mixed = source.materialize(versions[0]);
  ASSERT_TRUE(replaced);
  ASSERT_FALSE(mixed.ok());  // the old generations are gone: not a file of the new upload is taken
  EXPECT_NE(mixed.error().message.find("generation"), std::string::npos) << mixed.error().message;
  auto fresh = source.materialize((*source.list_versions())[0]);  // the next poll sees the new upload whole
  ASSERT_TRUE(fresh.ok()) << fresh.error().message;
  EXPECT_EQ(read_text_file(*fresh / "model.safetensors"), "new-weights");
}

TEST(StorageGcsModelStore, TheCacheKeepsOnlyTheNewestVersions) {
  StoreFixture f;
  for (long long v = 1; v <= 3; ++v) f.upload(v, model_files("w" + std::to_string(v)));
  auto source = f.source(2);
  const auto versions = *source.list_versions();
  std::vector<fs::path> folders;
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    auto folder = source.materialize(*it);
    ASSERT_TRUE(folder.ok()) << folder.error().message;
    folders.push_back(*folder);
  }
  EXPECT_FALSE(fs::exists(folders[0]));
  EXPECT_TRUE(fs::exists(folders[1]));
  EXPECT_TRUE(fs::exists(folders[2]));
}

TEST(StorageGcsModelStore, AVersionOverTheCacheLimitIsRefusedBeforeDownloading) {
  StoreFixture f;
  f.upload(1, model_files(std::string(2000, 'w')));
  auto source = f.source(3, 1000);
  auto refused = source.materialize((*source.list_versions())[0]);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("more than the cache's limit of 1000"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(f.media_downloads(), 0u);
}

TEST(StorageGcsModelStore, ObjectNamesThatLeaveTheFolderAreRefused) {
  StoreFixture f;
  f.upload(1, model_files("w"));
  f.gcs->put("models/earnings/1/a/../../escape", "x");
  auto source = f.source();
  auto refused = source.materialize((*source.list_versions())[0]);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("'..'"), std::string::npos) << refused.error().message;
  EXPECT_FALSE(fs::exists(f.work / "cache" / "b" / "models" / "escape"));
}

TEST(StorageGcsModelStore, UploadWritesTheChecksumsLastAndNeverOverAnotherVersion) {
  StoreFixture f;
  const fs::path folder = f.work / "export";
  for (const auto& [name, text] : model_files("w")) write_text_file(folder / name, text);
  ASSERT_TRUE(write_checksum_file(folder, {"model.json", "model.safetensors"}).ok());
  auto files = upload_model_version(*f.client, f.base.child("1"), folder, false);
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(*files, (std::vector<std::string>{"model.json", "model.safetensors", "SHA256SUMS"}));
  EXPECT_NE(f.gcs->requests.back().url.find("name=models%2Fearnings%2F1%2FSHA256SUMS"), std::string::npos)
      << f.gcs->requests.back().url;
  auto clash = upload_model_version(*f.client, f.base.child("1"), folder, false);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().kind, ErrorKind::already_exists);
  // Replacing: the old SHA256SUMS goes first, so readers see the version incomplete until the new one lands.
  f.gcs->requests.clear();
  ASSERT_TRUE(upload_model_version(*f.client, f.base.child("1"), folder, true).ok());
  EXPECT_EQ(f.gcs->requests.front().method, "DELETE");
  EXPECT_NE(f.gcs->requests.front().url.find("SHA256SUMS"), std::string::npos);
}

TEST(StorageGcsModelStore, TheNextVersionIsAboveEveryNumberedFolderCompleteOrNot) {
  StoreFixture f;
  auto first = next_free_version(*f.client, f.base);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 1);
  f.upload(4, model_files("w"));
  f.gcs->put("models/earnings/7/model.json", "{}");  // half-uploaded by someone else
  auto next = next_free_version(*f.client, f.base);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, 8);
}

}  // namespace
}  // namespace vgsales::storage
