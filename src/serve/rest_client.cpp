// HTTP/1.1 predict client on Boost.Beast (synchronous: the CLI sends one batch at a time).
#include "serve/rest_client.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <exception>

namespace vgsales::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct ParsedUrl {
  std::string host;
  std::string port = "80";
  std::string prefix;  // path before /v1, without a trailing slash
};

Result<ParsedUrl> parse_http_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) {
    return make_error(ErrorKind::usage, "server URL '" + url + "' must start with http:// (https is not supported)");
  }
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  ParsedUrl parsed;
  if (slash != std::string_view::npos) parsed.prefix = std::string(rest.substr(slash));
  while (!parsed.prefix.empty() && parsed.prefix.back() == '/') parsed.prefix.pop_back();
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8501
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return make_error(ErrorKind::usage, "server URL '" + url + "' has a bad host");
    parsed.host = std::string(authority.substr(1, close - 1));
    authority = authority.substr(close + 1);
    if (!authority.empty() && authority.front() == ':') parsed.port = std::string(authority.substr(1));
  } else {
    const std::size_t colon = authority.rfind(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) parsed.port = std::string(authority.substr(colon + 1));
  }
  if (parsed.host.empty() || parsed.port.empty()) {
    return make_error(ErrorKind::usage, "server URL '" + url + "' has no host or port");
  }
  return parsed;
}

std::string encode_batch(const std::vector<RemoteFeature>& features, std::span<const std::string_view> cells,
                         const MissingValueSet& missing, bool interval) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  const std::size_t width = features.size();
  writer.StartObject();
  if (interval) {
    writer.Key("signature_name");
    writer.String("interval");
  }
  writer.Key("instances");
  writer.StartArray();
  for (std::size_t row = 0; row * width < cells.size(); ++row) {
    writer.StartObject();
    for (std::size_t column = 0; column < width; ++column) {
      writer.Key(features[column].name.c_str(), static_cast<rapidjson::SizeType>(features[column].name.size()));
      const std::string_view text = cells[row * width + column];
      double number = 0;
      const CellKind kind = parse_cell(text, missing, number);
      if (kind == CellKind::missing) {
        writer.Null();  // the server imputes it as in training
      } else if (features[column].numeric && kind == CellKind::number) {
        // The number exactly as written, not re-printed from a double.
        const std::string_view digits = !text.empty() && text.front() == '+' ? text.substr(1) : text;
        writer.RawNumber(digits.data(), static_cast<rapidjson::SizeType>(digits.size()));
      } else {
        writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      }
    }
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return buffer.GetString();
}

// The member `key` of `node` when it is an object holding one, else nullptr.
const rapidjson::Value* member_of(const rapidjson::Value& node, const char* key) {
  if (!node.IsObject()) return nullptr;
  const auto found = node.FindMember(key);
  return found != node.MemberEnd() ? &found->value : nullptr;
}

bool is_string_equal_to(const rapidjson::Value* value, std::string_view text) {
  return value && value->IsString() && std::string_view(value->GetString(), value->GetStringLength()) == text;
}

// metadata.signature_def.signature_def: the signatures by name, or nullptr.
const rapidjson::Value* signatures_of(const rapidjson::Value& meta) {
  const rapidjson::Value* outer = member_of(meta, "signature_def");
  return outer ? member_of(*outer, "signature_def") : nullptr;
}

// vgsales's own "features" list ({name, kind} each; kind "categorical" travels as text); empty when absent.
std::vector<RemoteFeature> listed_features(const rapidjson::Value& meta) {
  std::vector<RemoteFeature> features;
  const rapidjson::Value* listed = member_of(meta, "features");
  if (!listed || !listed->IsArray()) return features;
  for (const auto& item : listed->GetArray()) {
    const rapidjson::Value* name = member_of(item, "name");
    if (!name || !name->IsString()) continue;
    features.push_back({name->GetString(), !is_string_equal_to(member_of(item, "kind"), "categorical")});
  }
  return features;
}

// TF Serving: metadata.signature_def.signature_def.serving_default.inputs {name: {dtype, ...}}, DT_STRING as text;
// the target is the first output's name when the metadata names none.
Result<void> read_serving_default(const rapidjson::Value& meta, RemoteModel& model) {
  const rapidjson::Value* signatures = signatures_of(meta);
  const rapidjson::Value* serving = signatures ? member_of(*signatures, "serving_default") : nullptr;
  if (!serving)
    return make_error(ErrorKind::invalid_data, "the server's metadata names no features and no serving_default inputs");
  const rapidjson::Value* outputs = member_of(*serving, "outputs");
  if (model.target_name.empty() && outputs && outputs->IsObject() && outputs->MemberCount() > 0)
    model.target_name = outputs->MemberBegin()->name.GetString();
  const rapidjson::Value* inputs = member_of(*serving, "inputs");
  if (!inputs || !inputs->IsObject())
    return make_error(ErrorKind::invalid_data, "the server's serving_default signature lists no inputs");
  for (const auto& input : inputs->GetObject()) {
    const bool text = is_string_equal_to(member_of(input.value, "dtype"), "DT_STRING");
    model.features.push_back({input.name.GetString(), !text});
  }
  if (model.features.empty())
    return make_error(ErrorKind::invalid_data, "the server's serving_default signature has no inputs");
  return {};
}

// The features in a metadata answer: vgsales's "features" list, else serving_default's named inputs.
Result<RemoteModel> decode_model(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject())
    return make_error(ErrorKind::invalid_data, "the server's metadata is not a JSON object");
  const rapidjson::Value* meta = member_of(doc, "metadata");
  if (!meta || !meta->IsObject())
    return make_error(ErrorKind::invalid_data, "the server's metadata has no \"metadata\" object");
  RemoteModel model;
  const rapidjson::Value* signatures = signatures_of(*meta);
  model.has_interval = signatures && member_of(*signatures, "interval");
  if (const rapidjson::Value* target = member_of(*meta, "target_name"); target && target->IsString())
    model.target_name = target->GetString();
  model.features = listed_features(*meta);
  if (model.features.empty()) VGSALES_TRY(read_serving_default(*meta, model));
  return model;
}

// One interval prediction {"<out>": mean, "<out>_median": ..., "<out>_lower": ..., "<out>_upper": ...} appended to
// `out`'s four lists.
Result<void> read_interval_prediction(const rapidjson::Value& item, Predictions& out) {
  if (!item.IsObject() || item.MemberCount() != 4)
    return make_error(ErrorKind::invalid_data, "an interval prediction is not an object of four numbers");
  int found = 0;
  for (const auto& member : item.GetObject()) {
    if (!member.value.IsNumber())
      return make_error(ErrorKind::invalid_data, "an interval prediction holds a non-number");
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const auto value = static_cast<float>(member.value.GetDouble());
    auto ends_with = [&name](std::string_view suffix) {
      return name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
    };
    if (ends_with("_median")) out.median.push_back(value), found |= 2;
    else if (ends_with("_lower")) out.lower.push_back(value), found |= 4;
    else if (ends_with("_upper")) out.upper.push_back(value), found |= 8;
    else out.values.push_back(value), found |= 1;
  }
  if (found != 15)
    return make_error(ErrorKind::invalid_data, "an interval prediction lacks the mean, the median or a bound");
  return {};
}

// One prediction, [v] or v, appended to `out.values`.
Result<void> read_prediction(const rapidjson::Value& item, Predictions& out) {
  const rapidjson::Value* number = &item;
  if (item.IsArray() && item.Size() == 1) number = &item[0];
  if (!number->IsNumber()) return make_error(ErrorKind::invalid_data, "a prediction is not a number or [number]");
  out.values.push_back(static_cast<float>(number->GetDouble()));
  return {};
}

// {"predictions": [[v], ...]} (or [v, ...]) -> values; with the interval signature each prediction is an object
// {"<out>": mean, "<out>_median": ..., "<out>_lower": ..., "<out>_upper": ...}. `rows` must match.
Result<void> decode_predictions(const std::string& body, std::size_t rows, bool interval, Predictions& out) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNanAndInfFlag | rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return make_error(ErrorKind::invalid_data, "the server's answer is not a JSON object");
  }
  const auto predictions = doc.FindMember("predictions");
  if (predictions == doc.MemberEnd() || !predictions->value.IsArray()) {
    return make_error(ErrorKind::invalid_data, "the server's answer has no \"predictions\" list");
  }
  const auto& list = predictions->value;
  if (list.Size() != rows) {
    return make_error(ErrorKind::invalid_data, "the server answered " + std::to_string(list.Size()) +
                                                   " predictions for " + std::to_string(rows) + " rows");
  }
  for (const auto& item : list.GetArray())
    VGSALES_TRY(interval ? read_interval_prediction(item, out) : read_prediction(item, out));
  return {};
}

std::string error_text(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    const auto error = doc.FindMember("error");
    if (error != doc.MemberEnd() && error->value.IsString()) return error->value.GetString();
  }
  return body.size() > 200 ? body.substr(0, 200) + "..." : body;
}

}  // namespace

class RestClient::Connection {
 public:
  explicit Connection(ParsedUrl url) : url_(std::move(url)), stream_(io_) {}

  Result<std::string> post(const std::string& target, std::string body) {
    return send(http::verb::post, target, std::move(body));
  }
  Result<std::string> get(const std::string& target) { return send(http::verb::get, target, {}); }

 private:
  Result<std::string> send(http::verb verb, const std::string& target, std::string body) {
    // One reconnect: a keep-alive connection the server closed while idle fails on first use.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!connected_) VGSALES_TRY(connect());
      beast::error_code ec;
      http::request<http::string_body> request{verb, target, 11};
      request.set(http::field::host, url_.host);
      if (verb == http::verb::post) request.set(http::field::content_type, "application/json");
      request.set(http::field::user_agent, "vgsales");
      request.keep_alive(true);
      request.body() = body;
      request.prepare_payload();
      stream_.expires_after(std::chrono::seconds(60));
      http::write(stream_, request, ec);
      http::response<http::string_body> response;
      if (!ec) http::read(stream_, buffer_, response, ec);
      if (ec) {
        connected_ = false;
        beast::error_code ignored;
        stream_.socket().close(ignored);
        if (attempt == 0) continue;
        return make_error(ErrorKind::io, "cannot reach " + url_.host + ":" + url_.port + ": " + ec.message());
      }
      if (!response.keep_alive()) {
        connected_ = false;
        beast::error_code ignored;
        stream_.socket().close(ignored);
      }
      const unsigned status = response.result_int();
      if (status != 200) {
        const ErrorKind kind = status == 404  ? ErrorKind::not_found
                               : status < 500 ? ErrorKind::invalid_data
                                              : ErrorKind::internal;
        return make_error(kind, "the server answered " + std::to_string(status) + ": " + error_text(response.body()));
      }
      return std::move(response.body());
    }
    return make_error(ErrorKind::io, "cannot reach " + url_.host + ":" + url_.port);
  }

  Result<void> connect() {
    beast::error_code ec;
    tcp::resolver resolver(io_);
    const auto endpoints = resolver.resolve(url_.host, url_.port, ec);
    if (ec) return make_error(ErrorKind::io, "cannot resolve " + url_.host + ": " + ec.message());
    stream_.expires_after(std::chrono::seconds(10));
    stream_.connect(endpoints, ec);
    if (ec) return make_error(ErrorKind::io, "cannot connect to " + url_.host + ":" + url_.port + ": " + ec.message());
    beast::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
    connected_ = true;
    return {};
  }

  ParsedUrl url_;
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

RestClient::RestClient(std::unique_ptr<Connection> connection, std::string prefix)
    : connection_(std::move(connection)), prefix_(std::move(prefix)) {}
RestClient::RestClient(RestClient&&) noexcept = default;
RestClient::~RestClient() = default;

Result<RestClient> RestClient::open(const std::string& base_url) {
  VGSALES_ASSIGN_OR_RETURN(ParsedUrl url, parse_http_url(base_url));
  std::string prefix = url.prefix;
  return RestClient(std::make_unique<Connection>(std::move(url)), std::move(prefix));
}

Result<RemoteModel> RestClient::describe(const std::string& model_name) {
  try {
    VGSALES_ASSIGN_OR_RETURN(const std::string body,
                             connection_->get(prefix_ + "/v1/models/" + model_name + "/metadata"));
    return decode_model(body);
  } catch (const std::exception& e) {
    return make_error(ErrorKind::io, std::string("metadata request failed: ") + e.what());
  }
}

Result<Predictions> RestClient::predict(const std::string& model_name, const std::vector<RemoteFeature>& features,
                                        std::span<const std::string_view> cells, const MissingValueSet& missing,
                                        bool interval) {
  if (features.empty()) return make_error(ErrorKind::usage, "no feature names to send");
  if (cells.size() % features.size() != 0) {
    return make_error(ErrorKind::internal, "cell count is not a multiple of the feature count");
  }
  const std::string target = prefix_ + "/v1/models/" + model_name + ":predict";
  const std::size_t width = features.size();
  const std::size_t rows = cells.size() / width;
  Predictions predicted;
  predicted.values.reserve(rows);
  try {
    for (std::size_t first = 0; first < rows; first += kRestClientBatchRows) {
      const std::size_t count = std::min(kRestClientBatchRows, rows - first);
      const auto batch = cells.subspan(first * width, count * width);
      VGSALES_ASSIGN_OR_RETURN(std::string body,
                               connection_->post(target, encode_batch(features, batch, missing, interval)));
      VGSALES_TRY(decode_predictions(body, count, interval, predicted));
    }
  } catch (const std::exception& e) {
    return make_error(ErrorKind::io, std::string("predict request failed: ") + e.what());
  }
  return predicted;
}

}  // namespace vgsales::serve
