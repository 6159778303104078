// TF Serving's spacing on RapidJSON's Writer, and the one float formatting of the prediction answers.
#include "serve/json_writer.h"

#include <charconv>
#include <cmath>
#include <new>

namespace vgsales::serve {

std::string_view format_float(float value, FloatText& text) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  // Leave room for the ".0" of a whole number.
  char* end = std::to_chars(text.data(), text.data() + text.size() - 2, value).ptr;
  if (std::string_view(text.data(), static_cast<std::size_t>(end - text.data())).find_first_of(".e") ==
      std::string_view::npos) {
    *end++ = '.';
    *end++ = '0';
  }
  return {text.data(), static_cast<std::size_t>(end - text.data())};
}

void SpacedJsonWriter::prefix(rapidjson::Type type) {
  Base::Prefix(type);
  // Prefix counted this value: past the first in an array or object, it has just written ',' or ':'.
  if (!Base::level_stack_.Empty() && Base::level_stack_.template Top<Base::Level>()->valueCount > 1)
    Base::os_->Put(' ');
}

bool SpacedJsonWriter::Null() {
  prefix(rapidjson::kNullType);
  return Base::EndValue(Base::WriteNull());
}

bool SpacedJsonWriter::Bool(bool value) {
  prefix(value ? rapidjson::kTrueType : rapidjson::kFalseType);
  return Base::EndValue(Base::WriteBool(value));
}

bool SpacedJsonWriter::Int64(std::int64_t value) {
  prefix(rapidjson::kNumberType);
  return Base::EndValue(Base::WriteInt64(value));
}

bool SpacedJsonWriter::Float(float value) {
  prefix(rapidjson::kNumberType);
  FloatText text;
  const std::string_view written = format_float(value, text);
  return Base::EndValue(Base::WriteRawValue(written.data(), written.size()));
}

bool SpacedJsonWriter::String(std::string_view text) {
  prefix(rapidjson::kStringType);
  return Base::EndValue(Base::WriteString(text.data(), static_cast<rapidjson::SizeType>(text.size())));
}

bool SpacedJsonWriter::StartObject() {
  prefix(rapidjson::kObjectType);
  new (Base::level_stack_.template Push<Base::Level>()) Base::Level(false);
  return Base::WriteStartObject();
}

bool SpacedJsonWriter::StartArray() {
  prefix(rapidjson::kArrayType);
  new (Base::level_stack_.template Push<Base::Level>()) Base::Level(true);
  return Base::WriteStartArray();
}

}  // namespace vgsales::serve
