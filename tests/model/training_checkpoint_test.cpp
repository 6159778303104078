// Tests of src/model/training_checkpoint: what `train --resume` reads back equals what was written, member by
// member, and a checkpoint that is not one, or is damaged inside a valid safetensors file, is refused by name.
#include "model/training_checkpoint.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "common/file_checksums.h"
#include "model/model_directory.h"
#include "model/safetensors.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;
using testing::write_text_file;

TrainingCheckpoint two_members() {
  TrainingCheckpoint checkpoint;
  checkpoint.output_columns = 2;
  checkpoint.members.push_back({{0.5f, -1.25f, 3.0f}, {{0.1f, 0.2f, 0.3f}, {0.01f, 0.02f, 0.03f}, 12}, 4});
  checkpoint.members.push_back({{2.0f, 0.0f, -0.5f}, {}, 0});  // never stepped: no Adam moments kept
  return checkpoint;
}

// Writes `bytes` as the checkpoint of a fresh model folder, with its SHA256SUMS, and reads it back.
Result<TrainingCheckpoint> read_back(const TemporaryDirectory& dir, const std::string& bytes) {
  write_text_file(dir / kCheckpointFileName, bytes);
  EXPECT_TRUE(write_checksum_file(dir.path(), {kCheckpointFileName}).ok());
  return read_checkpoint(dir.path());
}

TEST(ModelTrainingCheckpoint, RoundTripsEveryMember) {
  TemporaryDirectory dir;
  const TrainingCheckpoint written = two_members();
  const auto read = read_back(dir, serialize_checkpoint(written));
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->output_columns, 2);
  ASSERT_EQ(read->members.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(read->members[k].parameters, written.members[k].parameters);
    EXPECT_EQ(read->members[k].moments.exp_avg, written.members[k].moments.exp_avg);
    EXPECT_EQ(read->members[k].moments.exp_avg_sq, written.members[k].moments.exp_avg_sq);
    EXPECT_EQ(read->members[k].moments.step, written.members[k].moments.step);
    EXPECT_EQ(read->members[k].epoch, written.members[k].epoch);
  }
  EXPECT_EQ(read->earliest_epoch(), 0);
  EXPECT_EQ(TrainingCheckpoint{}.earliest_epoch(), 0);
}

TEST(ModelTrainingCheckpoint, EarliestEpochIsTheSmallestKept) {
  TrainingCheckpoint checkpoint = two_members();
  checkpoint.members[0].epoch = 7;
  checkpoint.members[1].epoch = 3;
  EXPECT_EQ(checkpoint.earliest_epoch(), 3);
}

struct Damage {
  const char* name;
  std::function<void(SafetensorsFile&)> apply;
  const char* message_part;
};

class ModelTrainingCheckpointDamage : public ::testing::TestWithParam<Damage> {};

TEST_P(ModelTrainingCheckpointDamage, IsRefusedNamingTheFileAndWhat) {
  TemporaryDirectory dir;
  auto parsed = parse_safetensors(serialize_checkpoint(two_members()), "written");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  SafetensorsFile file = *parsed;
  GetParam().apply(file);
  const auto read = read_back(dir, serialize_safetensors(file));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().kind, ErrorKind::invalid_data);
  EXPECT_NE(read.error().message.find(kCheckpointFileName), std::string::npos) << read.error().message;
  EXPECT_NE(read.error().message.find(GetParam().message_part), std::string::npos) << read.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ModelTrainingCheckpointDamage,
    ::testing::Values(Damage{"weights_file", [](SafetensorsFile& f) { f.metadata["format"] = "vgsales-weights"; },
                             "not a vgsales checkpoint"},
                      Damage{"no_members", [](SafetensorsFile& f) { f.metadata.erase("members"); },
                             "metadata 'members' is missing or not a count"},
                      Damage{"negative_members", [](SafetensorsFile& f) { f.metadata["members"] = "-2"; },
                             "metadata 'members' is missing or not a count"},
                      Damage{"zero_members", [](SafetensorsFile& f) { f.metadata["members"] = "0"; },
                             "0 members is not 1 to 1000"},
                      Damage{"three_outputs", [](SafetensorsFile& f) { f.metadata["output_columns"] = "3"; },
                             "3 output columns is not 1 or 2"},
                      Damage{"more_members_than_tensors", [](SafetensorsFile& f) { f.metadata["members"] = "3"; },
                             "metadata 'member_3.epoch' is missing or not a count"},
                      Damage{"no_parameters", [](SafetensorsFile& f) { f.tensors.erase("member_2.parameters"); },
                             "member_2.parameters is missing or not a vector"},
                      Damage{"matrix_parameters",
                             [](SafetensorsFile& f) {
                               f.tensors["member_1.parameters"].shape = {1, 3};
                             },
                             "member_1.parameters is missing or not a vector"},
                      Damage{"no_adam_state", [](SafetensorsFile& f) { f.tensors.erase("member_1.adam.exp_avg_sq"); },
                             "member_1.adam.exp_avg_sq"}),
    [](const ::testing::TestParamInfo<Damage>& info) { return std::string(info.param.name); });

TEST(ModelTrainingCheckpoint, ChangedBytesAreCaughtByTheChecksum) {
  TemporaryDirectory dir;
  ASSERT_TRUE(read_back(dir, serialize_checkpoint(two_members())).ok());
  std::string bytes = testing::read_text_file(dir / kCheckpointFileName);
  bytes[bytes.size() - 1] ^= 1;  // the last byte of the last tensor
  write_text_file(dir / kCheckpointFileName, bytes);
  const auto read = read_checkpoint(dir.path());
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message.find("damaged: its SHA-256 does not match SHA256SUMS"), std::string::npos)
      << read.error().message;
}

}  // namespace
}  // namespace vgsales
