// The fuzzers' findings in the model's files (fuzz/model_json_fuzzer.cpp and the others; docs/reliability.md),
// replayed with the fuzzers' own checks: each input in tests/model/fuzz_regressions/<fuzzer>/ is one that once
// failed them. A new finding goes into the same folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "model/model_metadata.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

namespace fs = std::filesystem;

fs::path findings_of(const std::string& fuzzer) {
  return testing::source_dir() / "tests" / "model" / "fuzz_regressions" / fuzzer;
}

TEST(ModelFilesFuzzFindings, ModelJsonErrorsNameTheFileAndWhatIsReadIsWrittenBackTheSame) {
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
    ASSERT_TRUE(again.ok()) << entry.path() << ": " << again.error().message;
    EXPECT_EQ(metadata_to_json(*again), written) << entry.path();
  }
  EXPECT_GE(replayed, 1);
}

// The first finding: a training setting out of range in model.json was reported as if a flag had been given
// ("--validation-split must be auto or between 0 and 0.9 (got 5)"), naming neither the file nor the field.
TEST(ModelFilesFuzzFindings, ASettingOutOfRangeNamesModelJsonAndItsSection) {
  const std::string text =
      testing::read_text_file(findings_of("model_json_fuzzer") / "validation-split-out-of-range");
  Result<ModelMetadata> metadata = metadata_from_json(text, "dir/model.json");
  ASSERT_FALSE(metadata.ok());
  EXPECT_EQ(metadata.error().message.rfind("dir/model.json: field 'training': ", 0), 0u) << metadata.error().message;
  EXPECT_NE(metadata.error().message.find("validation-split"), std::string::npos) << metadata.error().message;
  EXPECT_NE(metadata.error().message.find("(got 5)"), std::string::npos) << metadata.error().message;
}

}  // namespace
}  // namespace vgsales
