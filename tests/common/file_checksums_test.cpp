// Tests of src/common/file_checksums: SHA-256 digests against known vectors and coreutils' sha256sum, and every way
// a SHA256SUMS folder can be damaged (missing list, bad line, unlisted or missing file, changed bytes).
#include "common/file_checksums.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/test_support.h"

namespace vgsales {
namespace {

namespace fs = std::filesystem;
using testing::read_text_file;
using testing::run_command;
using testing::shell_quote;
using testing::TemporaryDirectory;
using testing::write_text_file;

// FIPS 180-2's examples: the empty message and "abc".
TEST(CommonFileChecksums, Sha256OfKnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CommonFileChecksums, WrittenListIsCoreutilsFormatAndCheckedBySha256sum) {
  TemporaryDirectory dir;
  write_text_file(dir / "a.txt", "abc");
  write_text_file(dir / "b.bin", std::string("\0\1\2", 3));
  ASSERT_TRUE(write_checksum_file(dir.path(), {"a.txt", "b.bin"}).ok());
  const std::string list = read_text_file(dir / kChecksumFileName);
  EXPECT_EQ(list.substr(0, 72), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.txt\n");
  // The independent reader: coreutils' sha256sum accepts the list as written.
  const auto checked =
      run_command("cd " + shell_quote(dir.path().string()) + " && sha256sum --check --strict " + kChecksumFileName);
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_TRUE(verify_checksum_file(dir.path(), {"a.txt"}).ok());
}

TEST(CommonFileChecksums, ReadVerifiedFileReturnsTheCheckedBytes) {
  TemporaryDirectory dir;
  write_text_file(dir / "model.json", "{\"x\": 1}\n");
  ASSERT_TRUE(write_checksum_file(dir.path(), {"model.json"}).ok());
  const auto bytes = read_verified_file(dir.path(), "model.json");
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(*bytes, "{\"x\": 1}\n");
}

TEST(CommonFileChecksums, AcceptsSha256sumBinaryModeLines) {
  TemporaryDirectory dir;
  write_text_file(dir / "a.txt", "abc");
  write_text_file(dir / kChecksumFileName, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad *a.txt\n");
  EXPECT_TRUE(verify_checksum_file(dir.path(), {"a.txt"}).ok());
}

struct Damage {
  const char* name;
  void (*apply)(const fs::path& folder);
  ErrorKind kind;
  const char* message_part;
};

class CommonFileChecksumsDamage : public ::testing::TestWithParam<Damage> {};

TEST_P(CommonFileChecksumsDamage, IsReportedNamingTheFile) {
  TemporaryDirectory dir;
  write_text_file(dir / "a.txt", "abc");
  write_text_file(dir / "b.txt", "def");
  ASSERT_TRUE(write_checksum_file(dir.path(), {"a.txt", "b.txt"}).ok());
  GetParam().apply(dir.path());
  const auto verified = verify_checksum_file(dir.path(), {"a.txt", "b.txt"});
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().kind, GetParam().kind);
  EXPECT_NE(verified.error().message.find(GetParam().message_part), std::string::npos) << verified.error().message;
  const auto read = read_verified_file(dir.path(), "a.txt");
  if (std::string(GetParam().name) != "b_missing" && std::string(GetParam().name) != "b_unlisted" &&
      std::string(GetParam().name) != "b_changed")
    EXPECT_FALSE(read.ok());
  else EXPECT_TRUE(read.ok()) << "a.txt itself is intact: " << read.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CommonFileChecksumsDamage,
    ::testing::Values(Damage{"list_missing", [](const fs::path& d) { fs::remove(d / kChecksumFileName); },
                             ErrorKind::invalid_data, "SHA256SUMS: missing"},
                      Damage{"list_garbled",
                             [](const fs::path& d) { write_text_file(d / kChecksumFileName, "not a digest\n"); },
                             ErrorKind::invalid_data, "SHA256SUMS:1: not a '<sha256>  <file>' line"},
                      Damage{"a_changed", [](const fs::path& d) { write_text_file(d / "a.txt", "abd"); },
                             ErrorKind::invalid_data, "a.txt: damaged: its SHA-256 does not match SHA256SUMS"},
                      Damage{"b_changed", [](const fs::path& d) { write_text_file(d / "b.txt", "deg"); },
                             ErrorKind::invalid_data, "b.txt: damaged"},
                      Damage{"b_missing", [](const fs::path& d) { fs::remove(d / "b.txt"); }, ErrorKind::not_found,
                             "b.txt: missing (listed in SHA256SUMS)"},
                      Damage{"b_unlisted",
                             [](const fs::path& d) {
                               const std::string list = read_text_file(d / kChecksumFileName);
                               write_text_file(d / kChecksumFileName, list.substr(0, list.find('\n') + 1));
                             },
                             ErrorKind::invalid_data, "does not list b.txt, which this folder needs"}),
    [](const ::testing::TestParamInfo<Damage>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace vgsales
