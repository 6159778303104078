// Strict reading and plain writing of the JSON files vgsales keeps (model.json and its parts): every reader names
// the file and the field path it could not find, so a damaged file is reported, never half-used.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <string>
#include <vector>

#include "common/result.h"

namespace vgsales {

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void write_json_string(JsonWriter& writer, const std::string& text);
void write_json_floats(JsonWriter& writer, const std::vector<float>& values);
void write_json_strings(JsonWriter& writer, const std::vector<std::string>& values);

class JsonFieldReader {
 public:
  explicit JsonFieldReader(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

  // "<source>: field '<path>' is missing or not <expected> (corrupt model.json?)"
  Error missing(const std::string& path, const char* expected) const;
  Error invalid(const std::string& path, const std::string& why) const;

  Result<const rapidjson::Value*> member(const rapidjson::Value& object, const char* name,
                                         const std::string& path) const;
  Result<const rapidjson::Value*> object(const rapidjson::Value& object, const char* name,
                                         const std::string& path) const;
  Result<std::string> string(const rapidjson::Value& object, const char* name, const std::string& path) const;
  Result<double> number(const rapidjson::Value& object, const char* name, const std::string& path) const;
  // A number a float holds finitely (model files keep floats: 1e300 is a finite double but no float).
  Result<float> single(const rapidjson::Value& object, const char* name, const std::string& path) const;
  Result<long long> integer(const rapidjson::Value& object, const char* name, const std::string& path) const;
  Result<bool> boolean(const rapidjson::Value& object, const char* name, const std::string& path) const;
  Result<std::vector<float>> floats(const rapidjson::Value& object, const char* name, const std::string& path) const;
  Result<std::vector<std::string>> strings(const rapidjson::Value& object, const char* name,
                                           const std::string& path) const;

 private:
  std::string source_;
};

// Parses `text` as one JSON object; errors name the source and the byte offset.
Result<void> parse_json_object(rapidjson::Document& doc, const std::string& text, const std::string& source);

}  // namespace vgsales
