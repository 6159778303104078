// Tests for src/serve/explanation_service.cpp and explanation_encoder.cpp through the REST handler: POST
// .../:explain with the :predict body, answered in Vertex AI's explanation shape, with the per-request cost limit and
// clear errors for a model without background rows, the encoded signature and bad rows.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "fake_predictor.h"
#include "serve/explanation_service.h"
#include "serve/rest_handler.h"

namespace vgsales::serve {
namespace {

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  return doc;
}

std::string error_of(const RestResponse& response) {
  auto doc = parse(response.body);
  return doc.IsObject() && doc.HasMember("error") ? doc["error"].GetString() : "<no error field>";
}

// The fake model sums the numbers and adds 100 for genre "Action": each column's Shapley value is its own term minus
// that term's average over the background rows.
BackgroundRows fake_background() {
  // critic_rating, user_rating, genre, is_sequel
  std::vector<std::string> texts{"1", "2", "Action", "0", "3", "4", "Sports", "1",
                                 "2", "0", "",       "1", "4", "2", "Action", "0"};
  std::vector<bool> missing;
  for (const auto& text : texts) missing.push_back(text.empty());
  return BackgroundRows(texts, missing, 4);
}

class ServeExplainTest : public ::testing::Test {
 protected:
  void serve(bool with_background, std::uint64_t limit = kDefaultMaximumExplainCost, bool interval = false) {
    auto predictor = std::make_shared<testing::FakePredictor>(testing::mixed_pipeline(), 0.0f);
    if (interval) predictor->give_interval();
    auto model = std::make_shared<ServedModel>();
    model->version = 2;
    model->predictor = predictor;
    if (with_background)
      model->explainer =
          std::make_shared<const ShapleyExplainer>(ShapleyExplainer::create(predictor, fake_background()).value());
    else model->explainer_unavailable = "models/m: the model has no background.csv";
    model_ = model;
    RestHandlerOptions options{"vgsales", "", "", false};
    options.max_explain_cost = limit;
    handler_ = std::make_unique<RestHandler>(
        options, [this] { return model_; }, [] { return std::string(); });
  }
  RestResponse explain(const std::string& body, const std::string& target = "/v1/models/vgsales:explain") const {
    return handler_->handle({"POST", target, body});
  }

  std::shared_ptr<const ServedModel> model_;
  std::unique_ptr<RestHandler> handler_;
};

TEST_F(ServeExplainTest, AnswersInVertexAisExplanationShapeOneEntryPerInstance) {
  serve(true);
  const auto response = explain(
      R"({"instances": [{"critic_rating": 4, "user_rating": 3, "genre": "Action", "is_sequel": 1},
                        [1, 1, "Puzzle", 0]]})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.route, "explain");
  EXPECT_EQ(response.instances, 2u);
  auto doc = parse(response.body);
  const auto& explanations = doc["explanations"];
  ASSERT_EQ(explanations.Size(), 2u);
  const auto& first = explanations[0]["attributions"];
  ASSERT_EQ(first.Size(), 1u);  // the mean only: the model has no interval
  // The background's averages: critic 2.5, user 2, Action in 2 of 4 rows (50), sequel 0.5; baseline 55.
  EXPECT_NEAR(first[0]["baselineOutputValue"].GetDouble(), 55.0, 1e-4);
  EXPECT_NEAR(first[0]["instanceOutputValue"].GetDouble(), 108.0, 1e-4);
  EXPECT_STREQ(first[0]["outputName"].GetString(), "mean");
  EXPECT_EQ(first[0]["outputIndex"][0].GetInt(), 0);
  EXPECT_EQ(first[0]["approximationError"].GetDouble(), 0.0);
  const auto& values = first[0]["featureAttributions"];
  EXPECT_NEAR(values["critic_rating"].GetDouble(), 1.5, 1e-4);
  EXPECT_NEAR(values["user_rating"].GetDouble(), 1.0, 1e-4);
  EXPECT_NEAR(values["genre"].GetDouble(), 50.0, 1e-4);
  EXPECT_NEAR(values["is_sequel"].GetDouble(), 0.5, 1e-4);
  EXPECT_NEAR(explanations[1]["attributions"][0]["featureAttributions"]["genre"].GetDouble(), -50.0, 1e-4);
}

TEST_F(ServeExplainTest, AModelWithAnIntervalExplainsTheMedianToo) {
  serve(true, kDefaultMaximumExplainCost, /*interval=*/true);
  const auto response = explain(R"({"instances": [[4, 3, "Action", 1]]})", "/v1/models/vgsales/versions/2:explain");
  ASSERT_EQ(response.status, 200) << response.body;
  auto doc = parse(response.body);
  const auto& attributions = doc["explanations"][0]["attributions"];
  ASSERT_EQ(attributions.Size(), 2u);
  EXPECT_STREQ(attributions[1]["outputName"].GetString(), "median");
  EXPECT_EQ(attributions[1]["outputIndex"][0].GetInt(), 1);
}

TEST_F(ServeExplainTest, ARequestAboveTheCostLimitIsA400NamingIt) {
  serve(true, /*limit=*/100);  // each instance costs 2^4 x 4 = 64 coalition rows
  EXPECT_EQ(explain(R"({"instances": [[4, 3, "Action", 1]]})").status, 200);
  const auto response = explain(R"({"instances": [[4, 3, "Action", 1], [1, 1, "Sports", 0]]})");
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(error_of(response).find("--max-explain-cost"), std::string::npos) << error_of(response);
  EXPECT_NE(error_of(response).find("limit of 100"), std::string::npos) << error_of(response);
  EXPECT_NE(error_of(response).find("at most 1 instance"), std::string::npos) << error_of(response);
}

TEST_F(ServeExplainTest, BadRequestsGetClearErrors) {
  serve(false);
  const auto no_background = explain(R"({"instances": [[4, 3, "Action", 1]]})");
  EXPECT_EQ(no_background.status, 400);
  EXPECT_NE(error_of(no_background).find("no background.csv"), std::string::npos) << error_of(no_background);
  serve(true);
  const auto unknown =
      explain(R"({"instances": [{"critic_rating": 4, "user_ratin": 3, "genre": "A", "is_sequel": 1}]})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(error_of(unknown).find("user_rating"), std::string::npos) << error_of(unknown);
  const auto bad_cell = explain(R"({"instances": [[4, 3, "Action", 1], ["many", 3, "Action", 1]]})");
  EXPECT_EQ(bad_cell.status, 400);
  EXPECT_NE(error_of(bad_cell).find("instances[1]"), std::string::npos) << error_of(bad_cell);
  EXPECT_EQ(explain(R"({"instances": [[4, 3, "Action", 1]]})", "/v1/models/other:explain").status, 404);
  EXPECT_EQ(handler_->handle({"GET", "/v1/models/vgsales:explain", ""}).status, 405);
  EXPECT_EQ(explain("{").status, 400);
}

}  // namespace
}  // namespace vgsales::serve
