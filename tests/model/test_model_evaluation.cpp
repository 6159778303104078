// Tests for src/model/model_evaluation.cpp: --row parsing, column matching by name, evaluation.
#include <gtest/gtest.h>

#include "model/model_evaluation.h"
#include "model_fixtures.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;

TEST(ModelEvaluation, ParsesRowAssignments) {
  ModelSignature signature;
  signature.features = {{"rating", FeatureKind::numeric}, {"platform", FeatureKind::categorical}};
  auto row = parse_row_assignment(" platform = Wii , rating=4.5", signature);
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_DOUBLE_EQ(std::get<double>((*row)[0]), 4.5);
  EXPECT_EQ(std::get<std::string>((*row)[1]), "Wii");
  auto missing = parse_row_assignment("rating=4", signature);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("missing feature(s) platform"), std::string::npos);
  auto unknown = parse_row_assignment("rating=4,platform=x,colour=red", signature);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("no feature 'colour'"), std::string::npos);
  auto malformed = parse_row_assignment("rating", signature);
  EXPECT_FALSE(malformed.ok());
}

TEST(ModelEvaluation, MatchesColumnsByNameInAnyOrder) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  auto predictor = load_predictor(dir / "model");
  ASSERT_TRUE(predictor.ok());
  const std::string header = "critic_rating,is_action,is_exclusive_to_us,is_portable,is_role_playing,is_sequel,is_sports,suitable_for_kids,unit_price";
  testing::write_text_file(dir / "a.csv", header + "\n4,1,0,1,0,1,0,1,59.99\n");
  testing::write_text_file(dir / "b.csv",
                           "unit_price,note,suitable_for_kids,is_sports,is_sequel,is_role_playing,is_portable,is_exclusive_to_us,is_action,critic_rating\n"
                           "59.99,hello,1,0,1,0,1,0,1,4\n");
  auto a = predict_table(**predictor, dir / "a.csv");
  auto b = predict_table(**predictor, dir / "b.csv");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(a->predictions, b->predictions);
  EXPECT_EQ(b->ignored_columns, (std::vector<std::string>{"note"}));
  testing::write_text_file(dir / "c.csv", "critic_rating,is_action\n4,1\n");
  auto c = predict_table(**predictor, dir / "c.csv");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("missing feature column(s) is_exclusive_to_us"), std::string::npos);
}

TEST(ModelEvaluation, EvaluatesInTargetUnits) {
  TemporaryDirectory dir;
  const TrainingJobReport report = testing::train_small_model(dir, "model", 4);
  auto predictor = load_predictor(dir / "model");
  ASSERT_TRUE(predictor.ok());
  auto metrics = evaluate_table(**predictor, dir / "test.csv");
  ASSERT_TRUE(metrics.ok()) << metrics.error().message;
  EXPECT_EQ(metrics->rows, 100);
  // The same rows as the training job's test split: the same error, to float rounding.
  EXPECT_NEAR(metrics->rmse, report.metadata.metrics.at("test").rmse, 1e-3 * metrics->rmse);
}

}  // namespace
}  // namespace vgsales
