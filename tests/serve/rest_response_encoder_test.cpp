// Tests of src/serve/rest_response_encoder: TF Serving's JSON answers, byte for byte.
#include "serve/rest_response_encoder.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <limits>
#include <memory>

#include "serve/fake_predictor.h"

namespace vgsales::serve {
namespace {

PredictAnswer answer_of(std::vector<float> values, RowLayout layout = RowLayout::rows) {
  PredictAnswer answer;
  answer.layout = layout;
  answer.rows = values.size();
  answer.output_name = "earnings";
  answer.predictions.values = std::move(values);
  return answer;
}

TEST(ServeRestResponseEncoderTest, RowsArePredictionsAndColumnsAreOutputs) {
  EXPECT_EQ(encode_predict_answer(answer_of({104.0f, 0.75f})), R"({"predictions": [[104.0], [0.75]]})");
  EXPECT_EQ(encode_predict_answer(answer_of({3.0f, 7.0f}, RowLayout::columns)), R"({"outputs": [[3.0], [7.0]]})");
  EXPECT_EQ(encode_predict_answer(answer_of({})), R"({"predictions": []})");
  EXPECT_EQ(encode_predict_answer(answer_of({std::numeric_limits<float>::quiet_NaN(),
                                             -std::numeric_limits<float>::infinity()})),
            R"({"predictions": [[NaN], [-Infinity]]})");
}

TEST(ServeRestResponseEncoderTest, TheIntervalNamesEveryOutput) {
  PredictAnswer answer = answer_of({3.0f, 7.5f});
  answer.interval = true;
  answer.predictions.median = {3.0f, 7.0f};
  answer.predictions.lower = {2.0f, 6.0f};
  answer.predictions.upper = {5.0f, 9.25f};
  EXPECT_EQ(encode_predict_answer(answer),
            R"({"predictions": [{"earnings": 3.0, "earnings_median": 3.0, "earnings_lower": 2.0, )"
            R"("earnings_upper": 5.0}, {"earnings": 7.5, "earnings_median": 7.0, "earnings_lower": 6.0, )"
            R"("earnings_upper": 9.25}]})");
  answer.layout = RowLayout::columns;
  EXPECT_EQ(encode_predict_answer(answer),
            R"({"outputs": {"earnings": [3.0, 7.5], "earnings_median": [3.0, 7.0], "earnings_lower": [2.0, 6.0], )"
            R"("earnings_upper": [5.0, 9.25]}})");
}

TEST(ServeRestResponseEncoderTest, AListWrittenInBatchesIsTheListWrittenAtOnce) {
  PredictionListEncoder list;
  std::string text = list.begin();
  EXPECT_EQ(text, R"({"predictions": [)");
  text += list.add(std::vector<float>{1.0f, 0.4578f});
  text += list.add(std::vector<float>{});
  text += list.add(std::vector<float>{132774.78f});
  text += list.finish();
  EXPECT_EQ(text, encode_predict_answer(answer_of({1.0f, 0.4578f, 132774.78f})));
  EXPECT_EQ(text, R"({"predictions": [[1.0], [0.4578], [132774.78]]})");
}

TEST(ServeRestResponseEncoderTest, ErrorsStatusAndThePageConfiguration) {
  EXPECT_EQ(encode_error("bad \"quote\"\n"), R"({"error": "bad \"quote\"\n"})");
  EXPECT_EQ(encode_model_status(3), R"({"model_version_status": [{"version": "3", "state": "AVAILABLE", )"
                                    R"("status": {"error_code": "OK", "error_message": ""}}]})");
  EXPECT_EQ(encode_ui_config("vgsales"), R"({"model_name": "vgsales"})");
}

TEST(ServeRestResponseEncoderTest, MetadataNamesTheModelAndItsFeatures) {
  ServedModel model;
  model.version = 4;
  model.predictor = std::make_shared<testing::FakePredictor>(testing::mixed_pipeline(), 0.0f);
  const std::string text = encode_model_metadata("vgsales", model);
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  ASSERT_FALSE(doc.HasParseError()) << text;
  EXPECT_STREQ(doc["model_spec"]["name"].GetString(), "vgsales");
  EXPECT_STREQ(doc["model_spec"]["version"].GetString(), "4");
  EXPECT_STREQ(doc["metadata"]["target_name"].GetString(), "total_earnings");
  const auto& names = doc["metadata"]["feature_names"];
  ASSERT_EQ(names.Size(), 4u);
  EXPECT_STREQ(names[2].GetString(), "genre");
  EXPECT_TRUE(doc["metadata"]["signature_def"]["signature_def"].HasMember("serving_default"));
  EXPECT_EQ(text.find(", "), std::string::npos);  // compact, as it always was
}

}  // namespace
}  // namespace vgsales::serve
