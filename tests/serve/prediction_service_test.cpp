// Tests of src/serve/prediction_service: the servable lookup and the prediction, with no protocol in sight.
#include "serve/prediction_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <string_view>

#include "serve/fake_predictor.h"

namespace vgsales::serve {
namespace {

using testing::FakePredictor;

class ServePredictionServiceTest : public ::testing::Test {
 protected:
  void serve(FeaturePipeline pipeline, long long version = 3) {
    predictor_ = std::make_shared<FakePredictor>(std::move(pipeline), 0.5f);
    auto model = std::make_shared<ServedModel>();
    model->version = version;
    model->predictor = predictor_;
    model_ = model;
  }
  std::shared_ptr<FakePredictor> predictor_;
  std::shared_ptr<const ServedModel> model_;
  PredictionService service_{"vgsales", [this] { return model_; }};
};

TEST_F(ServePredictionServiceTest, FindsTheLiveVersionByNameAndVersion) {
  serve(testing::numeric_pipeline(), 7);
  EXPECT_EQ(service_.model_name(), "vgsales");
  EXPECT_EQ(service_.current(), model_);
  const auto latest = service_.find({"vgsales", ""});
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(*latest, model_);
  const auto specific = service_.find({"vgsales", "7"});
  ASSERT_TRUE(specific.ok());
  EXPECT_EQ((*specific)->version, 7);
}

TEST_F(ServePredictionServiceTest, AnythingElseIsNotFoundInTfServingsWords) {
  const auto before_load = service_.find({"vgsales", ""});
  ASSERT_FALSE(before_load.ok());
  EXPECT_EQ(before_load.error().kind, ErrorKind::not_found);
  EXPECT_EQ(before_load.error().message, "Servable not found for request: Latest(vgsales)");
  serve(testing::numeric_pipeline(), 7);
  EXPECT_EQ(service_.find({"other", ""}).error().message, "Servable not found for request: Latest(other)");
  EXPECT_EQ(service_.find({"vgsales", "6"}).error().message, "Servable not found for request: Specific(vgsales, 6)");
  EXPECT_EQ(service_.find({"vgsales", "99999999999999999999"}).error().kind, ErrorKind::not_found);
}

TEST_F(ServePredictionServiceTest, RawRowsGoThroughThePipeline) {
  serve(testing::numeric_pipeline());
  PredictRequest request;
  request.rows = 2;
  request.layout = RowLayout::columns;
  request.cells = {RawCell::of_number(1), RawCell::of_number(2), RawCell::missing_value(), RawCell::of_text("4")};
  const auto answer = service_.predict(*model_, request);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->layout, RowLayout::columns);
  EXPECT_FALSE(answer->interval);
  EXPECT_EQ(answer->rows, 2u);
  EXPECT_EQ(answer->output_name, "earnings");
  EXPECT_EQ(answer->predictions.values, (std::vector<float>{3.5f, 4.5f}));
  EXPECT_TRUE(answer->predictions.median.empty());
}

TEST_F(ServePredictionServiceTest, TheIntervalSignatureAnswersEveryEstimate) {
  serve(testing::numeric_pipeline());
  predictor_->give_interval();
  PredictRequest request;
  request.signature = Signature::interval;
  request.rows = 1;
  request.cells = {RawCell::of_number(1), RawCell::of_number(2)};
  const auto answer = service_.predict(*model_, request);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_TRUE(answer->interval);
  EXPECT_EQ(answer->predictions.values, (std::vector<float>{3.5f}));
  EXPECT_EQ(answer->predictions.median, (std::vector<float>{3.5f}));
  EXPECT_EQ(answer->predictions.lower, (std::vector<float>{2.5f}));
  EXPECT_EQ(answer->predictions.upper, (std::vector<float>{5.5f}));
}

TEST_F(ServePredictionServiceTest, EncodedRowsSkipThePipeline) {
  serve(testing::numeric_pipeline_with_missing_indicator());
  PredictRequest request;
  request.signature = Signature::encoded;
  request.rows = 2;
  request.encoded = {1, 0, 2, 10, 1, 20};  // critic_rating, its missing indicator, user_rating
  const auto answer = service_.predict(*model_, request);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->predictions.values, (std::vector<float>{3.5f, 30.5f}));
  EXPECT_EQ(predictor_->calls.load(), 1);
}

TEST_F(ServePredictionServiceTest, ABadCellNamesItsRowAsTheLayoutDoes) {
  serve(testing::numeric_pipeline());
  PredictRequest request;
  request.rows = 2;
  request.cells = {RawCell::of_number(1), RawCell::of_number(2), RawCell::of_text("many"), RawCell::of_number(2)};
  const auto rows = service_.predict(*model_, request);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().kind, ErrorKind::invalid_data);
  EXPECT_EQ(std::string_view(rows.error().message).substr(0, 12), "instances[1]") << rows.error().message;
  request.layout = RowLayout::columns;
  const auto columns = service_.predict(*model_, request);
  ASSERT_FALSE(columns.ok());
  EXPECT_EQ(std::string_view(columns.error().message).substr(0, 12), "inputs row 1") << columns.error().message;
}

}  // namespace
}  // namespace vgsales::serve
