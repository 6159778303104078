// CRC-32C and its TFRecord mask against published check values (tensorboard/data/server/masked_crc.rs, RFC 3720 B.4).
#include "tensorboard/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace vgsales::tensorboard {
namespace {

TEST(TensorboardCrc32c, MatchesTheStandardCheckValue) { EXPECT_EQ(crc32c("123456789"), 0xE3069283u); }

TEST(TensorboardCrc32c, MatchesRfc3720Examples) {
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
  std::string descending(ascending.rbegin(), ascending.rend());
  EXPECT_EQ(crc32c(descending), 0x113FDB5Cu);
}

TEST(TensorboardCrc32c, EmptyInputHasZeroCrc) { EXPECT_EQ(crc32c(""), 0u); }

TEST(TensorboardCrc32c, ExtendEqualsOneShot) {
  EXPECT_EQ(crc32c_extend(crc32c("hello "), "world"), crc32c("hello world"));
}

TEST(TensorboardCrc32c, MaskedCrcOfARealFileVersionRecord) {
  // The data of a TensorFlow Event{file_version: "CRC test, one two"}: field 3, length 17.
  EXPECT_EQ(masked_crc32c(std::string("\x1a\x11"
                                      "CRC test, one two")),
            0x5794D08Au);
}

TEST(TensorboardCrc32c, UnmaskUndoesMask) {
  for (const std::uint32_t crc : {0u, 1u, 0xE3069283u, 0xFFFFFFFFu, 0x80000000u}) {
    EXPECT_NE(mask_crc32c(crc), crc);
    EXPECT_EQ(unmask_crc32c(mask_crc32c(crc)), crc);
  }
}

}  // namespace
}  // namespace vgsales::tensorboard
