// JSON field readers that name what is wrong, and the few writers every JSON file here shares.
#include "common/json_fields.h"

#include <rapidjson/error/en.h>

#include <cmath>

namespace vgsales {

void write_json_string(JsonWriter& writer, const std::string& text) {
  writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_json_floats(JsonWriter& writer, const std::vector<float>& values) {
  writer.StartArray();
  for (float v : values) writer.Double(static_cast<double>(v));
  writer.EndArray();
}

void write_json_strings(JsonWriter& writer, const std::vector<std::string>& values) {
  writer.StartArray();
  for (const auto& value : values) write_json_string(writer, value);
  writer.EndArray();
}

Error JsonFieldReader::missing(const std::string& path, const char* expected) const {
  return make_error(ErrorKind::invalid_data,
                    source_ + ": field '" + path + "' is missing or not " + expected + " (corrupt model.json?)");
}

Error JsonFieldReader::invalid(const std::string& path, const std::string& why) const {
  return make_error(ErrorKind::invalid_data, source_ + ": field '" + path + "': " + why);
}

Result<const rapidjson::Value*> JsonFieldReader::member(const rapidjson::Value& object, const char* name,
                                                        const std::string& path) const {
  if (!object.IsObject()) return missing(path, "present");
  const auto found = object.FindMember(name);
  if (found == object.MemberEnd()) return missing(path, "present");
  return &found->value;
}

Result<const rapidjson::Value*> JsonFieldReader::object(const rapidjson::Value& parent, const char* name,
                                                        const std::string& path) const {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* value, member(parent, name, path));
  if (!value->IsObject()) return missing(path, "an object");
  return value;
}

Result<std::string> JsonFieldReader::string(const rapidjson::Value& object, const char* name,
                                            const std::string& path) const {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* value, member(object, name, path));
  if (!value->IsString()) return missing(path, "a string");
  return std::string(value->GetString(), value->GetStringLength());
}

Result<double> JsonFieldReader::number(const rapidjson::Value& object, const char* name,
                                       const std::string& path) const {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* value, member(object, name, path));
  if (!value->IsNumber() || !std::isfinite(value->GetDouble())) return missing(path, "a finite number");
  return value->GetDouble();
}

Result<float> JsonFieldReader::single(const rapidjson::Value& object, const char* name, const std::string& path) const {
  VGSALES_ASSIGN_OR_RETURN(const double value, number(object, name, path));
  const auto narrowed = static_cast<float>(value);
  if (!std::isfinite(narrowed)) return missing(path, "a number within a float's range");
  return narrowed;
}

Result<long long> JsonFieldReader::integer(const rapidjson::Value& object, const char* name,
                                           const std::string& path) const {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* value, member(object, name, path));
  if (!value->IsInt64()) return missing(path, "an integer");
  return value->GetInt64();
}

Result<bool> JsonFieldReader::boolean(const rapidjson::Value& object, const char* name, const std::string& path) const {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* value, member(object, name, path));
  if (!value->IsBool()) return missing(path, "true or false");
  return value->GetBool();
}

Result<std::vector<float>> JsonFieldReader::floats(const rapidjson::Value& object, const char* name,
                                                   const std::string& path) const {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* value, member(object, name, path));
  if (!value->IsArray()) return missing(path, "an array of numbers");
  std::vector<float> out;
  out.reserve(value->Size());
  for (const auto& item : value->GetArray()) {
    // Finite as the float it is kept as: 1e300 is a finite double but no float.
    if (!item.IsNumber() || !std::isfinite(static_cast<float>(item.GetDouble())))
      return missing(path, "an array of numbers within a float's range");
    out.push_back(static_cast<float>(item.GetDouble()));
  }
  return out;
}

Result<std::vector<std::string>> JsonFieldReader::strings(const rapidjson::Value& object, const char* name,
                                                          const std::string& path) const {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* value, member(object, name, path));
  if (!value->IsArray()) return missing(path, "an array of strings");
  std::vector<std::string> out;
  out.reserve(value->Size());
  for (const auto& item : value->GetArray()) {
    if (!item.IsString()) return missing(path, "an array of strings");
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

Result<void> parse_json_object(rapidjson::Document& doc, const std::string& text, const std::string& source) {
  doc.Parse<rapidjson::kParseIterativeFlag>(text.c_str(), text.size());
  if (doc.HasParseError())
    return make_error(ErrorKind::invalid_data, source + ": not valid JSON at byte " +
                                                   std::to_string(doc.GetErrorOffset()) + ": " +
                                                   rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) return make_error(ErrorKind::invalid_data, source + ": expected a JSON object");
  return {};
}

}  // namespace vgsales
