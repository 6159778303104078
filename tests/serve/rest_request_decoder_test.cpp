// Tests of src/serve/rest_request_decoder: TF Serving's JSON bodies to the request model (the REST contract itself
// is pinned by rest_handler_test).
#include "serve/rest_request_decoder.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "serve/fake_predictor.h"

namespace vgsales::serve {
namespace {

using testing::FakePredictor;

// The text of a raw cell: a string's characters, a number as written (the body keeps numbers as text).
std::string text_of(const RawCell& cell) {
  return cell.kind == RawCell::Kind::missing ? "<missing>" : std::string(cell.text);
}

class ServeRestRequestDecoderTest : public ::testing::Test {
 protected:
  Result<PredictRequest> decode(const std::string& body) {
    body_ = std::make_unique<JsonRequestBody>();
    VGSALES_TRY(body_->parse(body));
    return decode_predict_request(body_->root(), predictor_);
  }
  std::string error_of(const std::string& body) {
    const auto decoded = decode(body);
    if (decoded.ok()) return "<decoded>";
    EXPECT_EQ(decoded.error().kind, ErrorKind::invalid_data);
    return decoded.error().message;
  }

  FakePredictor predictor_{testing::mixed_pipeline(), 0.0f};
  std::unique_ptr<JsonRequestBody> body_;  // the decoded cells point into it
};

TEST_F(ServeRestRequestDecoderTest, BodiesThatAreNotObjectsAreRefused) {
  EXPECT_EQ(error_of(""), "JSON Parse error: The document is empty");
  EXPECT_EQ(error_of("{"), "JSON Parse error: Missing a name for object member. at offset: 1");
  EXPECT_EQ(error_of("[1]"), "JSON Value: [...] Is not object");
  EXPECT_EQ(error_of(R"("text")"), "JSON Value: \"text\" Is not object");
}

TEST_F(ServeRestRequestDecoderTest, RowsAsListsObjectsAndTheInputTensorAreOneLayout) {
  const auto decoded = decode(R"({"instances": [[1.50, 2, "Action", true], )"
                              R"({"genre": "Sports", "is_sequel": null, "critic_rating": 3, "user_rating": 4}, )"
                              R"({"input": [5, 6, "x", false]}]})");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->signature, Signature::serving_default);
  EXPECT_EQ(decoded->layout, RowLayout::rows);
  EXPECT_EQ(decoded->rows, 3u);
  ASSERT_EQ(decoded->cells.size(), 12u);
  EXPECT_EQ(text_of(decoded->cells[0]), "1.50");             // as written, for a category spelled like a number
  EXPECT_EQ(decoded->cells[3].kind, RawCell::Kind::number);  // true for a boolean feature
  EXPECT_EQ(decoded->cells[3].number, 1.0);
  // Objects by feature name land in the model's feature order.
  EXPECT_EQ(text_of(decoded->cells[4]), "3");
  EXPECT_EQ(text_of(decoded->cells[5]), "4");
  EXPECT_EQ(text_of(decoded->cells[6]), "Sports");
  EXPECT_EQ(text_of(decoded->cells[7]), "<missing>");
  EXPECT_EQ(text_of(decoded->cells[10]), "x");
  EXPECT_TRUE(decoded->encoded.empty());
}

TEST_F(ServeRestRequestDecoderTest, ColumnsAsAMatrixOrOneListPerFeature) {
  const auto matrix = decode(R"({"inputs": {"input": [[1, 2, "Action", 0]]}})");
  ASSERT_TRUE(matrix.ok()) << matrix.error().message;
  EXPECT_EQ(matrix->layout, RowLayout::columns);
  EXPECT_EQ(matrix->rows, 1u);
  const auto named = decode(R"({"inputs": {"is_sequel": [0, 1], "genre": ["Action", "Sports"], )"
                            R"("critic_rating": [1, 2], "user_rating": [3, 4]}})");
  ASSERT_TRUE(named.ok()) << named.error().message;
  EXPECT_EQ(named->layout, RowLayout::columns);
  EXPECT_EQ(named->rows, 2u);
  ASSERT_EQ(named->cells.size(), 8u);
  EXPECT_EQ(text_of(named->cells[4]), "2");  // row 1 starts with critic_rating
  EXPECT_EQ(text_of(named->cells[6]), "Sports");
}

TEST_F(ServeRestRequestDecoderTest, TheSignatureNameIsDecoded) {
  predictor_.give_interval();
  const auto interval = decode(R"({"signature_name": "interval", "instances": [[1, 2, "Action", 0]]})");
  ASSERT_TRUE(interval.ok()) << interval.error().message;
  EXPECT_EQ(interval->signature, Signature::interval);
  const auto rows = decode(R"({"signature_name": "rows", "instances": [[1, 2, "Action", 0]]})");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(rows->signature, Signature::rows);
  // A number is kept as its text (the body keeps numbers as strings), so it names a signature "3"; null does not.
  EXPECT_EQ(error_of(R"({"signature_name": null, "instances": [[1, 2, "Action", 0]]})"),
            "'signature_name' key must be a string value.");
  EXPECT_EQ(error_of(R"({"signature_name": "other", "instances": []})"), "Serving signature key \"other\" not found.");
}

TEST_F(ServeRestRequestDecoderTest, TheEncodedSignatureReadsNumbers) {
  const auto decoded = decode(R"({"signature_name": "encoded", "instances": [[1, 2.5, 1, 0, 0, 0, true]]})");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->signature, Signature::encoded);
  EXPECT_EQ(decoded->rows, 1u);
  EXPECT_EQ(decoded->encoded, (std::vector<float>{1, 2.5f, 1, 0, 0, 0, 1}));
  EXPECT_TRUE(decoded->cells.empty());
}

TEST_F(ServeRestRequestDecoderTest, AnAllNumericDefaultTellsEncodedRowsByTheirWidth) {
  FakePredictor indicated(testing::numeric_pipeline_with_missing_indicator(), 0.0f);
  JsonRequestBody encoded_body;
  ASSERT_TRUE(encoded_body.parse(R"({"instances": [[1, 0, 2]]})").ok());
  const auto encoded = decode_predict_request(encoded_body.root(), indicated);
  ASSERT_TRUE(encoded.ok()) << encoded.error().message;
  EXPECT_EQ(encoded->signature, Signature::encoded);
  EXPECT_EQ(encoded->encoded, (std::vector<float>{1, 0, 2}));
  JsonRequestBody raw_body;
  ASSERT_TRUE(raw_body.parse(R"({"instances": [[1, 2]]})").ok());
  const auto raw = decode_predict_request(raw_body.root(), indicated);
  ASSERT_TRUE(raw.ok()) << raw.error().message;
  EXPECT_EQ(raw->signature, Signature::serving_default);
  EXPECT_EQ(raw->cells.size(), 2u);
}

TEST_F(ServeRestRequestDecoderTest, ErrorsNameTheElementAndTheFeature) {
  EXPECT_EQ(error_of(R"({"rows": []})"), "Missing 'inputs' or 'instances' key");
  EXPECT_EQ(error_of(R"({"instances": []})"), "No values in 'instances' array");
  EXPECT_EQ(error_of(R"({"instances": [[1, 2, "Action", 0], [1, 2]]})"),
            "Failed to process element: 1 of 'instances' list. Error: Encountered list at unexpected size: 2 at level: "
            "0 expected size: 4");
  EXPECT_EQ(error_of(R"({"instances": [[1, 2, ["Action"], 0]]})"),
            "Failed to process element: 0 of 'instances' list. Error: JSON Value: [...] Type: Array is not of expected "
            "type: string or number (feature 'genre')");
  EXPECT_EQ(error_of(R"({"inputs": {"critic_rating": [1]}})"), "Missing named input: user_rating in 'inputs' object.");
}

}  // namespace
}  // namespace vgsales::serve
