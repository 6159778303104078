// The prediction log's line format, both ways.
#include "monitor/prediction_log_record.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cmath>
#include <string>

namespace vgsales::monitor {

namespace {

using LineWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// A JSON number as a client wrote it (the REST decoder keeps that text), by JSON's grammar (RFC 8259, section 6):
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?. Other number-like text ("0062", "+1", "1.") is written as a string.
bool is_json_number_text(std::string_view text) {
  size_t i = 0;
  const auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i - start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') ++i;
  else if (digits() == 0) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

void write_cell(LineWriter& w, const RawCell& cell) {
  switch (cell.kind) {
    case RawCell::Kind::missing: w.Null(); break;
    case RawCell::Kind::text: w.String(cell.text.data(), static_cast<rapidjson::SizeType>(cell.text.size())); break;
    case RawCell::Kind::number:
      if (is_json_number_text(cell.text)) {
        w.RawValue(cell.text.data(), cell.text.size(), rapidjson::kNumberType);
      } else if (!cell.text.empty()) {
        // Text that reads as a number but is no JSON number ("0062"): a string, which the reader takes back as the
        // same number with the same text.
        w.String(cell.text.data(), static_cast<rapidjson::SizeType>(cell.text.size()));
      } else if (std::isfinite(cell.number)) {
        w.Double(cell.number);
      } else {
        w.Null();
      }
      break;
  }
}

void write_optional(LineWriter& w, const char* name, const std::optional<double>& value) {
  if (!value) return;
  w.Key(name);
  std::isfinite(*value) ? w.Double(*value) : w.Null();
}

Error bad_field(const std::string& where, const char* field, const char* expected) {
  return make_error(ErrorKind::invalid_data,
                    where + ": field '" + field + "' is missing or not " + expected + " (not a prediction log line?)");
}

// Numbers are read as their text (kParseNumbersAsStringsFlag), so a row's "1.10" stays "1.10".
std::optional<double> number_of(const rapidjson::Value& value) {
  if (!value.IsString()) return std::nullopt;
  const std::string text(value.GetString(), value.GetStringLength());
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || text.empty()) return std::nullopt;
  return number;
}

Result<std::optional<double>> optional_number(const rapidjson::Value& object, const char* name,
                                              const std::string& where) {
  const auto found = object.FindMember(name);
  if (found == object.MemberEnd() || found->value.IsNull()) return std::optional<double>{};
  const auto number = number_of(found->value);
  if (!number) return bad_field(where, name, "a number");
  return std::optional<double>(*number);
}

Result<void> read_row(const rapidjson::Value& row, const std::string& where, PredictionLogRecord& record) {
  if (!row.IsObject()) return bad_field(where, "row", "an object");
  record.texts.reserve(row.MemberCount());
  for (const auto& member : row.GetObject()) {
    const std::string name(member.name.GetString(), member.name.GetStringLength());
    const rapidjson::Value& value = member.value;
    if (value.IsNull()) {
      record.row.emplace_back(name, RawCell::missing_value());
      continue;
    }
    if (!value.IsString()) return bad_field(where, "row", "an object of numbers, texts and nulls");
    record.texts.emplace_back(value.GetString(), value.GetStringLength());
    const std::string_view text = record.texts.back();
    // Numbers are parsed as their text, so a number and a text reading as one look alike here: both bin the same
    // (a numeric column reads text as a number, a categorical one reads a number's text).
    const auto number = number_of(value);
    record.row.emplace_back(name, number ? RawCell::of_number(*number, text) : RawCell::of_text(text));
  }
  return {};
}

}  // namespace

std::string encode_prediction_log_line(std::string_view time, long long model_version,
                                       std::span<const std::string> names, std::span<const RawCell> cells,
                                       const LoggedAnswer& answer) {
  rapidjson::StringBuffer buffer;
  LineWriter w(buffer);
  w.StartObject();
  w.Key("time"), w.String(time.data(), static_cast<rapidjson::SizeType>(time.size()));
  w.Key("model_version"), w.Int64(model_version);
  w.Key("row");
  w.StartObject();
  for (size_t i = 0; i < names.size() && i < cells.size(); ++i) {
    w.Key(names[i].c_str(), static_cast<rapidjson::SizeType>(names[i].size()));
    write_cell(w, cells[i]);
  }
  w.EndObject();
  w.Key("estimate");
  std::isfinite(answer.estimate) ? w.Double(answer.estimate) : w.Null();
  write_optional(w, "median", answer.median);
  write_optional(w, "lower", answer.lower);
  write_optional(w, "upper", answer.upper);
  w.EndObject();
  return buffer.GetString();
}

Result<PredictionLogRecord> decode_prediction_log_line(std::string_view line, const std::string& where) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(line.data(), line.size());
  if (doc.HasParseError())
    return make_error(ErrorKind::invalid_data, where + ": not JSON (" +
                                                   rapidjson::GetParseError_En(doc.GetParseError()) + " at byte " +
                                                   std::to_string(doc.GetErrorOffset()) + ")");
  if (!doc.IsObject()) return make_error(ErrorKind::invalid_data, where + ": not a JSON object");
  PredictionLogRecord record;
  const auto time = doc.FindMember("time");
  if (time == doc.MemberEnd() || !time->value.IsString()) return bad_field(where, "time", "a text");
  record.time.assign(time->value.GetString(), time->value.GetStringLength());
  const auto version = doc.FindMember("model_version");
  const auto version_number = version == doc.MemberEnd() ? std::nullopt : number_of(version->value);
  if (!version_number || *version_number != std::floor(*version_number) || std::abs(*version_number) > 9e15)
    return bad_field(where, "model_version", "a whole number");
  record.model_version = static_cast<long long>(*version_number);
  const auto row = doc.FindMember("row");
  if (row == doc.MemberEnd()) return bad_field(where, "row", "an object");
  VGSALES_TRY(read_row(row->value, where, record));
  VGSALES_ASSIGN_OR_RETURN(const auto estimate, optional_number(doc, "estimate", where));
  record.answer.estimate = estimate.value_or(std::nan(""));
  VGSALES_ASSIGN_OR_RETURN(record.answer.median, optional_number(doc, "median", where));
  VGSALES_ASSIGN_OR_RETURN(record.answer.lower, optional_number(doc, "lower", where));
  VGSALES_ASSIGN_OR_RETURN(record.answer.upper, optional_number(doc, "upper", where));
  return record;
}

}  // namespace vgsales::monitor
