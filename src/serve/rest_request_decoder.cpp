// TF Serving's JSON predict body to the request model: raw rows (as lists, objects by feature name or columns) and
// rows in the encoded layout. Error texts follow TF Serving's (util/json_tensor.cc, predict_util.cc).
#include "serve/rest_request_decoder.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "data/cell_parsing.h"

namespace vgsales::serve {

namespace {

Error invalid(std::string message) { return make_error(ErrorKind::invalid_data, std::move(message)); }

std::string json_string(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return buffer.GetString();
}

// A JSON value for an error message: scalars verbatim, containers by type only, so a hostile deeply
// nested value is never walked recursively.
std::string describe_json_value(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType: return "false";
    case rapidjson::kTrueType: return "true";
    case rapidjson::kObjectType: return "{...}";
    case rapidjson::kArrayType: return "[...]";
    case rapidjson::kStringType: {
      std::string text(value.GetString(), value.GetStringLength());
      if (text.size() > 64) text = text.substr(0, 64) + "...";
      return json_string(text);
    }
    case rapidjson::kNumberType: {
      char buffer[40];
      const auto end = std::to_chars(buffer, buffer + sizeof buffer, value.GetDouble()).ptr;
      return std::string(buffer, end);
    }
  }
  return "?";
}

const char* json_type_name(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType: return "Null";
    case rapidjson::kFalseType: return "False";
    case rapidjson::kTrueType: return "True";
    case rapidjson::kObjectType: return "Object";
    case rapidjson::kArrayType: return "Array";
    case rapidjson::kStringType: return "String";
    case rapidjson::kNumberType: return "Number";
  }
  return "?";
}

// The request's rows: its `instances` (row format) or its `inputs` (columnar), exactly one of them as TF Serving asks.
Result<std::pair<const rapidjson::Value*, bool>> rows_and_columnar(const rapidjson::Value& doc) {
  const auto instances = doc.FindMember("instances");
  const auto inputs = doc.FindMember("inputs");
  const bool has_instances = instances != doc.MemberEnd();
  const bool has_inputs = inputs != doc.MemberEnd();
  if (has_instances && has_inputs) {
    return invalid("Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist");
  }
  if (has_instances) return std::pair{&instances->value, false};
  if (has_inputs) return std::pair{&inputs->value, true};
  return invalid("Missing 'inputs' or 'instances' key");
}

// The value of a single-key object {"input": value}, which names the one input tensor as TF Serving allows; null for
// anything else.
const rapidjson::Value* input_tensor(const rapidjson::Value& value) {
  if (!value.IsObject() || value.MemberCount() != 1) return nullptr;
  const auto member = value.FindMember(kInputTensorName);
  return member != value.MemberEnd() ? &member->value : nullptr;
}

// Raw rows (every signature but encoded) read against the model's features, by position or by name.
class RequestDecoder {
 public:
  explicit RequestDecoder(const FeaturePipeline& pipeline) : features_(pipeline.features()) {
    for (std::size_t i = 0; i < features_.size(); ++i) index_.emplace(features_[i].name, i);
  }

  Result<PredictRequest> decode(const rapidjson::Value& doc) const {
    VGSALES_ASSIGN_OR_RETURN(const auto found, rows_and_columnar(doc));
    return found.second ? decode_columns(*found.first) : decode_rows(*found.first);
  }

 private:
  std::size_t width() const { return features_.size(); }

  std::string feature_names_joined() const {
    std::string names;
    for (const auto& feature : features_) names += (names.empty() ? "" : ",") + feature.name;
    return names;
  }

  // One JSON scalar as a raw cell of feature `column`. Numbers arrive as their own text (the document is parsed
  // with numbers kept as strings), so a category written 1.10 stays "1.10"; the feature pipeline reads them.
  Result<RawCell> cell(const rapidjson::Value& value, std::size_t column) const {
    const FeatureSpec& feature = features_[column];
    if (value.IsNull()) return RawCell::missing_value();
    if (value.IsString()) return RawCell::of_text(std::string_view(value.GetString(), value.GetStringLength()));
    if (value.IsBool() && feature.type != ColumnType::categorical)
      return RawCell::of_number(value.GetBool() ? 1.0 : 0.0);
    const char* expected = feature.type == ColumnType::categorical ? "string or number" : "float";
    return invalid("JSON Value: " + describe_json_value(value) + " Type: " + json_type_name(value) +
                   " is not of expected type: " + expected + " (feature '" + feature.name + "')");
  }

  // A row given as a list of `width()` values, appended to `cells`.
  Result<void> append_list_row(const rapidjson::Value& row, std::vector<RawCell>& cells) const {
    if (row.Size() != width()) {
      return invalid("Encountered list at unexpected size: " + std::to_string(row.Size()) +
                     " at level: 0 expected size: " + std::to_string(width()));
    }
    for (rapidjson::SizeType column = 0; column < row.Size(); ++column) {
      VGSALES_ASSIGN_OR_RETURN(RawCell value, cell(row[column], column));
      cells.push_back(value);
    }
    return {};
  }

  // A row given as {feature_name: value, ...} with exactly the model's feature names.
  Result<void> append_object_row(const rapidjson::Value& row, std::vector<RawCell>& cells) const {
    const std::size_t first = cells.size();
    cells.resize(first + width());
    std::vector<bool> seen(width(), false);
    for (const auto& member : row.GetObject()) {
      const std::string name(member.name.GetString(), member.name.GetStringLength());
      const auto found = index_.find(name);
      if (found == index_.end()) {
        return invalid("JSON object: does not have named input: " + name + " (expected: " + feature_names_joined() +
                       ")");
      }
      if (seen[found->second]) return invalid("JSON object: named input " + name + " appears twice");
      seen[found->second] = true;
      VGSALES_ASSIGN_OR_RETURN(cells[first + found->second], cell(member.value, found->second));
    }
    std::string missing;
    for (std::size_t i = 0; i < width(); ++i)
      if (!seen[i]) missing += (missing.empty() ? "" : ",") + features_[i].name;
    if (!missing.empty()) {
      return invalid("JSON object keys must be equal to: " + feature_names_joined() + "; missing: " + missing);
    }
    return {};
  }

  // {"input": [...]}, unless the model has a feature named "input": then it is a row object by feature name.
  const rapidjson::Value* named_input(const rapidjson::Value& value) const {
    return index_.count(kInputTensorName) != 0 ? nullptr : input_tensor(value);
  }

  Result<PredictRequest> decode_rows(const rapidjson::Value& instances) const {
    if (!instances.IsArray()) return invalid("Excepting 'instances' to be an list/array");
    if (instances.Empty()) return invalid("No values in 'instances' array");
    PredictRequest decoded;
    decoded.rows = instances.Size();
    decoded.cells.reserve(decoded.rows * width());
    for (rapidjson::SizeType i = 0; i < instances.Size(); ++i) {
      const rapidjson::Value& element = instances[i];
      Result<void> appended;
      if (element.IsArray()) {
        appended = append_list_row(element, decoded.cells);
      } else if (const rapidjson::Value* tensor = named_input(element); tensor && tensor->IsArray()) {
        appended = append_list_row(*tensor, decoded.cells);
      } else if (element.IsObject()) {
        appended = append_object_row(element, decoded.cells);
      } else {
        appended = invalid("Expecting a list of " + std::to_string(width()) + " values or an object keyed by " +
                           "feature name, got " + json_type_name(element));
      }
      if (!appended.ok()) {
        return invalid("Failed to process element: " + std::to_string(i) +
                       " of 'instances' list. Error: " + appended.error().message);
      }
    }
    return decoded;
  }

  Result<PredictRequest> decode_columns(const rapidjson::Value& inputs) const {
    PredictRequest decoded;
    decoded.layout = RowLayout::columns;
    const rapidjson::Value* matrix = &inputs;
    if (inputs.IsObject()) {
      if (const rapidjson::Value* tensor = named_input(inputs)) {
        matrix = tensor;
      } else {
        return decode_named_columns(inputs);
      }
    }
    if (!matrix->IsArray()) {
      return invalid("'inputs' must be a list of rows, {\"input\": [[...]]} or an object of feature columns");
    }
    if (matrix->Empty()) return invalid("No values in 'inputs' list");
    decoded.rows = matrix->Size();
    decoded.cells.reserve(decoded.rows * width());
    for (rapidjson::SizeType i = 0; i < matrix->Size(); ++i) {
      const rapidjson::Value& row = (*matrix)[i];
      if (!row.IsArray()) {
        return invalid("JSON Value: " + describe_json_value(row) + " found at incorrect level: 1 in the JSON DOM. " +
                       "Expected at level: 2 (a [N][" + std::to_string(width()) + "] list)");
      }
      VGSALES_TRY(append_list_row(row, decoded.cells));
    }
    return decoded;
  }

  // {"feature_a": [v0, v1, ...], "feature_b": [...]}: one list per feature, all the same length.
  Result<PredictRequest> decode_named_columns(const rapidjson::Value& inputs) const {
    PredictRequest decoded;
    decoded.layout = RowLayout::columns;
    std::vector<const rapidjson::Value*> columns(width(), nullptr);
    for (const auto& member : inputs.GetObject()) {
      const std::string name(member.name.GetString(), member.name.GetStringLength());
      const auto found = index_.find(name);
      if (found == index_.end()) return invalid("JSON object: does not have named input: " + name);
      if (!member.value.IsArray()) return invalid("Named input " + name + " must be a list with one value per row");
      columns[found->second] = &member.value;
    }
    for (std::size_t i = 0; i < width(); ++i) {
      if (!columns[i]) {
        return invalid("Missing named input: " + features_[i].name + " in 'inputs' object.");
      }
    }
    decoded.rows = width() ? columns[0]->Size() : 0;
    if (decoded.rows == 0) return invalid("No values in 'inputs' object");
    for (std::size_t i = 0; i < width(); ++i) {
      if (columns[i]->Size() != decoded.rows) {
        return invalid("Expecting " + std::to_string(decoded.rows) + " values for every named input but " +
                       features_[i].name + " has " + std::to_string(columns[i]->Size()));
      }
    }
    decoded.cells.reserve(decoded.rows * width());
    for (rapidjson::SizeType row = 0; row < decoded.rows; ++row) {
      for (std::size_t column = 0; column < width(); ++column) {
        VGSALES_ASSIGN_OR_RETURN(RawCell value, cell((*columns[column])[row], column));
        decoded.cells.push_back(value);
      }
    }
    return decoded;
  }

  const std::vector<FeatureSpec>& features_;
  std::unordered_map<std::string, std::size_t> index_;
};

// The `encoded` signature's requests, as TF Serving takes them for the SavedModel's packed signature: rows as lists of
// `width` numbers (`{"instances": [[...]]}`, `{"instances": [{"input": [...]}]}`) or columnar (`{"inputs": [[...]]}`,
// `{"inputs": {"input": [[...]]}}`). Every value must be a finite number (true/false count as 1/0): the encoding has
// already imputed missing values, so there is nothing to impute here.
class EncodedRequestDecoder {
 public:
  explicit EncodedRequestDecoder(const FeaturePipeline& pipeline)
      : names_(pipeline.encoded_names()), no_missing_values_(std::vector<std::string>{}) {}

  Result<PredictRequest> decode(const rapidjson::Value& doc) const {
    VGSALES_ASSIGN_OR_RETURN(const auto found, rows_and_columnar(doc));
    PredictRequest decoded;
    decoded.signature = Signature::encoded;
    decoded.layout = found.second ? RowLayout::columns : RowLayout::rows;
    const rapidjson::Value* rows = found.first;
    if (found.second && rows->IsObject()) {
      rows = input_tensor(*rows);
      if (!rows)
        return invalid("'inputs' of the encoded signature must be a [N][" + width_text() + "] list or " +
                       "{\"input\": [[...]]}");
    }
    VGSALES_TRY(append_rows(*rows, decoded));
    return decoded;
  }

 private:
  std::string width_text() const { return std::to_string(names_.size()); }

  // The rows of `rows` (a list) into `decoded.encoded`: each row a list, or {"input": list} in the row layout.
  Result<void> append_rows(const rapidjson::Value& rows, PredictRequest& decoded) const {
    const bool columns = decoded.layout == RowLayout::columns;
    const char* key = columns ? "inputs" : "instances";
    if (!rows.IsArray()) return invalid(std::string("Excepting '") + key + "' to be an list/array");
    if (rows.Empty()) return invalid(std::string("No values in '") + key + "' array");
    decoded.rows = rows.Size();
    decoded.encoded.reserve(decoded.rows * names_.size());
    for (rapidjson::SizeType i = 0; i < rows.Size(); ++i) {
      const rapidjson::Value* row = &rows[i];
      if (!columns && row->IsObject()) row = input_tensor(*row);
      Result<void> appended = row && row->IsArray()
                                  ? append_row(*row, decoded.encoded)
                                  : invalid("Expecting a list of " + width_text() + " encoded values" +
                                            (columns ? "" : " or {\"input\": [...]}"));
      if (!appended.ok()) {
        return invalid("Failed to process element: " + std::to_string(i) + " of '" + key +
                       "' list. Error: " + appended.error().message);
      }
    }
    return {};
  }

  Result<void> append_row(const rapidjson::Value& row, std::vector<float>& values) const {
    if (row.Size() != names_.size()) {
      return invalid("Encountered list at unexpected size: " + std::to_string(row.Size()) +
                     " at level: 0 expected size: " + width_text() + " (the encoded inputs of model.json)");
    }
    for (rapidjson::SizeType column = 0; column < row.Size(); ++column) {
      VGSALES_ASSIGN_OR_RETURN(float value, number(row[column], column));
      values.push_back(value);
    }
    return {};
  }

  // Numbers arrive as their own text (the document keeps numbers as strings); read as a CSV cell is.
  Result<float> number(const rapidjson::Value& value, std::size_t column) const {
    if (value.IsBool()) return value.GetBool() ? 1.0f : 0.0f;
    const std::string where = " (encoded input '" + names_[column] + "')";
    if (!value.IsString()) {
      return invalid("JSON Value: " + describe_json_value(value) + " Type: " + json_type_name(value) +
                     " is not of expected type: float" + where);
    }
    double parsed = 0;
    switch (parse_cell(std::string_view(value.GetString(), value.GetStringLength()), no_missing_values_, parsed)) {
      case CellKind::number: return static_cast<float>(parsed);
      case CellKind::non_finite:
        return invalid("JSON Value: " + describe_json_value(value) + " is not a finite number" + where);
      case CellKind::missing:
      case CellKind::text: break;
    }
    return invalid("JSON Value: " + describe_json_value(value) + " is not a number" + where);
  }

  std::vector<std::string> names_;
  MissingValueSet no_missing_values_;
};

// The width of a request's first row (a list, or {"input": list} in the row format), 0 when it has none of those
// shapes; the decoder then names what is wrong.
std::size_t first_row_width(const rapidjson::Value& doc) {
  const auto found = rows_and_columnar(doc);
  if (!found.ok()) return 0;
  auto [rows, columnar] = *found;
  if (columnar && rows->IsObject()) rows = input_tensor(*rows);
  if (!rows || !rows->IsArray() || rows->Empty()) return 0;
  const rapidjson::Value* first = &(*rows)[0];
  if (!columnar && first->IsObject()) first = input_tensor(*first);
  return first && first->IsArray() ? first->Size() : 0;
}

// An all-numeric model's serving_default is the packed signature in its SavedModel and its metadata (input `input`,
// [-1, F]). Raw rows (N values) and encoded rows are the same thing unless the model has missing-value indicators
// (F > N); then a row of exactly F values can only be the encoded layout the metadata describes.
bool default_request_is_encoded(const rapidjson::Value& doc, const FeaturePipeline& pipeline) {
  if (!pipeline.all_numeric() || pipeline.encoded_width() == pipeline.features().size()) return false;
  return first_row_width(doc) == pipeline.encoded_width();
}

// The signature the body names in `signature_name` (serving_default when it names none).
Result<Signature> named_signature(const rapidjson::Value& body, const Predictor& predictor) {
  const auto signature = body.FindMember("signature_name");
  if (signature == body.MemberEnd()) return Signature::serving_default;
  if (!signature->value.IsString()) return invalid("'signature_name' key must be a string value.");
  return signature_named(std::string_view(signature->value.GetString(), signature->value.GetStringLength()), predictor);
}

}  // namespace

JsonRequestBody::JsonRequestBody()
    : value_allocator_(value_buffer_, sizeof value_buffer_),
      parse_allocator_(parse_buffer_, sizeof parse_buffer_),
      document_(&value_allocator_, sizeof parse_buffer_, &parse_allocator_) {}

Result<void> JsonRequestBody::parse(std::string_view body) {
  if (body.empty()) return invalid("JSON Parse error: The document is empty");
  // Numbers stay as the text they were written with, which the feature pipeline reads as a number or as a category.
  document_.Parse<rapidjson::kParseNanAndInfFlag | rapidjson::kParseIterativeFlag |
                  rapidjson::kParseNumbersAsStringsFlag>(body.data(), body.size());
  if (document_.HasParseError()) {
    return invalid(std::string("JSON Parse error: ") + rapidjson::GetParseError_En(document_.GetParseError()) +
                   " at offset: " + std::to_string(document_.GetErrorOffset()));
  }
  if (!document_.IsObject()) return invalid("JSON Value: " + describe_json_value(document_) + " Is not object");
  return {};
}

Result<PredictRequest> decode_predict_request(const rapidjson::Value& body, const Predictor& predictor) {
  VGSALES_ASSIGN_OR_RETURN(const Signature signature, named_signature(body, predictor));
  const FeaturePipeline& pipeline = predictor.pipeline();
  if (signature == Signature::encoded ||
      (signature == Signature::serving_default && default_request_is_encoded(body, pipeline))) {
    return EncodedRequestDecoder(pipeline).decode(body);
  }
  VGSALES_ASSIGN_OR_RETURN(PredictRequest request, RequestDecoder(pipeline).decode(body));
  request.signature = signature;
  return request;
}

}  // namespace vgsales::serve
