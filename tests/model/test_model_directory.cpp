// Tests for src/model/model_directory.cpp and model_predictor.cpp: TorchScript written and read back,
// native and LibTorch inference paths agreeing, and damaged directories reported.
#include <gtest/gtest.h>

#include <cmath>

#include "model/model_directory.h"
#include "model/native_forward.h"
#include "model/predictor.h"
#include "model_fixtures.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;

TEST(ModelDirectory, WritesModelJsonAndCheckpoint) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  for (const char* name : {kModelFileName, kMetadataFileName, kCheckpointFileName})
    EXPECT_TRUE(std::filesystem::exists(dir / "model" / name)) << name;
  auto network = load_portable_network(dir / "model");
  ASSERT_TRUE(network.ok()) << network.error().message;
  EXPECT_EQ(network->input_width(), 9);
  ASSERT_EQ(network->layers.size(), 3u);
  EXPECT_EQ(network->layers[0].output_size, 8);
  EXPECT_EQ(network->output_name, "earnings");
}

TEST(ModelDirectory, NativeAndBatchedPathsAgree) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  auto predictor = load_predictor(dir / "model");
  ASSERT_TRUE(predictor.ok()) << predictor.error().message;
  // 40 rows go through the batched GEMM tiles; each row alone through the single-row path.
  std::vector<float> rows;
  for (int r = 0; r < 40; ++r)
    for (float v : {2.0f + r % 7 * 0.5f, float(r % 2), float(r % 3 == 0), 0.0f, 1.0f, float(r % 5 == 0), 0.0f, 1.0f,
                    r % 2 ? 59.99f : 39.99f})
      rows.push_back(v);
  auto batched = (*predictor)->predict_numeric(rows);
  ASSERT_TRUE(batched.ok()) << batched.error().message;
  for (int r = 0; r < 40; ++r) {
    auto single = (*predictor)->predict_numeric(std::span<const float>(rows).subspan(r * 9, 9));
    ASSERT_TRUE(single.ok());
    EXPECT_NEAR(single->at(0), batched->at(r), 1e-5 * std::abs(batched->at(r))) << "row " << r;
  }
}

TEST(ModelDirectory, ReportsMissingAndCorruptFiles) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  std::filesystem::copy(dir / "model", dir / "no_pt", std::filesystem::copy_options::recursive);
  std::filesystem::remove(dir / "no_pt" / kModelFileName);
  auto missing = load_predictor(dir / "no_pt");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("model.pt: missing"), std::string::npos) << missing.error().message;

  std::filesystem::copy(dir / "model", dir / "bad_pt", std::filesystem::copy_options::recursive);
  testing::write_text_file(dir / "bad_pt" / kModelFileName, "not a zip archive");
  auto corrupt = load_predictor(dir / "bad_pt");
  ASSERT_FALSE(corrupt.ok());
  EXPECT_NE(corrupt.error().message.find("not a readable TorchScript model"), std::string::npos);

  std::filesystem::copy(dir / "model", dir / "bad_json", std::filesystem::copy_options::recursive);
  testing::write_text_file(dir / "bad_json" / kMetadataFileName, "{\"target\": 3}");
  auto bad_json = load_predictor(dir / "bad_json");
  ASSERT_FALSE(bad_json.ok());
  EXPECT_NE(bad_json.error().message.find("field 'target'"), std::string::npos) << bad_json.error().message;

  auto nothing = load_predictor(dir / "absent");
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().kind, ErrorKind::not_found);
}

TEST(ModelDirectory, PredictorRejectsTextInNumericFeatures) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  auto predictor = load_predictor(dir / "model");
  ASSERT_TRUE(predictor.ok());
  std::vector<FieldValue> row(9, FieldValue{1.0});
  row[0] = std::string("great");
  auto result = (*predictor)->predict_cells(row);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("feature 'critic_rating' must be a number"), std::string::npos);
  auto wrong_width = (*predictor)->predict_numeric(std::vector<float>(8, 1.0f));
  EXPECT_FALSE(wrong_width.ok());
}

}  // namespace
}  // namespace vgsales
