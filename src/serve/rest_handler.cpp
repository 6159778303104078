// Routing, request decoding (row and columnar formats) and response encoding of the REST API.
// Error texts follow TF Serving's (util/json_tensor.cc, predict_util.cc) so clients see familiar messages.
#include "serve/rest_handler.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <unordered_map>
#include <vector>

#include "data/cell_parsing.h"
#include "serve/metrics.h"
#include "serve/model_description.h"
#include "serve/ui_assets.h"

namespace vgsales::serve {

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr std::string_view kModelsPrefix = "/v1/models/";
constexpr std::string_view kVersionsSegment = "/versions/";

std::string json_string(std::string_view text) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
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

// Floats as the shortest text that reads back to the same float (TF Serving's WriteDecimal idea),
// with NaN/Infinity tokens as TF Serving writes them.
void append_float(std::string& out, float value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value < 0 ? "-Infinity" : "Infinity";
    return;
  }
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

// `{"<key>": [[v], [v], ...]}`: one list per row because the output tensor is [N, 1].
std::string encode_predictions(std::string_view key, const std::vector<float>& values) {
  std::string out;
  out.reserve(16 + values.size() * 14);
  out += "{\"";
  out += key;
  out += "\": [";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += '[';
    append_float(out, values[i]);
    out += ']';
  }
  out += "]}";
  return out;
}

// The interval signature's answer: each output a vector (one value per row). Row format: one object per row,
// {"earnings": m, "earnings_median": ..., "earnings_lower": ..., "earnings_upper": ...}; columnar: one list per output.
std::string encode_interval(bool columnar, const std::string& output, const Predictions& p) {
  const std::vector<std::pair<std::string, const std::vector<float>*>> outputs = {{output, &p.values},
                                                                                  {output + "_median", &p.median},
                                                                                  {output + "_lower", &p.lower},
                                                                                  {output + "_upper", &p.upper}};
  std::string out;
  if (columnar) {
    out += "{\"outputs\": {";
    for (size_t k = 0; k < outputs.size(); ++k) {
      out += (k ? ", " : "") + json_string(outputs[k].first) + ": [";
      for (size_t i = 0; i < outputs[k].second->size(); ++i) {
        if (i) out += ", ";
        append_float(out, (*outputs[k].second)[i]);
      }
      out += "]";
    }
    return out + "}}";
  }
  out += "{\"predictions\": [";
  for (size_t i = 0; i < p.values.size(); ++i) {
    out += i ? ", {" : "{";
    for (size_t k = 0; k < outputs.size(); ++k) {
      out += (k ? ", " : "") + json_string(outputs[k].first) + ": ";
      append_float(out, (*outputs[k].second)[i]);
    }
    out += "}";
  }
  return out + "]}";
}

struct Route {
  enum class Kind { status, metadata, predict, other_method, unknown } kind = Kind::unknown;
  std::string model_name;
  std::string version_text;  // empty: latest
  std::string method_name;   // for other_method (classify, regress, ...)
};

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

// Parses `/v1/models/NAME[/versions/V][/metadata|:method]`; names are `[^/:]+` as in TF Serving.
Route parse_model_path(std::string_view path) {
  Route route;
  if (path.substr(0, kModelsPrefix.size()) != kModelsPrefix) return route;
  std::string_view rest = path.substr(kModelsPrefix.size());
  const std::size_t name_end = rest.find_first_of("/:");
  route.model_name = std::string(rest.substr(0, name_end));
  if (route.model_name.empty()) return route;
  rest = name_end == std::string_view::npos ? std::string_view{} : rest.substr(name_end);
  if (rest.substr(0, kVersionsSegment.size()) == kVersionsSegment) {
    rest = rest.substr(kVersionsSegment.size());
    const std::size_t version_end = rest.find_first_of("/:");
    const std::string_view version = rest.substr(0, version_end);
    if (!all_digits(version)) return route;
    route.version_text = std::string(version);
    rest = version_end == std::string_view::npos ? std::string_view{} : rest.substr(version_end);
  }
  if (rest.empty()) {
    route.kind = Route::Kind::status;
  } else if (rest == "/metadata") {
    route.kind = Route::Kind::metadata;
  } else if (rest == ":predict") {
    route.kind = Route::Kind::predict;
  } else if (rest.size() > 1 && rest[0] == ':' && rest.find('/') == std::string_view::npos) {
    route.kind = Route::Kind::other_method;
    route.method_name = std::string(rest.substr(1));
  }
  return route;
}

// One request decoded, row-major [rows][width]: raw cells pointing into the parsed document (RawCell) for the raw-row
// signatures, or numbers (float) for `encoded`.
template <typename Cell>
struct DecodedRows {
  bool columnar = false;
  std::size_t rows = 0;
  std::vector<Cell> cells;
};
using DecodedRequest = DecodedRows<RawCell>;

// The request's rows: its `instances` (row format) or its `inputs` (columnar), exactly one of them as TF Serving asks.
Result<std::pair<const rapidjson::Value*, bool>> rows_and_columnar(const rapidjson::Value& doc) {
  const auto instances = doc.FindMember("instances");
  const auto inputs = doc.FindMember("inputs");
  const bool has_instances = instances != doc.MemberEnd();
  const bool has_inputs = inputs != doc.MemberEnd();
  if (has_instances && has_inputs) {
    return make_error(ErrorKind::invalid_data,
                      "Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist");
  }
  if (has_instances) return std::pair{&instances->value, false};
  if (has_inputs) return std::pair{&inputs->value, true};
  return make_error(ErrorKind::invalid_data, "Missing 'inputs' or 'instances' key");
}

// The value of a single-key object {"input": value}, which names the one input tensor as TF Serving allows; null for
// anything else.
const rapidjson::Value* input_tensor(const rapidjson::Value& value) {
  if (!value.IsObject() || value.MemberCount() != 1) return nullptr;
  const auto member = value.FindMember(kInputTensorName);
  return member != value.MemberEnd() ? &member->value : nullptr;
}

class RequestDecoder {
 public:
  explicit RequestDecoder(const FeaturePipeline& pipeline) : features_(pipeline.features()) {
    for (std::size_t i = 0; i < features_.size(); ++i) index_.emplace(features_[i].name, i);
  }

  Result<DecodedRequest> decode(const rapidjson::Value& doc) const {
    VGSALES_ASSIGN_OR_RETURN(const auto found, rows_and_columnar(doc));
    return found.second ? decode_columns(*found.first) : decode_rows(*found.first);
  }

 private:
  static Error invalid(std::string message) { return make_error(ErrorKind::invalid_data, std::move(message)); }

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

  Result<DecodedRequest> decode_rows(const rapidjson::Value& instances) const {
    if (!instances.IsArray()) return invalid("Excepting 'instances' to be an list/array");
    if (instances.Empty()) return invalid("No values in 'instances' array");
    DecodedRequest decoded;
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

  Result<DecodedRequest> decode_columns(const rapidjson::Value& inputs) const {
    DecodedRequest decoded;
    decoded.columnar = true;
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
  Result<DecodedRequest> decode_named_columns(const rapidjson::Value& inputs) const {
    DecodedRequest decoded;
    decoded.columnar = true;
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

  Result<DecodedRows<float>> decode(const rapidjson::Value& doc) const {
    VGSALES_ASSIGN_OR_RETURN(const auto found, rows_and_columnar(doc));
    DecodedRows<float> decoded;
    decoded.columnar = found.second;
    const rapidjson::Value* rows = found.first;
    if (decoded.columnar && rows->IsObject()) {
      rows = input_tensor(*rows);
      if (!rows)
        return invalid("'inputs' of the encoded signature must be a [N][" + width_text() + "] list or " +
                       "{\"input\": [[...]]}");
    }
    const char* key = decoded.columnar ? "inputs" : "instances";
    if (!rows->IsArray()) return invalid(std::string("Excepting '") + key + "' to be an list/array");
    if (rows->Empty()) return invalid(std::string("No values in '") + key + "' array");
    decoded.rows = rows->Size();
    decoded.cells.reserve(decoded.rows * names_.size());
    for (rapidjson::SizeType i = 0; i < rows->Size(); ++i) {
      const rapidjson::Value* row = &(*rows)[i];
      if (!decoded.columnar && row->IsObject()) row = input_tensor(*row);
      Result<void> appended = row && row->IsArray()
                                  ? append_row(*row, decoded.cells)
                                  : invalid("Expecting a list of " + width_text() + " encoded values" +
                                            (decoded.columnar ? "" : " or {\"input\": [...]}"));
      if (!appended.ok()) {
        return invalid("Failed to process element: " + std::to_string(i) + " of '" + key +
                       "' list. Error: " + appended.error().message);
      }
    }
    return decoded;
  }

 private:
  static Error invalid(std::string message) { return make_error(ErrorKind::invalid_data, std::move(message)); }
  std::string width_text() const { return std::to_string(names_.size()); }

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

}  // namespace

int http_status_for(RestErrorKind kind) {
  switch (kind) {
    case RestErrorKind::invalid_argument: return 400;
    case RestErrorKind::not_found: return 404;
    case RestErrorKind::method_not_allowed: return 405;
    case RestErrorKind::unavailable: return 503;
    case RestErrorKind::uri_too_long: return 414;
    case RestErrorKind::header_too_large: return 431;
    case RestErrorKind::internal: return 500;
  }
  return 500;
}

RestErrorKind rest_error_kind_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::usage:
    case ErrorKind::invalid_data: return RestErrorKind::invalid_argument;
    case ErrorKind::not_found: return RestErrorKind::not_found;
    default: return RestErrorKind::internal;
  }
}

RestResponse make_error_response(RestErrorKind kind, std::string_view message, std::string route) {
  RestResponse response;
  response.status = http_status_for(kind);
  response.body = "{\"error\": " + json_string(message) + "}";
  response.route = std::move(route);
  return response;
}

RestHandler::RestHandler(RestHandlerOptions options, ModelSource current_model, MetricsSource metrics_text)
    : options_(std::move(options)), current_model_(std::move(current_model)), metrics_text_(std::move(metrics_text)) {}

RestResponse RestHandler::handle(const RestRequest& request) const {
  try {
    return dispatch(request);
  } catch (const std::exception& e) {
    // Library code returns errors; this guards the server against a bug (or bad_alloc) in one request.
    return make_error_response(RestErrorKind::internal, std::string("internal error: ") + e.what());
  }
}

RestResponse RestHandler::dispatch(const RestRequest& request) const {
  std::string_view path = request.target;
  if (const std::size_t query = path.find('?'); query != std::string_view::npos) path = path.substr(0, query);
  const bool is_get = request.method == "GET";
  const bool is_post = request.method == "POST";
  auto wrong_method = [&](const char* allowed, std::string route) {
    RestResponse response = make_error_response(RestErrorKind::method_not_allowed,
                                                "Malformed request: " + std::string(request.method) + " " +
                                                    std::string(path) + " (use " + allowed + ")",
                                                std::move(route));
    response.allow = allowed;
    return response;
  };

  // Vertex AI routes first: they may be any path, including one that looks like TF Serving's.
  if (!options_.vertex_health_route.empty() && path == options_.vertex_health_route) {
    if (!is_get) return wrong_method("GET", "health");
    if (!current_model_()) {
      return make_error_response(RestErrorKind::unavailable, "no model version is loaded yet", "health");
    }
    RestResponse response;
    response.body = "{}";
    response.route = "health";
    return response;
  }
  if (!options_.vertex_predict_route.empty() && path == options_.vertex_predict_route) {
    if (!is_post) return wrong_method("POST", "vertex_predict");
    return predict(options_.model_name, "", request.body, "vertex_predict");
  }
  if (path == "/metrics") {
    if (!is_get) return wrong_method("GET", "metrics");
    RestResponse response;
    response.body = metrics_text_ ? metrics_text_() : std::string();
    response.content_type = kPrometheusContentType;
    response.route = "metrics";
    return response;
  }

  if (options_.serve_ui && is_ui_path(path)) return web_page(request.method, path);

  const Route route = parse_model_path(path);
  const auto unknown_model = [&](std::string label) {
    return make_error_response(RestErrorKind::not_found, "Could not find any versions of model " + route.model_name,
                               std::move(label));
  };
  switch (route.kind) {
    case Route::Kind::status:
      if (!is_get) return wrong_method("GET", "status");
      if (route.model_name != options_.model_name) return unknown_model("status");
      return model_status(route.version_text);
    case Route::Kind::metadata:
      if (!is_get) return wrong_method("GET", "metadata");
      return model_metadata(route.model_name, route.version_text);
    case Route::Kind::predict:
      if (!is_post) return wrong_method("POST", "predict");
      return predict(route.model_name, route.version_text, request.body, "predict");
    case Route::Kind::other_method:
      if (!is_post) return wrong_method("POST", "other");
      return make_error_response(RestErrorKind::invalid_argument, "Method " + route.method_name +
                                                                      " is not supported: this model only has a " +
                                                                      "predict signature (use :predict)");
    case Route::Kind::unknown: break;
  }
  return make_error_response(RestErrorKind::not_found,
                             "Malformed request: " + std::string(request.method) + " " + std::string(path));
}

Result<std::shared_ptr<const ServedModel>> RestHandler::find_model(const std::string& model_name,
                                                                   const std::string& version_text) const {
  auto model = current_model_();
  const std::string request_text = version_text.empty() ? "Latest(" + model_name + ")"
                                                        : "Specific(" + model_name + ", " + version_text + ")";
  // One model is served; any other name is not found, as TF Serving answers for an unknown servable.
  if (!model || model_name != options_.model_name)
    return make_error(ErrorKind::not_found, "Servable not found for request: " + request_text);
  if (!version_text.empty()) {
    long long version = -1;
    const auto [end, ec] = std::from_chars(version_text.data(), version_text.data() + version_text.size(), version);
    if (ec != std::errc{} || version != model->version) {
      return make_error(ErrorKind::not_found, "Servable not found for request: " + request_text);
    }
  }
  return model;
}

RestResponse RestHandler::model_status(const std::string& version_text) const {
  auto model = current_model_();
  if (!model) {
    return make_error_response(RestErrorKind::not_found, "Could not find any versions of model " + options_.model_name,
                               "status");
  }
  if (!version_text.empty() && !find_model(options_.model_name, version_text).ok()) {
    return make_error_response(RestErrorKind::not_found,
                               "Could not find version " + version_text + " of model " + options_.model_name, "status");
  }
  RestResponse response;
  response.route = "status";
  response.body = "{\"model_version_status\": [{\"version\": \"" + std::to_string(model->version) +
                  "\", \"state\": \"AVAILABLE\", \"status\": {\"error_code\": \"OK\", \"error_message\": \"\"}}]}";
  return response;
}

RestResponse RestHandler::web_page(std::string_view method, std::string_view path) const {
  if (method != "GET") {
    RestResponse response =
        make_error_response(RestErrorKind::method_not_allowed,
                            "Malformed request: " + std::string(method) + " " + std::string(path) + " (use GET)", "ui");
    response.allow = "GET";
    return response;
  }
  RestResponse response;
  response.route = "ui";
  if (path == kUiConfigPath) {
    response.body = "{\"model_name\": " + json_string(options_.model_name) + "}";
  } else if (const auto asset = find_ui_asset(path)) {
    response.body = std::string(asset->body);
    response.content_type = std::string(asset->content_type);
  } else {
    return make_error_response(RestErrorKind::not_found, "Malformed request: GET " + std::string(path), "ui");
  }
  response.headers = ui_response_headers();
  return response;
}

RestResponse RestHandler::model_metadata(const std::string& model_name, const std::string& version_text) const {
  auto model = find_model(model_name, version_text);
  if (!model.ok()) return make_error_response(rest_error_kind_for(model.error()), model.error().message, "metadata");
  const FeaturePipeline& pipeline = (*model)->predictor->pipeline();
  const ModelMetadata& model_metadata = (*model)->predictor->metadata();

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("model_spec");
  writer.StartObject();
  writer.Key("name");
  writer.String(options_.model_name.c_str());
  writer.Key("signature_name");
  writer.String("");
  writer.Key("version");
  writer.String(std::to_string((*model)->version).c_str());
  writer.EndObject();
  writer.Key("metadata");
  writer.StartObject();
  // The signatures of the SavedModel `vgsales export` writes for this model (model_description.h).
  write_signature_defs(writer, model_metadata);
  // Not in TF Serving: the raw feature columns, so a client can send rows by name.
  writer.Key("feature_names");
  writer.StartArray();
  for (const auto& feature : pipeline.features()) writer.String(feature.name.c_str());
  writer.EndArray();
  // Also vgsales's: each feature as a form needs it, and the model card (model_description.h).
  write_feature_descriptions(writer, pipeline);
  write_model_card(writer, model_metadata, (*model)->version);
  writer.Key("target_name");
  writer.String(pipeline.target().c_str());
  writer.EndObject();
  writer.EndObject();

  RestResponse response;
  response.route = "metadata";
  response.body = buffer.GetString();
  return response;
}

RestResponse RestHandler::predict(const std::string& model_name, const std::string& version_text, std::string_view body,
                                  std::string route) const {
  auto fail = [&route](RestErrorKind kind, const std::string& message) {
    return make_error_response(kind, message, route);
  };
  auto model = find_model(model_name, version_text);
  if (!model.ok()) return fail(rest_error_kind_for(model.error()), model.error().message);

  if (body.empty()) return fail(RestErrorKind::invalid_argument, "JSON Parse error: The document is empty");
  // Small bodies (the common one-row request) parse into stack buffers; larger ones grow onto the heap.
  char value_buffer[8192];
  char parse_buffer[2048];
  rapidjson::MemoryPoolAllocator<> value_allocator(value_buffer, sizeof value_buffer);
  rapidjson::MemoryPoolAllocator<> parse_allocator(parse_buffer, sizeof parse_buffer);
  rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>, rapidjson::MemoryPoolAllocator<>> doc(
      &value_allocator, sizeof parse_buffer, &parse_allocator);
  // Iterative parsing: a hostile deeply nested body cannot exhaust the stack. Numbers stay as the text they were
  // written with, which the feature pipeline reads as a number or as a category.
  doc.Parse<rapidjson::kParseNanAndInfFlag | rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag>(
      body.data(), body.size());
  if (doc.HasParseError()) {
    return fail(RestErrorKind::invalid_argument, std::string("JSON Parse error: ") +
                                                     rapidjson::GetParseError_En(doc.GetParseError()) +
                                                     " at offset: " + std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject())
    return fail(RestErrorKind::invalid_argument, "JSON Value: " + describe_json_value(doc) + " Is not object");
  bool interval = false;
  bool encoded = false;
  bool named_default = true;  // no signature_name, an empty one or serving_default
  if (const auto signature = doc.FindMember("signature_name"); signature != doc.MemberEnd()) {
    if (!signature->value.IsString()) {
      return fail(RestErrorKind::invalid_argument, "'signature_name' key must be a string value.");
    }
    const std::string name(signature->value.GetString(), signature->value.GetStringLength());
    interval = name == kIntervalSignatureName && (*model)->predictor->has_interval();
    encoded = name == kEncodedSignatureName;
    named_default = name.empty() || name == kServingSignatureName;
    // `rows` is the SavedModel's name for the raw-row signature, which serving_default answers here.
    if (!name.empty() && name != kServingSignatureName && name != "rows" && !interval && !encoded) {
      return fail(RestErrorKind::invalid_argument, "Serving signature key \"" + name + "\" not found.");
    }
  }

  const Predictor& predictor = *(*model)->predictor;
  if (named_default && default_request_is_encoded(doc, predictor.pipeline())) encoded = true;
  if (encoded) {
    auto rows = EncodedRequestDecoder(predictor.pipeline()).decode(doc);
    if (!rows.ok()) return fail(rest_error_kind_for(rows.error()), rows.error().message);
    std::vector<float> estimates(rows->rows);
    predictor.predict_encoded(rows->cells, EstimateSpans{estimates});
    RestResponse response;
    response.route = std::move(route);
    response.instances = rows->rows;
    response.body = encode_predictions(rows->columnar ? "outputs" : "predictions", estimates);
    return response;
  }
  auto decoded = RequestDecoder(predictor.pipeline()).decode(doc);
  if (!decoded.ok()) return fail(rest_error_kind_for(decoded.error()), decoded.error().message);
  const bool columnar = decoded->columnar;
  auto predictions = predictor.predict(
      decoded->cells,
      [columnar](size_t row) {
        return columnar ? "inputs row " + std::to_string(row) : "instances[" + std::to_string(row) + "]";
      },
      interval);
  if (!predictions.ok()) return fail(rest_error_kind_for(predictions.error()), predictions.error().message);

  RestResponse response;
  response.route = std::move(route);
  response.instances = decoded->rows;
  response.body = interval ? encode_interval(columnar, predictor.metadata().output_name, *predictions)
                           : encode_predictions(columnar ? "outputs" : "predictions", predictions->values);
  return response;
}

}  // namespace vgsales::serve
