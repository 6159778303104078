// The fuzzers' findings in the model's files (fuzz/model_json_fuzzer.cpp and the others; docs/reliability.md),
// replayed with the fuzzers' own checks: each input in tests/model/fuzz_regressions/<fuzzer>/ is one that once
// failed them. A new finding goes into the same folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "model/model_metadata.h"
#include "model/safetensors.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

namespace fs = std::filesystem;

fs::path findings_of(const std::string& fuzzer) {
  return testing::source_dir() / "tests" / "model" / "fuzz_regressions" / fuzzer;
}

TEST(ModelFilesFuzzFindings, ModelJsonErrorsNameTheFileAndWhatIsWrittenIsReadBack) {
  int replayed = 0;
  for (const auto& entry : fs::directory_iterator(findings_of("model_json_fuzzer"))) {
    const std::string text = testing::read_text_file(entry.path());
    Result<ModelMetadata> metadata = metadata_from_json(text, "model.json");
    ++replayed;
    if (!metadata.ok()) {
      EXPECT_NE(metadata.error().message.find("model.json"), std::string::npos)
          << entry.path() << ": " << metadata.error().message;
      continue;
    }
    const std::string written = metadata_to_json(*metadata);
    Result<ModelMetadata> again = metadata_from_json(written, "model.json");
    EXPECT_TRUE(again.ok()) << entry.path() << ": " << again.error().message;
  }
  EXPECT_GE(replayed, 1);
}

// The first finding: a training setting out of range in model.json was reported as if a flag had been given
// ("--validation-split must be auto or between 0 and 0.9 (got 5)"), naming neither the file nor the field.
TEST(ModelFilesFuzzFindings, ASettingOutOfRangeNamesModelJsonAndItsSection) {
  const std::string text = testing::read_text_file(findings_of("model_json_fuzzer") / "validation-split-out-of-range");
  Result<ModelMetadata> metadata = metadata_from_json(text, "dir/model.json");
  ASSERT_FALSE(metadata.ok());
  EXPECT_EQ(metadata.error().message.rfind("dir/model.json: field 'training': ", 0), 0u) << metadata.error().message;
  EXPECT_NE(metadata.error().message.find("validation-split"), std::string::npos) << metadata.error().message;
  EXPECT_NE(metadata.error().message.find("(got 5)"), std::string::npos) << metadata.error().message;
}

// A text setting in model.json that no flag takes is refused as the flag would be, naming the file and section.
TEST(ModelFilesFuzzFindings, AChoiceNoFlagTakesNamesModelJsonAndItsSection) {
  std::string text = testing::read_text_file(testing::source_dir() / "fuzz" / "model" / "model.json");
  const std::string median = "\"median\": \"offset\"";
  ASSERT_NE(text.find(median), std::string::npos);
  text.replace(text.find(median), median.size(), "\"median\": \"mode\"");
  Result<ModelMetadata> metadata = metadata_from_json(text, "dir/model.json");
  ASSERT_FALSE(metadata.ok());
  EXPECT_EQ(metadata.error().message, "dir/model.json: field 'training': --median: 'mode' is not auto, head or offset");
}

TEST(ModelFilesFuzzFindings, SafetensorsErrorsNameTheFileAndWhatIsReadIsWrittenBackTheSame) {
  int replayed = 0;
  for (const auto& entry : fs::directory_iterator(findings_of("safetensors_fuzzer"))) {
    const std::string bytes = testing::read_text_file(entry.path());
    Result<SafetensorsFile> file = parse_safetensors(bytes, "model.safetensors");
    ++replayed;
    if (!file.ok()) {
      EXPECT_NE(file.error().message.find("model.safetensors"), std::string::npos)
          << entry.path() << ": " << file.error().message;
      continue;
    }
    const std::string written = serialize_safetensors(*file);
    Result<SafetensorsFile> again = parse_safetensors(written, "model.safetensors");
    ASSERT_TRUE(again.ok()) << entry.path() << ": " << again.error().message;
    EXPECT_EQ(serialize_safetensors(*again), written) << entry.path();
  }
  EXPECT_GE(replayed, 2);
}

// A shape whose element count overflows: [2^31, 2^31] floats "fit" an empty byte range once count * 4 wraps to 0,
// and the reader then tried to allocate 2^62 floats (std::length_error: every command loading such a file died);
// [2^40, 2^40] overflowed the signed count itself (undefined behaviour). Both are now a damaged file.
TEST(ModelFilesFuzzFindings, AShapeWhoseSizeOverflowsIsADamagedFileNotACrash) {
  for (const char* name : {"element-count-wraps-to-an-empty-range", "element-count-overflows-int64"}) {
    const std::string bytes = testing::read_text_file(findings_of("safetensors_fuzzer") / name);
    Result<SafetensorsFile> file = parse_safetensors(bytes, "dir/checkpoint.safetensors");
    ASSERT_FALSE(file.ok()) << name;
    EXPECT_EQ(file.error().message,
              "dir/checkpoint.safetensors: not a valid safetensors file: tensor 'a' has a shape that does not match "
              "its byte range")
        << name;
  }
}

// A number a double holds but a float does not (1e300) was read into model.json's float fields as infinity, and the
// rewrite then wrote no number at all (model_json_fuzzer on merged main). Now it is refused, naming the field.
TEST(ModelFilesFuzzFindings, ANumberBeyondAFloatIsRefusedNamingTheField) {
  const std::string text = testing::read_text_file(findings_of("model_json_fuzzer") / "target-offset-beyond-float");
  Result<ModelMetadata> metadata = metadata_from_json(text, "dir/model.json");
  ASSERT_FALSE(metadata.ok());
  EXPECT_NE(metadata.error().message.find("pipeline.target.offset"), std::string::npos) << metadata.error().message;
  EXPECT_NE(metadata.error().message.find("within a float's range"), std::string::npos) << metadata.error().message;
}

}  // namespace
}  // namespace vgsales
