// Tests of src/common/json_fields: each strict reader accepts its type and names the source and the field path
// when a value is missing or of the wrong kind; floats out of a float's range are refused; the writers round-trip.
#include "common/json_fields.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace vgsales {
namespace {

rapidjson::Document parsed(const std::string& text) {
  rapidjson::Document doc;
  const auto result = parse_json_object(doc, text, "model.json");
  EXPECT_TRUE(result.ok()) << result.error().message;
  return doc;
}

TEST(CommonJsonFields, ReadsEveryKindOfField) {
  const auto doc = parsed(R"({"s": "text", "n": 2.5, "i": -7, "b": true, "f": [1, 0.5], "l": ["a", "b"],
                              "o": {"inner": 1}})");
  JsonFieldReader r("model.json");
  EXPECT_EQ(*r.string(doc, "s", "s"), "text");
  EXPECT_DOUBLE_EQ(*r.number(doc, "n", "n"), 2.5);
  EXPECT_FLOAT_EQ(*r.single(doc, "n", "n"), 2.5f);
  EXPECT_EQ(*r.integer(doc, "i", "i"), -7);
  EXPECT_TRUE(*r.boolean(doc, "b", "b"));
  EXPECT_EQ(*r.floats(doc, "f", "f"), (std::vector<float>{1.0f, 0.5f}));
  EXPECT_EQ(*r.strings(doc, "l", "l"), (std::vector<std::string>{"a", "b"}));
  const auto object = r.object(doc, "o", "o");
  ASSERT_TRUE(object.ok());
  EXPECT_EQ(*r.integer(**object, "inner", "o.inner"), 1);
}

struct WrongField {
  const char* name;
  const char* json;
  const char* expected_message;
};

class CommonJsonFieldsWrong : public ::testing::TestWithParam<WrongField> {};

// Each reader is asked for field "x" (path "section.x") of the object given.
TEST_P(CommonJsonFieldsWrong, NamesSourceFieldAndExpectedKind) {
  const auto doc = parsed(GetParam().json);
  JsonFieldReader r("m/model.json");
  const std::string expected = GetParam().expected_message;
  std::string message;
  if (expected.find("a string") != std::string::npos) message = r.string(doc, "x", "section.x").error().message;
  else if (expected.find("a finite number") != std::string::npos)
    message = r.number(doc, "x", "section.x").error().message;
  else if (expected.find("a number within a float's range") != std::string::npos)
    message = r.single(doc, "x", "section.x").error().message;
  else if (expected.find("an integer") != std::string::npos) message = r.integer(doc, "x", "section.x").error().message;
  else if (expected.find("true or false") != std::string::npos)
    message = r.boolean(doc, "x", "section.x").error().message;
  else if (expected.find("array of numbers") != std::string::npos)
    message = r.floats(doc, "x", "section.x").error().message;
  else if (expected.find("an array of strings") != std::string::npos)
    message = r.strings(doc, "x", "section.x").error().message;
  else if (expected.find("an object") != std::string::npos) message = r.object(doc, "x", "section.x").error().message;
  else message = r.member(doc, "x", "section.x").error().message;
  EXPECT_EQ(message, expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CommonJsonFieldsWrong,
    ::testing::Values(
        WrongField{"absent", R"({})",
                   "m/model.json: field 'section.x' is missing or not present (corrupt model.json?)"},
        WrongField{"string", R"({"x": 1})",
                   "m/model.json: field 'section.x' is missing or not a string (corrupt model.json?)"},
        WrongField{"number", R"({"x": "1"})",
                   "m/model.json: field 'section.x' is missing or not a finite number (corrupt model.json?)"},
        WrongField{"float_range", R"({"x": 1e300})",
                   "m/model.json: field 'section.x' is missing or not a number within a float's range (corrupt "
                   "model.json?)"},
        WrongField{"integer", R"({"x": 1.5})",
                   "m/model.json: field 'section.x' is missing or not an integer (corrupt model.json?)"},
        WrongField{"boolean", R"({"x": 1})",
                   "m/model.json: field 'section.x' is missing or not true or false (corrupt model.json?)"},
        WrongField{"floats", R"({"x": [1, 1e300]})",
                   "m/model.json: field 'section.x' is missing or not an array of numbers within a float's range "
                   "(corrupt model.json?)"},
        WrongField{"strings", R"({"x": ["a", 2]})",
                   "m/model.json: field 'section.x' is missing or not an array of strings (corrupt model.json?)"},
        WrongField{"object", R"({"x": []})",
                   "m/model.json: field 'section.x' is missing or not an object (corrupt model.json?)"}),
    [](const ::testing::TestParamInfo<WrongField>& info) { return std::string(info.param.name); });

TEST(CommonJsonFields, InvalidNamesTheFieldAndWhy) {
  JsonFieldReader r("m/model.json");
  EXPECT_EQ(r.invalid("network.input_width", "is 3 but the pipeline encodes to 4 inputs").message,
            "m/model.json: field 'network.input_width': is 3 but the pipeline encodes to 4 inputs");
}

TEST(CommonJsonFields, ParseErrorsNameSourceAndOffset) {
  rapidjson::Document doc;
  const auto broken = parse_json_object(doc, "{\"a\": ", "x.json");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().kind, ErrorKind::invalid_data);
  EXPECT_EQ(broken.error().message.rfind("x.json: not valid JSON at byte 6: ", 0), 0u) << broken.error().message;
  const auto array = parse_json_object(doc, "[1, 2]", "x.json");
  ASSERT_FALSE(array.ok());
  EXPECT_EQ(array.error().message, "x.json: expected a JSON object");
}

TEST(CommonJsonFields, WrittenValuesReadBackExactly) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  const std::vector<float> values{0.1f, -3.25f, std::numeric_limits<float>::max(), 1e-30f};
  writer.StartObject();
  writer.Key("floats");
  write_json_floats(writer, values);
  writer.Key("strings");
  write_json_strings(writer, {"Nintendo", "quote \" and comma,", ""});
  writer.Key("text");
  write_json_string(writer, std::string("nul\0inside", 10));
  writer.EndObject();
  const auto doc = parsed(buffer.GetString());
  JsonFieldReader r("round-trip");
  EXPECT_EQ(*r.floats(doc, "floats", "floats"), values);  // bit for bit: floats survive via double
  EXPECT_EQ(*r.strings(doc, "strings", "strings"), (std::vector<std::string>{"Nintendo", "quote \" and comma,", ""}));
  EXPECT_EQ(*r.string(doc, "text", "text"), std::string("nul\0inside", 10));
}

}  // namespace
}  // namespace vgsales
