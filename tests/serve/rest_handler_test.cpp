// Tests of src/serve/rest_handler: every endpoint and every error, called directly without sockets.
#include "serve/rest_handler.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <regex>
#include <set>

#include "data/table.h"
#include "serve/fake_predictor.h"
#include "serve/metrics.h"
#include "serve/ui_assets.h"

namespace vgsales::serve {
namespace {

using testing::FakePredictor;

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNanAndInfFlag>(body.c_str());
  EXPECT_FALSE(doc.HasParseError()) << body;
  return doc;
}

std::string error_of(const RestResponse& response) {
  auto doc = parse(response.body);
  if (!doc.IsObject() || !doc.HasMember("error") || !doc["error"].IsString()) return "<no error field>";
  return doc["error"].GetString();
}

class ServeRestHandlerTest : public ::testing::Test {
 protected:
  void serve(FeaturePipeline pipeline, long long version = 3) {
    serve_predictor(std::make_shared<FakePredictor>(std::move(pipeline), 0.0f), version);
  }
  void serve_predictor(std::shared_ptr<FakePredictor> predictor, long long version = 3) {
    predictor_ = std::move(predictor);
    auto model = std::make_shared<ServedModel>();
    model->version = version;
    model->predictor = predictor_;
    model_ = model;
  }
  RestResponse get(const std::string& target) const { return handler_.handle({"GET", target, ""}); }
  RestResponse post(const std::string& target, const std::string& body) const {
    return handler_.handle({"POST", target, body});
  }
  RestResponse predict(const std::string& body) const { return post("/v1/models/vgsales:predict", body); }

  std::shared_ptr<FakePredictor> predictor_;
  std::shared_ptr<const ServedModel> model_;
  RestHandler handler_{RestHandlerOptions{"vgsales", "/health", "/vertex/predict"}, [this] { return model_; },
                       [] { return std::string("vgsales_model_version 3\n"); }};
};

TEST(ServeHttpStatusTest, OneCodePerErrorKind) {
  EXPECT_EQ(http_status_for(RestErrorKind::invalid_argument), 400);
  EXPECT_EQ(http_status_for(RestErrorKind::not_found), 404);
  EXPECT_EQ(http_status_for(RestErrorKind::method_not_allowed), 405);
  EXPECT_EQ(http_status_for(RestErrorKind::unavailable), 503);
  EXPECT_EQ(http_status_for(RestErrorKind::internal), 500);
  EXPECT_EQ(rest_error_kind_for(make_error(ErrorKind::invalid_data, "x")), RestErrorKind::invalid_argument);
  EXPECT_EQ(rest_error_kind_for(make_error(ErrorKind::not_found, "x")), RestErrorKind::not_found);
  EXPECT_EQ(rest_error_kind_for(make_error(ErrorKind::io, "x")), RestErrorKind::internal);
}

TEST_F(ServeRestHandlerTest, StatusListsTheLiveVersionAsAvailable) {
  serve(testing::mixed_pipeline());
  const auto response = get("/v1/models/vgsales");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  auto doc = parse(response.body);
  const auto& status = doc["model_version_status"];
  ASSERT_EQ(status.Size(), 1u);
  EXPECT_STREQ(status[0]["version"].GetString(), "3");  // int64 prints as a string in proto3 JSON
  EXPECT_STREQ(status[0]["state"].GetString(), "AVAILABLE");
  EXPECT_STREQ(status[0]["status"]["error_code"].GetString(), "OK");
  EXPECT_STREQ(status[0]["status"]["error_message"].GetString(), "");
}

TEST_F(ServeRestHandlerTest, StatusOfOneVersion) {
  serve(testing::mixed_pipeline());
  EXPECT_EQ(get("/v1/models/vgsales/versions/3").status, 200);
  const auto missing = get("/v1/models/vgsales/versions/4");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_of(missing), "Could not find version 4 of model vgsales");
  const auto unknown = get("/v1/models/other");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(error_of(unknown), "Could not find any versions of model other");
}

TEST_F(ServeRestHandlerTest, StatusBeforeAnyLoadIsNotFound) {
  EXPECT_EQ(get("/v1/models/vgsales").status, 404);
  EXPECT_EQ(predict(R"({"instances": [[1, 2]]})").status, 404);
  EXPECT_EQ(get("/v1/models/vgsales/metadata").status, 404);
}

TEST_F(ServeRestHandlerTest, MetadataDescribesTheSignature) {
  serve(testing::mixed_pipeline());
  for (const std::string target : {"/v1/models/vgsales/metadata", "/v1/models/vgsales/versions/3/metadata"}) {
    const auto response = get(target);
    ASSERT_EQ(response.status, 200) << response.body;
    auto doc = parse(response.body);
    EXPECT_STREQ(doc["model_spec"]["name"].GetString(), "vgsales");
    EXPECT_STREQ(doc["model_spec"]["version"].GetString(), "3");
    // The SavedModel's signatures (saved_model_export.h): a model with a categorical feature serves raw rows by
    // default, one input per feature; `encoded` takes the packed layout (2 numbers, 2 + other + missing, 1 flag).
    const auto& signatures = doc["metadata"]["signature_def"]["signature_def"];
    for (const char* key : {"serving_default", "rows", "encoded"}) ASSERT_TRUE(signatures.HasMember(key)) << key;
    EXPECT_FALSE(signatures.HasMember("interval")) << "the fake model has no interval";
    const auto& signature = signatures["serving_default"];
    ASSERT_TRUE(signature["inputs"].HasMember("genre"));
    EXPECT_STREQ(signature["inputs"]["genre"]["dtype"].GetString(), "DT_STRING");
    EXPECT_STREQ(signature["inputs"]["critic_rating"]["dtype"].GetString(), "DT_FLOAT");
    EXPECT_EQ(signature["inputs"]["critic_rating"]["tensor_shape"]["dim"].Size(), 1u);
    EXPECT_STREQ(signature["inputs"]["critic_rating"]["tensor_shape"]["dim"][0]["size"].GetString(), "-1");
    const auto& input = signatures["encoded"]["inputs"]["input"];
    EXPECT_STREQ(input["dtype"].GetString(), "DT_FLOAT");
    EXPECT_STREQ(input["tensor_shape"]["dim"][0]["size"].GetString(), "-1");
    EXPECT_STREQ(input["tensor_shape"]["dim"][1]["size"].GetString(), "7");
    EXPECT_STREQ(signature["outputs"]["earnings"]["tensor_shape"]["dim"][1]["size"].GetString(), "1");
    EXPECT_STREQ(signature["method_name"].GetString(), "tensorflow/serving/predict");
    const auto& names = doc["metadata"]["feature_names"];
    ASSERT_EQ(names.Size(), 4u);
    EXPECT_STREQ(names[0].GetString(), "critic_rating");
    EXPECT_STREQ(doc["metadata"]["features"][2]["kind"].GetString(), "categorical");
  }
  EXPECT_EQ(get("/v1/models/vgsales/versions/9/metadata").status, 404);
  const auto other = get("/v1/models/other/metadata");
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(error_of(other), "Servable not found for request: Latest(other)");
}

TEST_F(ServeRestHandlerTest, PredictRowsAsLists) {
  serve(testing::mixed_pipeline());
  const auto response = predict(R"({"instances": [[1, 2, "Action", true], [0.5, 0.25, "Puzzle", false]]})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.route, "predict");
  EXPECT_EQ(response.instances, 2u);
  EXPECT_EQ(response.body, R"({"predictions": [[104.0], [0.75]]})");
}

TEST_F(ServeRestHandlerTest, PredictRowsAsObjectsByFeatureName) {
  serve(testing::mixed_pipeline());
  const auto response =
      predict(R"({"instances": [{"genre": "Action", "critic_rating": 4.5, "is_sequel": 1, "user_rating": null}]})");
  ASSERT_EQ(response.status, 200) << response.body;
  auto doc = parse(response.body);
  EXPECT_FLOAT_EQ(doc["predictions"][0][0].GetFloat(), 105.5f);
}

TEST_F(ServeRestHandlerTest, PredictRowsAsNamedInputTensor) {
  serve(testing::numeric_pipeline());
  const auto response = predict(R"({"instances": [{"input": [1, 2]}]})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, R"({"predictions": [[3.0]]})");
}

TEST_F(ServeRestHandlerTest, PredictColumnarAnswersOutputs) {
  serve(testing::numeric_pipeline());
  auto response = predict(R"({"inputs": [[1, 2], [3, 4]]})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, R"({"outputs": [[3.0], [7.0]]})");
  response = predict(R"({"inputs": {"input": [[1, 2]]}})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, R"({"outputs": [[3.0]]})");
  response = predict(R"({"inputs": {"critic_rating": [1, 10], "user_rating": [2, 20]}})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, R"({"outputs": [[3.0], [30.0]]})");
}

TEST_F(ServeRestHandlerTest, MissingValuesAreImputedByThePipeline) {
  serve(testing::numeric_pipeline());
  // null and NaN are missing: imputed with the feature's fill value (0 here), as in training.
  EXPECT_EQ(predict(R"({"instances": [[1, null]]})").body, R"({"predictions": [[1.0]]})");
  EXPECT_EQ(predict(R"({"instances": [[NaN, 2]]})").body, R"({"predictions": [[2.0]]})");
  EXPECT_EQ(predictor_->calls.load(), 2);
}

TEST_F(ServeRestHandlerTest, CategoriesAreMatchedByTheTextTheyWereWrittenWith) {
  serve(FeaturePipeline(
      {FeatureSpec{.name = "code", .type = ColumnType::categorical, .categories = {"Action", "007", "1.10"}}},
      "total_earnings", MissingValueSet()));
  // The JSON number 1.10 is the category "1.10" (not 1.1), and "007" is not 7; only "Action" scores 100.
  const auto response = predict(R"({"instances": [{"code": "Action"}, {"code": 1.10}, {"code": "007"}, {"code": 7}]})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, R"({"predictions": [[100.0], [0.0], [0.0], [0.0]]})");
}

TEST_F(ServeRestHandlerTest, TheIntervalSignatureAnswersEveryEstimateByName) {
  serve(testing::numeric_pipeline());
  const auto without = predict(R"({"signature_name": "interval", "instances": [[1, 2]]})");
  EXPECT_EQ(without.status, 400);  // a model without an interval has no such signature
  EXPECT_EQ(error_of(without), "Serving signature key \"interval\" not found.");
  predictor_->give_interval();
  auto rows = predict(R"({"signature_name": "interval", "instances": [[1, 2], [3, 4]]})");
  ASSERT_EQ(rows.status, 200) << rows.body;
  EXPECT_EQ(rows.body, R"({"predictions": [{"earnings": 3.0, "earnings_median": 3.0, "earnings_lower": 2.0, )"
                       R"("earnings_upper": 5.0}, {"earnings": 7.0, "earnings_median": 7.0, "earnings_lower": 6.0, )"
                       R"("earnings_upper": 9.0}]})");
  auto columns = predict(R"({"signature_name": "interval", "inputs": {"critic_rating": [1], "user_rating": [2]}})");
  ASSERT_EQ(columns.status, 200) << columns.body;
  EXPECT_EQ(columns.body, R"({"outputs": {"earnings": [3.0], "earnings_median": [3.0], "earnings_lower": [2.0], )"
                          R"("earnings_upper": [5.0]}})");
  // serving_default stays exactly as it was: one output, the mean.
  EXPECT_EQ(predict(R"({"instances": [[1, 2]]})").body, R"({"predictions": [[3.0]]})");
}

// The metadata lists what saved_model_export.h writes for the kind of model: an all-numeric model keeps the packed
// serving_default, both kinds have rows and encoded, and a model with an interval has an interval signature on raw
// rows with four outputs. Requests may name `rows`, which serving_default's raw decoding answers, and `encoded`.
TEST_F(ServeRestHandlerTest, MetadataSignaturesFollowTheExportsForEachKindOfModel) {
  serve(testing::numeric_pipeline());
  predictor_->give_interval();
  const auto doc = parse(get("/v1/models/vgsales/metadata").body);
  const auto& signatures = doc["metadata"]["signature_def"]["signature_def"];
  std::vector<std::string> keys;
  for (const auto& member : signatures.GetObject()) keys.emplace_back(member.name.GetString());
  EXPECT_EQ(keys, (std::vector<std::string>{"encoded", "interval", "rows", "serving_default"}));
  EXPECT_TRUE(signatures["serving_default"]["inputs"].HasMember("input")) << "numeric models keep the packed default";
  EXPECT_EQ(signatures["serving_default"]["inputs"].MemberCount(), 1u);
  EXPECT_TRUE(signatures["interval"]["inputs"].HasMember("critic_rating"));
  EXPECT_TRUE(signatures["interval"]["inputs"].HasMember("user_rating"));
  std::vector<std::string> outputs;
  for (const auto& member : signatures["interval"]["outputs"].GetObject())
    outputs.emplace_back(member.name.GetString());
  EXPECT_EQ(outputs, (std::vector<std::string>{"earnings", "earnings_median", "earnings_lower", "earnings_upper"}));
  EXPECT_STREQ(signatures["interval"]["outputs"]["earnings_lower"]["name"].GetString(), "earnings_lower:0");
  const auto by_rows = predict(R"({"signature_name": "rows", "instances": [{"critic_rating": 1, "user_rating": 2}]})");
  ASSERT_EQ(by_rows.status, 200) << by_rows.body;
  EXPECT_EQ(by_rows.body, predict(R"({"instances": [[1, 2]]})").body);
}

// `encoded`, listed in the metadata, takes rows already in the encoded layout and answers what `rows` answers for the
// raw rows they encode. mixed_pipeline's layout: critic_rating, user_rating, genre=Action, genre=Sports, genre=other,
// genre=missing, is_sequel.
TEST_F(ServeRestHandlerTest, TheEncodedSignatureTakesRowsInTheEncodedLayout) {
  serve(testing::mixed_pipeline());
  ASSERT_EQ(predictor_->pipeline().encoded_width(), 7u);
  const auto raw = predict(R"({"instances": [[1, 2, "Action", true], [0.5, 0.25, "Puzzle", false]]})");
  ASSERT_EQ(raw.status, 200) << raw.body;
  const auto rows = predict(R"({"signature_name": "encoded", "instances": [[1, 2, 1, 0, 0, 0, 1], )"
                            R"({"input": [0.5, 0.25, 0, 0, 1, 0, false]}]})");
  ASSERT_EQ(rows.status, 200) << rows.body;
  EXPECT_EQ(rows.route, "predict");
  EXPECT_EQ(rows.instances, 2u);
  EXPECT_EQ(rows.body, raw.body);
  const auto columns = predict(R"({"signature_name": "encoded", "inputs": [[1, 2, 1, 0, 0, 0, 1]]})");
  ASSERT_EQ(columns.status, 200) << columns.body;
  EXPECT_EQ(columns.body, R"({"outputs": [[104.0]]})");
  const auto named = predict(R"({"signature_name": "encoded", "inputs": {"input": [[0.5, 0.25, 0, 0, 1, 0, 0]]}})");
  ASSERT_EQ(named.status, 200) << named.body;
  EXPECT_EQ(named.body, R"({"outputs": [[0.75]]})");
  // A model with an interval: `encoded` still has the one output, as the SavedModel's encoded signature.
  predictor_->give_interval();
  EXPECT_EQ(predict(R"({"signature_name": "encoded", "instances": [[1, 2, 1, 0, 0, 0, 1]]})").body,
            R"({"predictions": [[104.0]]})");
}

// An all-numeric model with a missing-value indicator: its metadata's serving_default is the packed input of width
// F = 3 (critic_rating, critic_rating_missing, user_rating), so serving_default reads a row of 3 values as encoded, as
// TF Serving does with the SavedModel, and a row of the 2 features as raw cells; `rows` takes raw rows only.
TEST_F(ServeRestHandlerTest, AnAllNumericDefaultTakesTheEncodedWidthItsMetadataShows) {
  serve(testing::numeric_pipeline_with_missing_indicator());
  ASSERT_EQ(predictor_->pipeline().encoded_width(), 3u);
  const auto metadata = parse(get("/v1/models/vgsales/metadata").body);
  EXPECT_STREQ(metadata["metadata"]["signature_def"]["signature_def"]["serving_default"]["inputs"]["input"]
                       ["tensor_shape"]["dim"][1]["size"]
                           .GetString(),
               "3");
  EXPECT_EQ(predict(R"({"instances": [[1, 2]]})").body, R"({"predictions": [[3.0]]})");
  EXPECT_EQ(predict(R"({"instances": [[1, 0, 2], [4, 0, 5]]})").body, R"({"predictions": [[3.0], [9.0]]})");
  EXPECT_EQ(predict(R"({"instances": [{"input": [1, 0, 2]}]})").body, R"({"predictions": [[3.0]]})");
  EXPECT_EQ(predict(R"({"signature_name": "serving_default", "inputs": {"input": [[1, 0, 2]]}})").body,
            R"({"outputs": [[3.0]]})");
  EXPECT_EQ(predict(R"({"inputs": [[1, 0, 2]]})").body, R"({"outputs": [[3.0]]})");
  const auto encoded_null = predict(R"({"instances": [[1, 0, null]]})");
  EXPECT_EQ(encoded_null.status, 400);
  EXPECT_NE(error_of(encoded_null).find("(encoded input 'user_rating')"), std::string::npos) << encoded_null.body;
  const auto as_rows = predict(R"({"signature_name": "rows", "instances": [[1, 0, 2]]})");
  EXPECT_EQ(as_rows.status, 400);
  EXPECT_NE(error_of(as_rows).find("expected size: 2"), std::string::npos) << as_rows.body;
}

TEST_F(ServeRestHandlerTest, TheEncodedSignatureNamesTheBadValue) {
  serve(testing::mixed_pipeline());
  struct Case {
    std::string body;
    std::string error;
  };
  const std::vector<Case> cases = {
      {R"({"instances": [[1, 2, "Action", true]]})",
       "Failed to process element: 0 of 'instances' list. Error: Encountered list at unexpected size: 4 at level: 0 "
       "expected size: 7 (the encoded inputs of model.json)"},
      {R"({"instances": [[1, null, 1, 0, 0, 0, 1]]})",
       "Failed to process element: 0 of 'instances' list. Error: JSON Value: null Type: Null is not of expected "
       "type: float (encoded input 'user_rating')"},
      {R"({"instances": [[1, 2, 1, 0, 0, 0, 1], [1, 2, "x", 0, 0, 0, 1]]})",
       "Failed to process element: 1 of 'instances' list. Error: JSON Value: \"x\" is not a number (encoded input "
       "'genre=Action')"},
      {R"({"inputs": [[1e39, 2, 1, 0, 0, 0, 1]]})",
       "Failed to process element: 0 of 'inputs' list. Error: JSON Value: \"1e39\" is not a finite number (encoded "
       "input 'critic_rating')"},
      {R"({"instances": [{"critic_rating": 1}]})",
       "Failed to process element: 0 of 'instances' list. Error: Expecting a list of 7 encoded values or "
       "{\"input\": [...]}"},
      {R"({"inputs": {"critic_rating": [1]}})",
       "'inputs' of the encoded signature must be a [N][7] list or {\"input\": [[...]]}"},
      {R"({"instances": []})", "No values in 'instances' array"},
      {R"({"instances": 3})", "Excepting 'instances' to be an list/array"},
      {R"({"instances": [[1, 2, 1, 0, 0, 0, 1]], "inputs": [[1, 2, 1, 0, 0, 0, 1]]})",
       "Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist"},
      {R"({"rows": [[1]]})", "Missing 'inputs' or 'instances' key"},
  };
  for (const auto& [body, error] : cases) {
    std::string request = body;
    request.insert(1, R"("signature_name": "encoded", )");
    const auto response = predict(request);
    EXPECT_EQ(response.status, 400) << request;
    EXPECT_EQ(error_of(response), error) << request;
  }
  EXPECT_EQ(predictor_->calls.load(), 0);
}

TEST_F(ServeRestHandlerTest, PredictWithAVersionInThePath) {
  serve(testing::numeric_pipeline());
  EXPECT_EQ(post("/v1/models/vgsales/versions/3:predict", R"({"instances": [[1, 2]]})").status, 200);
  const auto wrong = post("/v1/models/vgsales/versions/2:predict", R"({"instances": [[1, 2]]})");
  EXPECT_EQ(wrong.status, 404);
  EXPECT_EQ(error_of(wrong), "Servable not found for request: Specific(vgsales, 2)");
  const auto other = post("/v1/models/nope:predict", R"({"instances": [[1, 2]]})");
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(error_of(other), "Servable not found for request: Latest(nope)");
}

TEST_F(ServeRestHandlerTest, SignatureName) {
  serve(testing::numeric_pipeline());
  EXPECT_EQ(predict(R"({"signature_name": "serving_default", "instances": [[1, 2]]})").status, 200);
  EXPECT_EQ(predict(R"({"signature_name": "", "instances": [[1, 2]]})").status, 200);
  EXPECT_EQ(predict(R"({"signature_name": "encoded", "instances": [[1, 2]]})").status, 200);
  const auto other = predict(R"({"signature_name": "classify_x", "instances": [[1, 2]]})");
  EXPECT_EQ(other.status, 400);
  EXPECT_EQ(error_of(other), "Serving signature key \"classify_x\" not found.");
  EXPECT_EQ(predict(R"({"signature_name": 7, "instances": [[1, 2]]})").status, 400);
}

TEST_F(ServeRestHandlerTest, MalformedBodiesAre400) {
  serve(testing::mixed_pipeline());
  struct Case {
    std::string body;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {"", "JSON Parse error: The document is empty"},
      {"{\"instances\": [[1, 2", "JSON Parse error"},
      {"[1, 2]", "Is not object"},
      {R"({"rows": []})", "Missing 'inputs' or 'instances' key"},
      {R"({"instances": [[1, 2, "a", 1]], "inputs": [[1, 2, "a", 1]]})", "only one of 'inputs' or 'instances'"},
      {R"({"instances": {"a": 1}})", "to be an list/array"},
      {R"({"instances": []})", "No values in 'instances' array"},
      {R"({"inputs": []})", "No values in 'inputs'"},
      {R"({"instances": [[1, 2, "Action"]]})", "unexpected size: 3 at level: 0 expected size: 4"},
      {R"({"instances": [[1, 2, "Action", 1, 5]]})", "unexpected size: 5"},
      {R"({"inputs": [[1, 2, "Action"]]})", "unexpected size: 3"},
      {R"({"instances": [[1, "high", "Action", 1]]})",
       "instances[0]: column 'user_rating': value 'high' is not a number"},
      {R"({"instances": [[1, [2], "Action", 1]]})", "Type: Array is not of expected type"},
      {R"({"instances": [[1, 2, "Action", "yes"]]})", "column 'is_sequel': value 'yes' is not a number"},
      {R"({"instances": [[1, Infinity, "Action", 1]]})",
       "column 'user_rating': value 'Infinity' is not a finite number"},
      {R"({"instances": [[1, 2, true, 1]]})", "Type: True is not of expected type: string or number (feature 'genre')"},
      {R"({"instances": [{"critic_rating": 1, "user_rating": 2, "genre": "A", "is_sequel": 0, "price": 9}]})",
       "does not have named input: price"},
      {R"({"instances": [{"critic_rating": 1, "genre": "A"}]})", "missing: user_rating,is_sequel"},
      {R"({"instances": [7]})", "Failed to process element: 0 of 'instances' list"},
      {R"({"inputs": {"critic_rating": [1], "user_rating": [2], "genre": ["A"]}})",
       "Missing named input: is_sequel in 'inputs' object."},
      {R"({"inputs": {"critic_rating": [1, 2], "user_rating": [2], "genre": ["A"], "is_sequel": [1]}})",
       "Expecting 2 values"},
  };
  for (const auto& [body, message_part] : cases) {
    const auto response = predict(body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_NE(error_of(response).find(message_part), std::string::npos) << body << " -> " << response.body;
  }
}

TEST_F(ServeRestHandlerTest, HostileBodiesNeverCrash) {
  serve(testing::numeric_pipeline());
  // 200k nested arrays would overflow a recursive parser's stack.
  const std::string deep = "{\"instances\": " + std::string(200000, '[') + std::string(200000, ']') + "}";
  EXPECT_EQ(predict(deep).status, 400);
  EXPECT_EQ(predict(R"({"instances": [[1, 2]]} garbage)").status, 400);
  EXPECT_EQ(predict(R"({"instances": [[NaN, -Infinity]]})").status, 400);
  EXPECT_EQ(predict("\xff\xfe{").status, 400);
}

TEST_F(ServeRestHandlerTest, WrongMethodIs405WithAllow) {
  serve(testing::numeric_pipeline());
  auto response = get("/v1/models/vgsales:predict");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.allow, "POST");
  EXPECT_NE(error_of(response).find("Malformed request: GET /v1/models/vgsales:predict"), std::string::npos);
  response = post("/v1/models/vgsales", "{}");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.allow, "GET");
  EXPECT_EQ(handler_.handle({"DELETE", "/v1/models/vgsales/metadata", ""}).status, 405);
  EXPECT_EQ(post("/metrics", "").status, 405);
}

TEST_F(ServeRestHandlerTest, UnknownPathsAndMethodsOfTheApi) {
  serve(testing::numeric_pipeline());
  EXPECT_EQ(get("/").status, 404);
  EXPECT_EQ(get("/v1/models/").status, 404);
  EXPECT_EQ(get("/v1/models/vgsales/versions/abc").status, 404);
  EXPECT_EQ(get("/v1/models/vgsales/labels/stable").status, 404);
  EXPECT_EQ(post("/v1/models/vgsales:classify", "{}").status, 400);
}

TEST_F(ServeRestHandlerTest, QueryStringsAreIgnored) {
  serve(testing::numeric_pipeline());
  EXPECT_EQ(get("/v1/models/vgsales?verbose=1").status, 200);
}

TEST_F(ServeRestHandlerTest, MetricsRoute) {
  const auto response = get("/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, kPrometheusContentType);
  EXPECT_EQ(response.body, "vgsales_model_version 3\n");
  EXPECT_EQ(response.route, "metrics");
}

TEST_F(ServeRestHandlerTest, VertexHealthIs503UntilAModelIsLoaded) {
  const auto before = get("/health");
  EXPECT_EQ(before.status, 503);
  EXPECT_EQ(before.route, "health");
  serve(testing::numeric_pipeline());
  const auto after = get("/health");
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, "{}");
}

TEST_F(ServeRestHandlerTest, VertexPredictTakesInstancesAndParameters) {
  serve(testing::mixed_pipeline());
  const auto response = post("/vertex/predict",
                             R"({"instances": [{"critic_rating": 1, "user_rating": 2, "genre": "Action", )"
                             R"("is_sequel": 0}], "parameters": {"ignored": true}})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.route, "vertex_predict");
  EXPECT_EQ(response.body, R"({"predictions": [[103.0]]})");
  EXPECT_EQ(get("/vertex/predict").status, 405);
}

TEST_F(ServeRestHandlerTest, NumbersBeyondFloatRangeAre400NotInfinity) {
  serve(testing::numeric_pipeline());
  for (const char* body : {R"({"inputs": [[45, 80e60]]})", R"({"instances": [[-1e39, 1]]})",
                           R"({"instances": [{"critic_rating": 1, "user_rating": 1e300}]})"}) {
    const RestResponse response = predict(body);
    EXPECT_EQ(response.status, 400) << body << " -> " << response.body;
    EXPECT_NE(error_of(response).find("is not a finite number"), std::string::npos) << response.body;
  }
  EXPECT_EQ(predict(R"({"instances": [[3.4e38, 0]]})").status, 200);  // the largest floats are fine
}

// Inputs on which fuzz/rest_handler_fuzzer.cpp once failed, replayed with its checks: a status in 200..599 and a
// JSON body (TF Serving's NaN / Infinity tokens allowed), for a categorical and an all-numeric model.
TEST_F(ServeRestHandlerTest, FuzzerFindingsStayFixed) {
  const auto folder = ::vgsales::testing::source_dir() / "tests" / "serve" / "fuzz_regressions" / "rest_handler_fuzzer";
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string input = ::vgsales::testing::read_text_file(entry.path());
    const std::size_t line_end = input.find('\n');
    const std::string line = input.substr(0, line_end);
    const std::string body = line_end == std::string::npos ? "" : input.substr(line_end + 1);
    const std::size_t space = line.find(' ');
    const std::string method = line.substr(0, space);
    const std::string target = space == std::string::npos ? "" : line.substr(space + 1);
    for (FeaturePipeline pipeline : {testing::mixed_pipeline(), testing::numeric_pipeline()}) {
      serve(pipeline);
      const RestResponse response = handler_.handle({method, target, body});
      EXPECT_GE(response.status, 200) << entry.path();
      EXPECT_LE(response.status, 599) << entry.path();
      rapidjson::Document doc;
      doc.Parse<rapidjson::kParseNanAndInfFlag>(response.body.c_str());
      EXPECT_FALSE(doc.HasParseError()) << entry.path() << ": " << response.body;
    }
    ++replayed;
  }
  EXPECT_GE(replayed, 1);
  // The first finding: 80e60 overflowed a float into Infinity; now it is a 400 naming the feature.
  serve(testing::numeric_pipeline());
  const RestResponse overflow = predict(::vgsales::testing::read_text_file(folder / "float-overflow-80e60").substr(32));
  EXPECT_EQ(overflow.status, 400);
  EXPECT_NE(error_of(overflow).find("column 'user_rating'"), std::string::npos) << overflow.body;
}

// A pipeline fitted by the real code on a small table: platform (categorical, 4 values, a vocabulary of 2 so 2 are
// rare), flag (0/1), score (numeric, one missing cell).
FeaturePipeline fitted_games_pipeline(const ::vgsales::testing::TemporaryDirectory& dir) {
  std::string text = "platform,flag,score,total_earnings\n";
  const char* platforms[] = {"Wii", "PS4", "Wii", "X360", "Wii", "PS4", "DS", "Wii"};
  for (int i = 0; i < 40; ++i) {
    text += std::string(platforms[i % 8]) + "," + std::to_string(i % 2) + "," +
            (i == 5 ? std::string("N/A") : std::to_string(1 + i % 5)) + "," + std::to_string(100 + i) + "\n";
  }
  auto table = load_table(::vgsales::testing::write_text_file(dir / "games.csv", text));
  EXPECT_TRUE(table.ok()) << table.error().message;
  auto pipeline = fit_feature_encoding(*table, PipelineFitOptions{.target = "total_earnings", .max_categories = 2});
  EXPECT_TRUE(pipeline.ok()) << pipeline.error().message;
  return std::move(pipeline).value();
}

TEST_F(ServeRestHandlerTest, MetadataDescribesEachFeatureAsAFormNeedsIt) {
  ::vgsales::testing::TemporaryDirectory dir;
  const FeaturePipeline pipeline = fitted_games_pipeline(dir);
  serve(pipeline);
  const auto response = get("/v1/models/vgsales/metadata");
  ASSERT_EQ(response.status, 200) << response.body;
  auto doc = parse(response.body);
  const auto& metadata = doc["metadata"];
  // TF Serving's part and the earlier vgsales fields stay as they were.
  EXPECT_TRUE(metadata["signature_def"]["signature_def"].HasMember("serving_default"));
  EXPECT_STREQ(metadata["target_name"].GetString(), "total_earnings");
  ASSERT_EQ(metadata["feature_names"].Size(), 3u);

  const auto& features = metadata["features"];
  ASSERT_EQ(features.Size(), pipeline.features().size());
  for (rapidjson::SizeType i = 0; i < features.Size(); ++i) {
    const FeatureSpec& spec = pipeline.features()[i];
    const auto& feature = features[i];
    EXPECT_EQ(feature["name"].GetString(), spec.name);
    EXPECT_EQ(feature["kind"].GetString(), std::string(column_type_name(spec.type)));
    if (spec.type == ColumnType::categorical) {
      EXPECT_FALSE(feature.HasMember("min"));
      ASSERT_EQ(feature["categories"].Size(), spec.categories.size());
      for (rapidjson::SizeType c = 0; c < spec.categories.size(); ++c)
        EXPECT_EQ(feature["categories"][c].GetString(), spec.categories[c]);
      EXPECT_EQ(feature["rare_categories"].GetUint64(), spec.rare_categories.size());
    } else {
      EXPECT_FALSE(feature.HasMember("categories"));
      EXPECT_DOUBLE_EQ(feature["min"].GetDouble(), spec.min);
      EXPECT_DOUBLE_EQ(feature["max"].GetDouble(), spec.max);
      EXPECT_DOUBLE_EQ(feature["fill_value"].GetDouble(), spec.fill_value);
      EXPECT_EQ(feature["missing_indicator"].GetBool(), spec.missing_indicator);
    }
  }
  // What the table says, independently of the pipeline: the two most frequent platforms, most frequent first, and
  // two rarer ones; a 0/1 column from 0 to 1; a score from 1 to 5 with a missing cell.
  EXPECT_STREQ(features[0]["kind"].GetString(), "categorical");
  EXPECT_STREQ(features[0]["categories"][0].GetString(), "Wii");
  EXPECT_STREQ(features[0]["categories"][1].GetString(), "PS4");
  EXPECT_EQ(features[0]["rare_categories"].GetInt(), 2);
  EXPECT_STREQ(features[1]["kind"].GetString(), "boolean");
  EXPECT_EQ(features[1]["max"].GetDouble(), 1.0);
  EXPECT_DOUBLE_EQ(features[1]["fill_value"].GetDouble(), 0.5);
  EXPECT_STREQ(features[2]["kind"].GetString(), "numeric");
  EXPECT_EQ(features[2]["min"].GetDouble(), 1.0);
  EXPECT_EQ(features[2]["max"].GetDouble(), 5.0);
  EXPECT_TRUE(features[2]["missing_indicator"].GetBool());

  std::set<std::string> spellings;
  for (const auto& spelling : metadata["missing_values"].GetArray()) spellings.insert(spelling.GetString());
  EXPECT_EQ(spellings, (std::set<std::string>{"", "na", "n/a", "nan", "null", "tbd"}));
}

ModelMetadata trained_metadata(FeaturePipeline pipeline) {
  ModelMetadata metadata;
  metadata.pipeline = std::move(pipeline);
  metadata.output_name = "earnings";
  metadata.created = "2026-05-04T03:02:01Z";
  metadata.train_file = "games.csv";
  metadata.rows = {{"train", 900}, {"validation", 100}, {"test", 400}};
  metadata.epochs_run = 12;
  metadata.kept_epoch = 9;
  metadata.status = "stopped_early";
  metadata.training_seconds = 1.5;
  metadata.settings.hidden_layers = {8, 4};
  metadata.settings.learning_rate = 0.01;
  metadata.settings.batch_size = 16;
  metadata.settings.validation_split = 0.1;
  metadata.settings.target_transform = TargetTransformSetting::log1p;
  metadata.settings.mean_correction = MeanCorrection::smearing;
  metadata.metrics["test"] = SplitMetrics{.rmse = 1805.5, .mae = 1200.25, .mape = 3.5, .r2 = 0.75, .rows = 400};
  metadata.metrics["train"] = SplitMetrics{.rmse = 1500, .mae = 1000, .mape = NAN, .r2 = 0.8, .rows = 900};
  metadata.baselines["mean"] = SplitMetrics{.rmse = 46971, .mae = 36018, .mape = 40, .r2 = -0.004, .rows = 400};
  metadata.baselines["linear"] = SplitMetrics{.rmse = 10844, .mae = 7551, .mape = 9, .r2 = 0.95, .rows = 400};
  return metadata;
}

TEST_F(ServeRestHandlerTest, MetadataCarriesTheModelCard) {
  ::vgsales::testing::TemporaryDirectory dir;
  serve_predictor(std::make_shared<FakePredictor>(trained_metadata(fitted_games_pipeline(dir)), 0.0f), 7);
  const auto response = get("/v1/models/vgsales/metadata");
  ASSERT_EQ(response.status, 200) << response.body;
  auto doc = parse(response.body);
  const auto& card = doc["metadata"]["model_card"];
  EXPECT_STREQ(card["target_name"].GetString(), "total_earnings");
  EXPECT_STREQ(card["output_name"].GetString(), "earnings");
  EXPECT_STREQ(card["target_unit"].GetString(), "$");  // "earnings" is money by target_units.h's rule
  EXPECT_STREQ(card["created"].GetString(), "2026-05-04T03:02:01Z");
  EXPECT_EQ(card["version"].GetInt64(), 7);  // the version served, not one written in model.json
  EXPECT_STREQ(card["train_file"].GetString(), "games.csv");
  EXPECT_EQ(card["rows"]["validation"].GetInt64(), 100);
  EXPECT_DOUBLE_EQ(card["metrics"]["test"]["rmse"].GetDouble(), 1805.5);
  EXPECT_DOUBLE_EQ(card["metrics"]["test"]["mae"].GetDouble(), 1200.25);
  EXPECT_DOUBLE_EQ(card["metrics"]["test"]["r2"].GetDouble(), 0.75);
  EXPECT_DOUBLE_EQ(card["metrics"]["test"]["mape"].GetDouble(), 3.5);
  EXPECT_EQ(card["metrics"]["test"]["rows"].GetInt64(), 400);
  EXPECT_TRUE(card["metrics"]["train"]["mape"].IsNull());  // JSON has no NaN
  EXPECT_DOUBLE_EQ(card["baselines"]["mean"]["rmse"].GetDouble(), 46971);
  EXPECT_DOUBLE_EQ(card["baselines"]["linear"]["r2"].GetDouble(), 0.95);
  const auto& training = card["training"];
  EXPECT_EQ(training["epochs_run"].GetInt(), 12);
  EXPECT_EQ(training["kept_epoch"].GetInt(), 9);
  EXPECT_STREQ(training["status"].GetString(), "stopped_early");
  ASSERT_EQ(training["layers"].Size(), 2u);
  EXPECT_EQ(training["layers"][0].GetInt(), 8);
  EXPECT_DOUBLE_EQ(training["learning_rate"].GetDouble(), 0.01);
  EXPECT_EQ(training["batch_size"].GetInt(), 16);
  EXPECT_EQ(training["seed"].GetInt64(), 42);
  EXPECT_DOUBLE_EQ(training["validation_split"].GetDouble(), 0.1);
  EXPECT_STREQ(training["target_transform"].GetString(), "log1p");
  EXPECT_STREQ(training["input_scaling"].GetString(), "standard");
  EXPECT_STREQ(training["median"].GetString(), "auto");
  EXPECT_STREQ(training["mean_correction"].GetString(), "smearing");
  EXPECT_TRUE(card["interval"].IsNull());
}

// A model with an interval: the card gives its level, the test rows' coverage, and how it was calibrated.
TEST_F(ServeRestHandlerTest, ModelCardDescribesTheInterval) {
  ::vgsales::testing::TemporaryDirectory dir;
  ModelMetadata metadata = trained_metadata(fitted_games_pipeline(dir));
  metadata.shifts = OutputShifts{
      .mean = 0.1f, .median = 0.0f, .median_from_head = true, .has_interval = true, .lower = -0.5f, .upper = 0.6f};
  metadata.interval_level = 0.8;
  metadata.interval_calibration_rows = 100;
  metadata.interval_calibration = "split conformal on 100 residuals";
  metadata.metrics["test"].median_mae = 1100;
  metadata.metrics["test"].coverage = 0.79;
  metadata.metrics["test"].mean_interval_width = 3000;
  serve_predictor(std::make_shared<FakePredictor>(metadata, 0.0f), 1);
  auto doc = parse(get("/v1/models/vgsales/metadata").body);
  const auto& interval = doc["metadata"]["model_card"]["interval"];
  ASSERT_TRUE(interval.IsObject());
  EXPECT_DOUBLE_EQ(interval["level"].GetDouble(), 0.8);
  EXPECT_DOUBLE_EQ(interval["coverage"].GetDouble(), 0.79);
  EXPECT_STREQ(interval["coverage_split"].GetString(), "test");
  EXPECT_EQ(interval["calibration_rows"].GetInt64(), 100);
  EXPECT_STREQ(interval["calibration"].GetString(), "split conformal on 100 residuals");
  EXPECT_STREQ(interval["median"].GetString(), "head");
}

TEST_F(ServeRestHandlerTest, ModelCardUnitIsEmptyForATargetThatIsNotMoney) {
  serve(FeaturePipeline({FeatureSpec{.name = "Year", .type = ColumnType::numeric, .min = 1980, .max = 2020}},
                        "Global_Sales", MissingValueSet({"", "N/A"})));
  auto doc = parse(get("/v1/models/vgsales/metadata").body);
  EXPECT_STREQ(doc["metadata"]["model_card"]["target_unit"].GetString(), "");
  EXPECT_STREQ(doc["metadata"]["model_card"]["target_name"].GetString(), "Global_Sales");
  ASSERT_EQ(doc["metadata"]["missing_values"].Size(), 2u);
  EXPECT_STREQ(doc["metadata"]["missing_values"][1].GetString(), "n/a");
}

std::string header_value(const RestResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers)
    if (key == name) return value;
  return "<absent>";
}

class ServeWebPageTest : public ServeRestHandlerTest {
 protected:
  RestHandler page_handler_{RestHandlerOptions{"vgsales", "/health", "/vertex/predict", /*serve_ui=*/true},
                            [this] { return model_; }, nullptr};
  RestResponse page_get(const std::string& target) const { return page_handler_.handle({"GET", target, ""}); }
};

TEST_F(ServeWebPageTest, ThePageAtTheRootWithItsSecurityHeaders) {
  const auto page = page_get("/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(page.route, "ui");
  EXPECT_NE(page.body.find("<!doctype html>"), std::string::npos);
  const std::string policy = header_value(page, "Content-Security-Policy");
  EXPECT_EQ(policy.rfind("default-src 'self';", 0), 0u) << policy;
  EXPECT_NE(policy.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(policy.find("unsafe"), std::string::npos);  // no inline scripts or styles, no eval
  EXPECT_EQ(policy.find("http"), std::string::npos);    // no other origin
  EXPECT_EQ(header_value(page, "X-Content-Type-Options"), "nosniff");
  // The page works before any model is loaded: it is not a model route.
  EXPECT_EQ(model_, nullptr);
}

TEST_F(ServeWebPageTest, EveryAssetThePageNamesIsServedWithItsType) {
  const auto page = page_get("/");
  const std::regex reference(R"re((?:src|href)="(/ui/[^"]+)")re");
  std::set<std::string> assets;
  for (std::sregex_iterator it(page.body.begin(), page.body.end(), reference), end; it != end; ++it)
    assets.insert((*it)[1]);
  EXPECT_TRUE(assets.count("/ui/app.js")) << page.body;
  EXPECT_TRUE(assets.count("/ui/app.css")) << page.body;
  const std::map<std::string, std::string> types = {{".js", "text/javascript; charset=utf-8"},
                                                    {".css", "text/css; charset=utf-8"},
                                                    {".svg", "image/svg+xml"},
                                                    {".txt", "text/plain; charset=utf-8"}};
  for (const auto& asset : assets) {
    const auto response = page_get(asset);
    ASSERT_EQ(response.status, 200) << asset;
    EXPECT_FALSE(response.body.empty()) << asset;
    EXPECT_EQ(response.content_type, types.at(asset.substr(asset.rfind('.')))) << asset;
    EXPECT_EQ(header_value(response, "Content-Security-Policy"), std::string(kUiContentSecurityPolicy)) << asset;
    EXPECT_EQ(header_value(response, "X-Content-Type-Options"), "nosniff") << asset;
  }
}

TEST_F(ServeWebPageTest, ConfigNamesTheServedModel) {
  const auto config = page_get("/ui/config.json");
  ASSERT_EQ(config.status, 200);
  EXPECT_EQ(config.content_type, "application/json");
  EXPECT_EQ(parse(config.body)["model_name"].GetString(), std::string("vgsales"));
  EXPECT_EQ(header_value(config, "X-Content-Type-Options"), "nosniff");
}

TEST_F(ServeWebPageTest, UnknownAssetsAndOtherMethods) {
  for (const std::string target : {"/ui/", "/ui/nope.js", "/ui/../index.html", "/ui/app.js/x", "/index.html"}) {
    const auto response = page_get(target);
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_NE(error_of(response).find("Malformed request"), std::string::npos) << target;
  }
  const auto post_page = page_handler_.handle({"POST", "/", "{}"});
  EXPECT_EQ(post_page.status, 405);
  EXPECT_EQ(post_page.allow, "GET");
  EXPECT_EQ(page_get("/?utm=x").status, 200);  // a query string does not change the path
}

TEST_F(ServeWebPageTest, TheApiAndVertexRoutesWorkBesideThePage) {
  serve(testing::mixed_pipeline());
  EXPECT_EQ(page_get("/v1/models/vgsales").status, 200);
  EXPECT_EQ(page_get("/v1/models/vgsales/metadata").status, 200);
  EXPECT_EQ(page_get("/health").status, 200);
  const auto vertex = page_handler_.handle({"POST", "/vertex/predict", R"({"instances": [[1, 2, "Action", 0]]})"});
  EXPECT_EQ(vertex.status, 200) << vertex.body;
  EXPECT_TRUE(vertex.headers.empty());  // the page's headers are the page's alone
}

TEST_F(ServeRestHandlerTest, NoUiAnswersNotFoundForThePage) {
  // The fixture's handler is built as `serve --no-ui` builds it.
  for (const std::string target : {"/", "/ui/app.js", "/ui/config.json"}) {
    EXPECT_EQ(get(target).status, 404) << target;
  }
}

TEST(ServeUiHandlerTest, VertexRoutesWinOverThePage) {
  // A Vertex AI route may be any path, even "/": it keeps working when the page is on.
  RestHandler handler(
      {"m", "/", "/ui/predict", /*serve_ui=*/true}, [] { return std::shared_ptr<const ServedModel>(); }, nullptr);
  EXPECT_EQ(handler.handle({"GET", "/", ""}).route, "health");
  EXPECT_EQ(handler.handle({"POST", "/ui/predict", "{}"}).route, "vertex_predict");
  EXPECT_EQ(handler.handle({"GET", "/ui/app.js", ""}).status, 200);
}

TEST(ServeRestHandlerWithoutVertexTest, VertexRoutesAreOffByDefault) {
  RestHandler handler(
      {"m", "", ""}, [] { return std::shared_ptr<const ServedModel>(); }, nullptr);
  EXPECT_EQ(handler.handle({"GET", "/health", ""}).status, 404);
}

TEST(ServeErrorResponseTest, EscapesTheMessage) {
  const auto response = make_error_response(RestErrorKind::invalid_argument, "bad \"quote\"\n");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, R"({"error": "bad \"quote\"\n"})");
}

}  // namespace
}  // namespace vgsales::serve
