// Tests for src/model/model_evaluation.cpp: --row parsing, streaming predictions, column matching by name, evaluation.
#include <gtest/gtest.h>

#include "model/model_evaluation.h"
#include "model_fixtures.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;

FeaturePipeline rating_and_platform() {
  return FeaturePipeline({FeatureSpec{.name = "rating", .type = ColumnType::numeric},
                          FeatureSpec{.name = "platform", .type = ColumnType::categorical, .categories = {"Wii"}},
                          FeatureSpec{.name = "publisher", .type = ColumnType::categorical, .categories = {"EA"}}},
                         "sales", MissingValueSet());
}

TEST(ModelEvaluation, ParsesRowAssignments) {
  const FeaturePipeline pipeline = rating_and_platform();
  auto row = parse_row_assignment(" platform = Wii , rating=4.5,publisher=", pipeline);
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(*row, (std::vector<std::string>{"4.5", "Wii", ""}));
  auto missing = parse_row_assignment("rating=4", pipeline);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("missing feature(s) platform, publisher"), std::string::npos);
  auto unknown = parse_row_assignment("rating=4,platform=x,publisher=y,colour=red", pipeline);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("no feature 'colour'"), std::string::npos);
  auto typo = parse_row_assignment("ratng=4,platform=x,publisher=y", pipeline);
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("(did you mean 'rating'?)"), std::string::npos) << typo.error().message;
  EXPECT_FALSE(parse_row_assignment("rating", pipeline).ok());
  EXPECT_FALSE(parse_row_assignment("rating=1,rating=2,platform=a,publisher=b", pipeline).ok());
}

TEST(ModelEvaluation, RowValuesMayBeQuotedToHoldCommas) {
  const FeaturePipeline pipeline = rating_and_platform();
  auto row =
      parse_row_assignment(R"(publisher="Take-Two Interactive, Inc.",rating=4, platform = "Wii ""U""")", pipeline);
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(*row, (std::vector<std::string>{"4", "Wii \"U\"", "Take-Two Interactive, Inc."}));
  auto whole = parse_row_assignment(R"("publisher=Take-Two, Inc.",rating=1,platform=Wii)", pipeline);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  EXPECT_EQ((*whole)[2], "Take-Two, Inc.");
  auto open = parse_row_assignment(R"(publisher="Take-Two, rating=1)", pipeline);
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.error().message.find("never closed"), std::string::npos) << open.error().message;
  auto trailing = parse_row_assignment(R"(publisher="EA"x,rating=1,platform=Wii)", pipeline);
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.error().message.find("expected ','"), std::string::npos) << trailing.error().message;
}

// The reader's edges: empty parts are skipped, and each error says what is wrong and where.
TEST(ModelEvaluation, RowAssignmentErrorsSayWhatAndWhere) {
  const FeaturePipeline pipeline = rating_and_platform();
  auto sparse = parse_row_assignment("rating=4,, platform=Wii ,publisher=EA,", pipeline);
  ASSERT_TRUE(sparse.ok()) << sparse.error().message;
  EXPECT_EQ(*sparse, (std::vector<std::string>{"4", "Wii", "EA"}));
  auto bare = parse_row_assignment("rating=4, platform ,publisher=EA", pipeline);
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.error().message, "--row: 'platform' is not name=value");
  auto quoted_bare = parse_row_assignment(R"("platform",rating=4,publisher=EA)", pipeline);
  ASSERT_FALSE(quoted_bare.ok());
  EXPECT_EQ(quoted_bare.error().message, "--row: 'platform' is not name=value");
  auto open = parse_row_assignment(R"(publisher="Take-Two, rating=1)", pipeline);
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.error().message, "--row: the quote at character 11 is never closed");
  auto trailing = parse_row_assignment(R"(publisher="EA"x,rating=1,platform=Wii)", pipeline);
  ASSERT_FALSE(trailing.ok());
  EXPECT_EQ(trailing.error().message, "--row: expected ',' after the value of 'publisher' at character 15");
}

struct Collected {
  CsvHeader header;
  std::vector<std::vector<std::string>> records;
  std::vector<long long> lines;
  std::vector<float> predictions;
};

Result<Collected> collect(const Predictor& predictor, const std::filesystem::path& path) {
  Collected out;
  CsvPredictionHandlers handlers;
  handlers.on_header = [&](const CsvHeader& header) -> Result<void> {
    out.header = header;
    return {};
  };
  handlers.on_batch = [&](const CsvPredictionBatch& batch) -> Result<void> {
    out.records.insert(out.records.end(), batch.records.begin(), batch.records.end());
    out.lines.insert(out.lines.end(), batch.lines.begin(), batch.lines.end());
    out.predictions.insert(out.predictions.end(), batch.predictions.values.begin(), batch.predictions.values.end());
    return {};
  };
  VGSALES_TRY(predict_csv(predictor, path, {}, handlers));
  return out;
}

TEST(ModelEvaluation, MatchesColumnsByNameInAnyOrderAndKeepsCellsAsWritten) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  auto predictor = load_predictor(dir / "model");
  ASSERT_TRUE(predictor.ok());
  const std::string header =
      "critic_rating,is_action,is_exclusive_to_us,is_portable,is_role_playing,is_sequel,is_sports,suitable_for_kids,"
      "unit_price";
  testing::write_text_file(dir / "a.csv", header + "\n4,1,0,1,0,1,0,1,59.99\n");
  testing::write_text_file(dir / "b.csv",
                           "unit_price,note,suitable_for_kids,is_sports,is_sequel,is_role_playing,is_portable,is_"
                           "exclusive_to_us,is_action,critic_rating\n"
                           "59.990,\"hello, \"\"world\"\"\",1,0,1,0,1,0,1,4.0\n");
  auto a = collect(**predictor, dir / "a.csv");
  auto b = collect(**predictor, dir / "b.csv");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(a->predictions, b->predictions);
  EXPECT_EQ(b->header.ignored_columns, (std::vector<std::string>{"note"}));
  EXPECT_EQ(b->records[0][0], "59.990");
  EXPECT_EQ(b->records[0][1], "hello, \"world\"");
  EXPECT_EQ(b->lines, (std::vector<long long>{2}));
  testing::write_text_file(dir / "c.csv", "critic_rating,is_action\n4,1\n");
  auto c = collect(**predictor, dir / "c.csv");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("missing feature column(s) 'is_exclusive_to_us'"), std::string::npos)
      << c.error().message;
  testing::write_text_file(dir / "d.csv", header + "\n4,1,0,1,0,1,0,1,59.99\n4,1,0,1,0,1,0,1,cheap\n");
  auto d = collect(**predictor, dir / "d.csv");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, (dir / "d.csv").string() + ":3: column 'unit_price': value 'cheap' is not a number");
}

TEST(ModelEvaluation, StreamsLargeFilesInBatchesInOrder) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  auto predictor = load_predictor(dir / "model");
  ASSERT_TRUE(predictor.ok());
  ASSERT_TRUE(write_synthetic_sales(dir / "big.csv", {.rows = 10000, .seed = 5}).ok());
  auto streamed = collect(**predictor, dir / "big.csv");
  ASSERT_TRUE(streamed.ok()) << streamed.error().message;
  ASSERT_EQ(streamed->predictions.size(), 10000u);
  EXPECT_EQ(streamed->lines.back(), 10001);
  // Row 9,999 predicted alone equals its prediction in the stream.
  std::vector<RawCell> cells;
  const auto& record = streamed->records.back();
  const auto& header = streamed->header.names;
  for (const auto& feature : (*predictor)->pipeline().features()) {
    const auto at = std::find(header.begin(), header.end(), feature.name) - header.begin();
    cells.push_back(RawCell::of_text(record[static_cast<size_t>(at)]));
  }
  auto alone = (*predictor)->predict(cells, [](size_t) { return std::string("row"); });
  ASSERT_TRUE(alone.ok());
  EXPECT_NEAR(alone->values[0], streamed->predictions.back(), 1e-5 * std::abs(alone->values[0]));
}

TEST(ModelEvaluation, EvaluatesInTargetUnits) {
  TemporaryDirectory dir;
  const TrainingJobReport report = testing::train_small_model(dir, "model", 4);
  auto predictor = load_predictor(dir / "model");
  ASSERT_TRUE(predictor.ok());
  auto evaluation = evaluate_csv(**predictor, dir / "test.csv", {});
  ASSERT_TRUE(evaluation.ok()) << evaluation.error().message;
  EXPECT_EQ(evaluation->metrics.rows, 100);
  // The same rows as the training job's test split: the same error, to float rounding.
  EXPECT_NEAR(evaluation->metrics.rmse, report.metadata.metrics.at("test").rmse, 1e-3 * evaluation->metrics.rmse);
  testing::write_text_file(dir / "no_target.csv",
                           "critic_rating,is_action,is_exclusive_to_us,is_portable,is_role_playing,is_sequel,is_sports,"
                           "suitable_for_kids,unit_price\n4,1,0,1,0,1,0,1,59.99\n");
  auto no_target = evaluate_csv(**predictor, dir / "no_target.csv", {});
  ASSERT_FALSE(no_target.ok());
  EXPECT_NE(no_target.error().message.find("no target column 'total_earnings'"), std::string::npos)
      << no_target.error().message;
}

}  // namespace
}  // namespace vgsales
