// Tests of src/serve/version_manager with a fake loader: version choice, swaps, failed loads.
#include "serve/version_manager.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "serve/fake_predictor.h"

namespace vgsales::serve {
namespace {

namespace fs = std::filesystem;
using testing::load_fake_predictor;
using testing::write_fake_version;
using ::vgsales::testing::TemporaryDirectory;

float offset_of(const ServedModel& model) {
  const RawCell zeros[2] = {RawCell::of_number(0), RawCell::of_number(0)};
  return model.predictor->predict(zeros, [](size_t) { return std::string("row"); })->values.at(0);
}

TEST(ServeScanVersionsTest, NumericFoldersOnlyHighestFirst) {
  TemporaryDirectory base;
  fs::create_directories(base / "1");
  fs::create_directories(base / "10");
  fs::create_directories(base / "2");
  fs::create_directories(base / "007");
  fs::create_directories(base / "3.tmp");
  fs::create_directories(base / "latest");
  fs::create_directories(base / "-4");
  ::vgsales::testing::write_text_file(base / "99", "a file, not a version folder");
  auto versions = scan_versions(base.path());
  ASSERT_TRUE(versions.ok()) << versions.error().message;
  ASSERT_EQ(versions->size(), 4u);
  EXPECT_EQ((*versions)[0].version, 10);
  EXPECT_EQ((*versions)[1].version, 7);
  EXPECT_EQ((*versions)[1].directory, base / "007");
  EXPECT_EQ((*versions)[3].version, 1);
}

TEST(ServeScanVersionsTest, PlainModelDirectoryIsVersionOne) {
  TemporaryDirectory base;
  write_fake_version(base.path(), 0);
  auto versions = scan_versions(base.path());
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_EQ((*versions)[0].directory, base.path());
}

TEST(ServeScanVersionsTest, MissingBasePathIsNotFound) {
  TemporaryDirectory base;
  auto versions = scan_versions(base / "absent");
  ASSERT_FALSE(versions.ok());
  EXPECT_EQ(versions.error().kind, ErrorKind::not_found);
}

TEST(ServeVersionManagerTest, LoadsTheHighestAndSwapsWhenANewOneAppears) {
  TemporaryDirectory base;
  write_fake_version(base / "1", 10);
  write_fake_version(base / "2", 20);
  std::vector<std::string> log;
  VersionManager manager(base.path(), load_fake_predictor, [&log](const std::string& line) { log.push_back(line); });
  EXPECT_EQ(manager.current(), nullptr);
  ASSERT_TRUE(manager.poll_once().ok());
  auto first = manager.current();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->version, 2);
  EXPECT_FLOAT_EQ(offset_of(*first), 20);

  ASSERT_TRUE(manager.poll_once().ok());
  EXPECT_EQ(manager.current(), first) << "an unchanged folder must not reload";

  write_fake_version(base / "3", 30);
  ASSERT_TRUE(manager.poll_once().ok());
  EXPECT_EQ(manager.current()->version, 3);
  EXPECT_FLOAT_EQ(offset_of(*manager.current()), 30);
  EXPECT_FLOAT_EQ(offset_of(*first), 20) << "a request holding the old version keeps a working model";
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.back().find("serving version 3"), std::string::npos);
}

TEST(ServeVersionManagerTest, AFailedLoadKeepsTheOldVersionAndLogsOnce) {
  TemporaryDirectory base;
  write_fake_version(base / "1", 10);
  std::vector<std::string> log;
  VersionManager manager(base.path(), load_fake_predictor, [&log](const std::string& line) { log.push_back(line); });
  ASSERT_TRUE(manager.poll_once().ok());
  write_fake_version(base / "2", 20, /*broken=*/true);
  const auto lines_before = log.size();
  auto failed = manager.poll_once();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("failed to load version 2"), std::string::npos);
  EXPECT_NE(failed.error().message.find("still serving version 1"), std::string::npos);
  EXPECT_EQ(manager.current()->version, 1);
  EXPECT_FALSE(manager.poll_once().ok());
  EXPECT_EQ(log.size(), lines_before + 1) << "the same failure is logged once, not every poll";

  fs::remove(base / "2" / "broken");  // fixed in place: the next poll loads it
  ASSERT_TRUE(manager.poll_once().ok());
  EXPECT_EQ(manager.current()->version, 2);
}

TEST(ServeVersionManagerTest, ABrokenNewerVersionNeverHidesACompleteOlderOne) {
  TemporaryDirectory base;
  write_fake_version(base / "1", 10);
  write_fake_version(base / "2", 20, /*broken=*/true);  // e.g. an export without model.json
  std::vector<std::string> log;
  VersionManager manager(base.path(), load_fake_predictor, [&log](const std::string& line) { log.push_back(line); });
  ASSERT_TRUE(manager.poll_once().ok());  // at start: version 1 serves, version 2's failure is logged
  ASSERT_NE(manager.current(), nullptr);
  EXPECT_EQ(manager.current()->version, 1);
  ASSERT_GE(log.size(), 2u);
  EXPECT_NE(log[0].find("failed to load version 2"), std::string::npos) << log[0];
  EXPECT_NE(log.back().find("serving version 1"), std::string::npos) << log.back();
  // On reload too: a broken version 3 leaves version 1 serving.
  write_fake_version(base / "3", 30, /*broken=*/true);
  EXPECT_FALSE(manager.poll_once().ok());
  EXPECT_EQ(manager.current()->version, 1);
  fs::remove(base / "3" / "broken");
  ASSERT_TRUE(manager.poll_once().ok());
  EXPECT_EQ(manager.current()->version, 3);
}

TEST(ServeVersionManagerTest, LoaderExceptionsAreFailedLoads) {
  TemporaryDirectory base;
  write_fake_version(base / "1", 10);
  VersionManager manager(
      base.path(),
      [](const fs::path&) -> Result<std::shared_ptr<const Predictor>> { throw std::runtime_error("boom"); }, nullptr);
  auto result = manager.poll_once();
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("boom"), std::string::npos);
  EXPECT_EQ(manager.current(), nullptr);
}

TEST(ServeVersionManagerTest, EmptyBaseServesNothingUntilAVersionArrives) {
  TemporaryDirectory base;
  VersionManager manager(base.path(), load_fake_predictor, nullptr);
  EXPECT_FALSE(manager.poll_once().ok());
  EXPECT_EQ(manager.current(), nullptr);
  write_fake_version(base / "5", 50);
  ASSERT_TRUE(manager.poll_once().ok());
  EXPECT_EQ(manager.current()->version, 5);
}

TEST(ServeVersionManagerTest, RemovingTheNewestFallsBackToTheNextHighest) {
  TemporaryDirectory base;
  write_fake_version(base / "1", 10);
  write_fake_version(base / "2", 20);
  VersionManager manager(base.path(), load_fake_predictor, nullptr);
  ASSERT_TRUE(manager.poll_once().ok());
  fs::remove_all(base / "2");
  ASSERT_TRUE(manager.poll_once().ok());
  EXPECT_EQ(manager.current()->version, 1);
}

TEST(ServeVersionManagerTest, BackgroundPollingPicksUpANewVersionWhileReadersRun) {
  TemporaryDirectory base;
  write_fake_version(base / "1", 10);
  VersionManager manager(base.path(), load_fake_predictor, nullptr);
  ASSERT_TRUE(manager.poll_once().ok());
  manager.start_polling(std::chrono::milliseconds(10));
  std::atomic<bool> done{false};
  std::atomic<long> reads{0};
  std::atomic<long> bad_reads{0};
  std::thread reader([&] {
    while (!done) {
      auto model = manager.current();
      if (!model || (model->version != 1 && model->version != 2)) ++bad_reads;
      ++reads;
    }
  });
  write_fake_version(base / "2.tmp", 20);
  fs::rename(base / "2.tmp", base / "2");
  bool switched = false;
  for (int i = 0; i < 6000 && !switched; ++i) {  // up to 60 s on a loaded machine; at once on an idle one
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    switched = manager.current()->version == 2;
  }
  done = true;
  reader.join();
  manager.stop_polling();
  EXPECT_TRUE(switched);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(bad_reads.load(), 0);
}

}  // namespace
}  // namespace vgsales::serve

namespace vgsales::serve {
namespace {

// A version source as gs:// is seen (storage/gcs_model_store.h): listed by location, brought to a local folder by
// materialize, which may refuse a version (a checksum mismatch) without the server losing the live one.
class ScriptedVersionSource final : public storage::ModelVersionSource {
 public:
  explicit ScriptedVersionSource(fs::path root) : root_(std::move(root)) {}
  Result<std::vector<storage::StoredVersion>> list_versions() override {
    std::vector<storage::StoredVersion> versions;
    for (long long v = highest; v >= 1; --v) versions.push_back({v, "gs://b/m/" + std::to_string(v)});
    return versions;
  }
  Result<fs::path> materialize(const storage::StoredVersion& version) override {
    ++materialized;
    if (version.version == refused) {
      return make_error(ErrorKind::invalid_data, version.location + " is refused, its files do not match");
    }
    return root_ / std::to_string(version.version);
  }
  std::string describe() const override { return "gs://b/m"; }

  long long highest = 1;
  long long refused = 0;
  int materialized = 0;

 private:
  fs::path root_;
};

TEST(ServeVersionManagerTest, ARemoteSourceIsPolledAndARefusedVersionKeepsTheLiveOne) {
  TemporaryDirectory cache;
  for (int v = 1; v <= 3; ++v) write_fake_version(cache / std::to_string(v), 10.0f * v);
  auto source = std::make_shared<ScriptedVersionSource>(cache.path());
  VersionManager manager(source, load_fake_predictor, [](const std::string&) {});
  ASSERT_TRUE(manager.poll_once().ok());
  EXPECT_EQ(manager.current()->directory, "gs://b/m/1");
  EXPECT_FLOAT_EQ(offset_of(*manager.current()), 10.0f);

  source->highest = 2;
  source->refused = 2;
  auto refused = manager.poll_once();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("failed to load version 2: gs://b/m/2 is refused"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(manager.current()->version, 1);

  source->highest = 3;
  ASSERT_TRUE(manager.poll_once().ok());
  EXPECT_EQ(manager.current()->version, 3);
  EXPECT_FLOAT_EQ(offset_of(*manager.current()), 30.0f);
  const int materialized = source->materialized;
  ASSERT_TRUE(manager.poll_once().ok());
  EXPECT_EQ(source->materialized, materialized) << "nothing newer: nothing is fetched";
}

}  // namespace
}  // namespace vgsales::serve
