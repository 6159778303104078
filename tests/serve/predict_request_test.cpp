// Tests of src/serve/predict_request: the signature names of the request model.
#include "serve/predict_request.h"

#include <gtest/gtest.h>

#include <memory>

#include "serve/fake_predictor.h"

namespace vgsales::serve {
namespace {

using testing::FakePredictor;

TEST(ServePredictRequestTest, EverySignatureIsFoundByItsName) {
  FakePredictor predictor(testing::numeric_pipeline(), 0.0f);
  predictor.give_interval();
  for (const Signature signature :
       {Signature::serving_default, Signature::rows, Signature::interval, Signature::encoded}) {
    const auto found = signature_named(signature_name(signature), predictor);
    ASSERT_TRUE(found.ok()) << signature_name(signature);
    EXPECT_EQ(*found, signature);
  }
  EXPECT_STREQ(signature_name(Signature::serving_default), "serving_default");
  EXPECT_STREQ(signature_name(Signature::rows), "rows");
  EXPECT_STREQ(signature_name(Signature::interval), "interval");
  EXPECT_STREQ(signature_name(Signature::encoded), "encoded");
}

TEST(ServePredictRequestTest, AnEmptyNameIsServingDefault) {
  FakePredictor predictor(testing::numeric_pipeline(), 0.0f);
  const auto found = signature_named("", predictor);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, Signature::serving_default);
}

TEST(ServePredictRequestTest, IntervalOnlyForAModelWithAnInterval) {
  FakePredictor predictor(testing::numeric_pipeline(), 0.0f);
  const auto missing = signature_named("interval", predictor);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::invalid_data);
  EXPECT_EQ(missing.error().message, "Serving signature key \"interval\" not found.");
}

TEST(ServePredictRequestTest, UnknownNamesAreTfServingsError) {
  FakePredictor predictor(testing::numeric_pipeline(), 0.0f);
  for (const char* name : {"classify", "Serving_Default", "rows "}) {
    const auto found = signature_named(name, predictor);
    ASSERT_FALSE(found.ok()) << name;
    EXPECT_EQ(found.error().message, "Serving signature key \"" + std::string(name) + "\" not found.");
  }
}

}  // namespace
}  // namespace vgsales::serve
