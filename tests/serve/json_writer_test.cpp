// Tests of src/serve/json_writer: the one float formatting and TF Serving's spacing on RapidJSON's Writer.
#include "serve/json_writer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>
#include <string>

namespace vgsales::serve {
namespace {

std::string formatted(float value) {
  FloatText text;
  return std::string(format_float(value, text));
}

TEST(ServeJsonWriterTest, FloatsAreTheShortestTextThatReadsBackAsTheSameFloat) {
  EXPECT_EQ(formatted(0.75f), "0.75");
  EXPECT_EQ(formatted(0.1f), "0.1");
  EXPECT_EQ(formatted(0.4578f), "0.4578");
  EXPECT_EQ(formatted(132774.78f), "132774.78");
  EXPECT_EQ(formatted(1e-5f), "1e-05");
  EXPECT_EQ(formatted(std::numeric_limits<float>::max()), "3.4028235e+38");
  EXPECT_EQ(formatted(std::numeric_limits<float>::denorm_min()), "1e-45");
  for (const float value : {0.1f, 1.0f / 3.0f, 123.456f, 9.999999e-3f, 16777217.0f, -2.5e-20f}) {
    EXPECT_EQ(std::strtof(formatted(value).c_str(), nullptr), value) << formatted(value);
  }
}

TEST(ServeJsonWriterTest, WholeNumbersKeepAFractionSoTheyReadAsFloats) {
  EXPECT_EQ(formatted(3.0f), "3.0");
  EXPECT_EQ(formatted(0.0f), "0.0");
  EXPECT_EQ(formatted(-0.0f), "-0.0");
  EXPECT_EQ(formatted(-104.0f), "-104.0");
  EXPECT_EQ(formatted(1e30f), "1e+30");  // an exponent already reads as a float
}

TEST(ServeJsonWriterTest, NonFiniteValuesAreTfServingsTokens) {
  EXPECT_EQ(formatted(std::numeric_limits<float>::quiet_NaN()), "NaN");
  EXPECT_EQ(formatted(std::numeric_limits<float>::infinity()), "Infinity");
  EXPECT_EQ(formatted(-std::numeric_limits<float>::infinity()), "-Infinity");
}

TEST(ServeJsonWriterTest, SeparatorsAreFollowedByASpace) {
  rapidjson::StringBuffer buffer;
  SpacedJsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("a");
  writer.StartArray();
  writer.Float(1.5f);
  writer.Int64(-2);
  writer.Null();
  writer.Bool(true);
  writer.EndArray();
  writer.Key("b \"q\"");
  writer.String("x\ny");
  writer.Key("c");
  writer.StartObject();
  writer.EndObject();
  writer.Key("d");
  writer.StartArray();
  writer.EndArray();
  writer.EndObject();
  EXPECT_EQ(std::string(buffer.GetString()), R"({"a": [1.5, -2, null, true], "b \"q\"": "x\ny", "c": {}, "d": []})");
  EXPECT_TRUE(writer.IsComplete());
}

}  // namespace
}  // namespace vgsales::serve
