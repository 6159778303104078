// The JSON text of the prediction answers: RapidJSON's Writer spaced as TF Serving spaces its answers, and the one
// way a float is written, shared by the REST answers and `vgsales predict --format json`.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cstdint>
#include <string_view>

namespace vgsales::serve {

// Room for the text of any float.
using FloatText = std::array<char, 32>;

// The shortest text that reads back as the same float (TF Serving's WriteDecimal idea), with ".0" after a whole
// number so that it reads as a float, and NaN, Infinity and -Infinity as TF Serving writes them. Points into `text`.
std::string_view format_float(float value, FloatText& text);

// RapidJSON's Writer with a space after each ',' and ':' ({"predictions": [[1.0], [2.5]]}), as TF Serving answers.
// It hides the base class's handlers rather than overriding them (they are not virtual): use it as itself.
class SpacedJsonWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
  using Base = rapidjson::Writer<rapidjson::StringBuffer>;

 public:
  explicit SpacedJsonWriter(rapidjson::StringBuffer& out) : Base(out) {}

  bool Null();
  bool Bool(bool value);
  bool Int64(std::int64_t value);
  bool Float(float value);  // format_float's text
  bool String(std::string_view text);
  bool Key(std::string_view name) { return String(name); }
  bool StartObject();
  bool StartArray();
  using Base::EndArray;
  using Base::EndObject;

 private:
  // Base::Prefix, then the space after the ',' or ':' it wrote.
  void prefix(rapidjson::Type type);
};

}  // namespace vgsales::serve
