// Tests of src/common/atomic_file: atomic replacement, and the cleanup of temporaries left by writers that died
// (real child processes killed with SIGKILL), without touching those of live writers.
#include "common/atomic_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace vgsales {
namespace {

namespace fs = std::filesystem;
using testing::read_text_file;
using testing::TemporaryDirectory;
using testing::write_text_file;

std::vector<std::string> names_in(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Runs `work` in a child process that then kills itself with SIGKILL (no destructors, no cleanup), and waits.
template <typename Work>
void run_in_child_then_kill(Work work) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    work();
    ::raise(SIGKILL);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

// A child that does `work`, says so through a pipe, then waits until the parent closes the other pipe.
class LiveChild {
 public:
  template <typename Work>
  explicit LiveChild(Work work) {
    int ready[2], release[2];
    EXPECT_EQ(::pipe(ready), 0);
    EXPECT_EQ(::pipe(release), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(release[1]);
      work();
      char byte = 1;
      (void)!::write(ready[1], &byte, 1);
      (void)!::read(release[0], &byte, 1);  // returns when the parent closes its end
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(release[0]);
    release_ = release[1];
    char byte = 0;
    EXPECT_EQ(::read(ready[0], &byte, 1), 1);
    ::close(ready[0]);
  }
  ~LiveChild() {
    ::close(release_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }

 private:
  pid_t pid_ = -1;
  int release_ = -1;
};

TEST(CommonAtomicFileTest, WriteReplacesTheFileAndLeavesNoTemporary) {
  TemporaryDirectory dir;
  write_text_file(dir / "out.txt", "old");
  ASSERT_TRUE(write_file_atomically(dir / "out.txt", "new").ok());
  EXPECT_EQ(read_text_file(dir / "out.txt"), "new");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"out.txt"});
}

TEST(CommonAtomicFileTest, CommitSwapsAnExistingFolderAndRemovesTheOldOne) {
  TemporaryDirectory dir;
  write_text_file(dir / "model" / "a.txt", "old a");
  write_text_file(dir / "model" / "old-only.txt", "x");
  {
    auto staging = StagingDirectory::create_beside(dir / "model");
    ASSERT_TRUE(staging.ok());
    write_text_file(staging->path() / "a.txt", "new a");
    ASSERT_TRUE(staging->commit().ok());
  }
  EXPECT_EQ(read_text_file(dir / "model" / "a.txt"), "new a");
  EXPECT_FALSE(fs::exists(dir / "model" / "old-only.txt"));
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"model"});
}

TEST(CommonAtomicFileTest, AnUncommittedStagingFolderIsRemovedAndTheOldFolderStays) {
  TemporaryDirectory dir;
  write_text_file(dir / "model" / "a.txt", "old a");
  {
    auto staging = StagingDirectory::create_beside(dir / "model");
    ASSERT_TRUE(staging.ok());
    write_text_file(staging->path() / "a.txt", "half");
  }
  EXPECT_EQ(read_text_file(dir / "model" / "a.txt"), "old a");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"model"});
}

TEST(CommonAtomicFileTest, TheNextWriterRemovesTheStagingFolderOfAKilledWriter) {
  TemporaryDirectory dir;
  write_text_file(dir / "model" / "a.txt", "old a");
  run_in_child_then_kill([&] {
    auto staging = StagingDirectory::create_beside(dir / "model");
    write_text_file(staging->path() / "a.txt", "half-written");
    ::raise(SIGKILL);  // with the staging folder still open
  });
  ASSERT_EQ(names_in(dir.path()).size(), 2u) << ::testing::PrintToString(names_in(dir.path()));
  run_in_child_then_kill([&] {
    (void)write_file_atomically(dir / "out.txt", "x");  // removes the first child's folder
    auto staging = StagingDirectory::create_beside(dir / "other");
    ::raise(SIGKILL);
  });
  ASSERT_EQ(names_in(dir.path()).size(), 3u) << ::testing::PrintToString(names_in(dir.path()));
  EXPECT_EQ(names_in(dir.path())[0].rfind(".other.staging-", 0), 0u);
  auto staging = StagingDirectory::create_beside(dir / "model");
  ASSERT_TRUE(staging.ok());
  // Only the new writer's own staging folder remains beside the untouched old model.
  const auto names = names_in(dir.path());
  ASSERT_EQ(names.size(), 3u) << ::testing::PrintToString(names);
  EXPECT_EQ(names[0], staging->path().filename().string());
  EXPECT_EQ(names[1], "model");
  EXPECT_EQ(names[2], "out.txt");
  EXPECT_EQ(read_text_file(dir / "model" / "a.txt"), "old a");
}

TEST(CommonAtomicFileTest, TheStagingFolderOfALiveWriterIsLeftAlone) {
  TemporaryDirectory dir;
  LiveChild writer([&] {
    auto staging = StagingDirectory::create_beside(dir / "model");
    write_text_file(staging->path() / "a.txt", "in progress");
    // Keep the staging folder (and its lock) while the parent looks: leak it deliberately in the child.
    new StagingDirectory(std::move(*staging));
  });
  const auto before = names_in(dir.path());
  ASSERT_EQ(before.size(), 1u);
  auto mine = StagingDirectory::create_beside(dir / "model");
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(fs::exists(dir / before[0] / "a.txt")) << "a live writer's staging folder was removed";
  EXPECT_TRUE(write_file_atomically(dir / "x.txt", "x").ok());
  EXPECT_TRUE(fs::exists(dir / before[0] / "a.txt"));
}

TEST(CommonAtomicFileTest, TheNextWriterRemovesTheTemporaryFileOfAKilledWriter) {
  TemporaryDirectory dir;
  write_text_file(dir / "predictions.csv", "old");
  run_in_child_then_kill([&] {
    (void)write_stream_atomically(dir / "predictions.csv", [](std::FILE* out) -> Result<void> {
      std::fputs("half", out);
      std::fflush(out);
      ::raise(SIGKILL);  // dies while the temporary file is open
      return {};
    });
  });
  ASSERT_EQ(names_in(dir.path()).size(), 2u);
  EXPECT_EQ(read_text_file(dir / "predictions.csv"), "old");
  ASSERT_TRUE(write_file_atomically(dir / "predictions.csv", "new").ok());
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"predictions.csv"});
  EXPECT_EQ(read_text_file(dir / "predictions.csv"), "new");
}

TEST(CommonAtomicFileTest, AVersionMovedAsideByAKilledWriterComesBack) {
  // Where renameat2's exchange is missing, commit() moves the old folder aside first; a writer killed right then
  // leaves the final name empty. The next writer restores it.
  TemporaryDirectory dir;
  write_text_file(dir / ".model.old-1a2b3c" / "a.txt", "previous");
  write_text_file(dir / ".export.old-99" / "a.txt", "superseded");
  write_text_file(dir / "export" / "a.txt", "current");
  remove_abandoned_temporaries(dir.path());
  EXPECT_EQ(read_text_file(dir / "model" / "a.txt"), "previous");
  EXPECT_EQ(read_text_file(dir / "export" / "a.txt"), "current");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"export", "model"}));
}

TEST(CommonAtomicFileTest, NamesThatOnlyLookLikeTemporariesAreKept) {
  TemporaryDirectory dir;
  for (const char* name : {"notes.tmp-draft", "model.staging-1", ".tmp-12", "a.tmp-", ".x.staging-XYZ"}) {
    write_text_file(dir / name, "user's file");
  }
  remove_abandoned_temporaries(dir.path());
  EXPECT_EQ(names_in(dir.path()).size(), 5u);
}

}  // namespace
}  // namespace vgsales
