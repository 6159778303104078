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

std::string encode_batch(const std::vector<std::string>& feature_names, std::span<const FieldValue> cells) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  const std::size_t width = feature_names.size();
  writer.StartObject();
  writer.Key("instances");
  writer.StartArray();
  for (std::size_t row = 0; row * width < cells.size(); ++row) {
    writer.StartObject();
    for (std::size_t column = 0; column < width; ++column) {
      writer.Key(feature_names[column].c_str());
      const FieldValue& value = cells[row * width + column];
      if (const double* number = std::get_if<double>(&value); number && std::isfinite(*number)) {
        writer.Double(*number);
      } else if (const std::string* text = std::get_if<std::string>(&value)) {
        writer.String(text->c_str(), static_cast<rapidjson::SizeType>(text->size()));
      } else {
        writer.Null();  // missing (or not finite): the server imputes it as in training
      }
    }
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return buffer.GetString();
}

// {"predictions": [[v], ...]} (or [v, ...]) -> values; `rows` must match.
Result<std::vector<float>> decode_predictions(const std::string& body, std::size_t rows) {
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
  std::vector<float> values;
  values.reserve(rows);
  for (const auto& item : list.GetArray()) {
    const rapidjson::Value* number = &item;
    if (item.IsArray() && item.Size() == 1) number = &item[0];
    if (!number->IsNumber()) return make_error(ErrorKind::invalid_data, "a prediction is not a number or [number]");
    values.push_back(static_cast<float>(number->GetDouble()));
  }
  return values;
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

class Connection {
 public:
  explicit Connection(ParsedUrl url) : url_(std::move(url)), stream_(io_) {}

  Result<std::string> post(const std::string& target, std::string body) {
    // One reconnect: a keep-alive connection the server closed while idle fails on first use.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!connected_) VGSALES_TRY(connect());
      beast::error_code ec;
      http::request<http::string_body> request{http::verb::post, target, 11};
      request.set(http::field::host, url_.host);
      request.set(http::field::content_type, "application/json");
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
        const ErrorKind kind = status == 404 ? ErrorKind::not_found
                               : status < 500 ? ErrorKind::invalid_data
                                              : ErrorKind::internal;
        return make_error(kind, "the server answered " + std::to_string(status) + ": " + error_text(response.body()));
      }
      return std::move(response.body());
    }
    return make_error(ErrorKind::io, "cannot reach " + url_.host + ":" + url_.port);
  }

 private:
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

}  // namespace

Result<std::vector<float>> predict_via_rest(const std::string& base_url, const std::string& model_name,
                                            const std::vector<std::string>& feature_names,
                                            std::span<const FieldValue> cells) {
  if (feature_names.empty()) return make_error(ErrorKind::usage, "no feature names to send");
  if (cells.size() % feature_names.size() != 0) {
    return make_error(ErrorKind::internal, "cell count is not a multiple of the feature count");
  }
  VGSALES_ASSIGN_OR_RETURN(ParsedUrl url, parse_http_url(base_url));
  const std::string target = url.prefix + "/v1/models/" + model_name + ":predict";
  const std::size_t width = feature_names.size();
  const std::size_t rows = cells.size() / width;
  std::vector<float> values;
  values.reserve(rows);
  try {
    Connection connection(url);
    for (std::size_t first = 0; first < rows; first += kRestClientBatchRows) {
      const std::size_t count = std::min(kRestClientBatchRows, rows - first);
      const auto batch = cells.subspan(first * width, count * width);
      VGSALES_ASSIGN_OR_RETURN(std::string body, connection.post(target, encode_batch(feature_names, batch)));
      VGSALES_ASSIGN_OR_RETURN(std::vector<float> batch_values, decode_predictions(body, count));
      values.insert(values.end(), batch_values.begin(), batch_values.end());
    }
  } catch (const std::exception& e) {
    return make_error(ErrorKind::io, std::string("predict request failed: ") + e.what());
  }
  return values;
}

}  // namespace vgsales::serve
