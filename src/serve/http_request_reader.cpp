// The request-reading rules of the HTTP server; see http_request_reader.h.
#include "serve/http_request_reader.h"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <string>

namespace vgsales::serve {

namespace http = boost::beast::http;

namespace {

bool is_token_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

std::optional<RestResponse> refuse_request_start(std::string_view first_bytes) {
  std::size_t at = 0;
  while (at < first_bytes.size() && (first_bytes[at] == '\r' || first_bytes[at] == '\n')) ++at;
  for (; at < first_bytes.size() && first_bytes[at] != ' '; ++at) {
    if (!is_token_char(first_bytes[at])) {
      return make_error_response(RestErrorKind::invalid_argument, "Malformed HTTP request: bad method");
    }
  }
  return std::nullopt;
}

void configure_request_parser(RequestParser& parser, const HttpLimits& limits, std::size_t max_body_bytes) {
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(max_body_bytes);
}

std::optional<RestResponse> refuse_request_header(const HttpRequest& header, const HttpLimits& limits) {
  if (header.target().size() > limits.max_url_bytes) {
    return make_error_response(RestErrorKind::uri_too_long,
                               "Request target of " + std::to_string(header.target().size()) +
                                   " bytes exceeds the limit of " + std::to_string(limits.max_url_bytes) +
                                   " bytes (--max-url-bytes)");
  }
  return std::nullopt;
}

std::optional<RestResponse> answer_read_error(boost::beast::error_code error, bool received_bytes,
                                              const HttpRequest& partial, const HttpLimits& limits,
                                              std::size_t max_body_bytes) {
  namespace asio = boost::asio;
  if (error == http::error::header_limit) {
    const bool request_line_read = !partial.target().empty();
    if (!request_line_read) {
      return make_error_response(RestErrorKind::uri_too_long, "Request target exceeds the limit of " +
                                                                  std::to_string(limits.max_url_bytes) +
                                                                  " bytes (--max-url-bytes)");
    }
    return make_error_response(RestErrorKind::header_too_large, "Request header exceeds the limit of " +
                                                                    std::to_string(limits.max_header_bytes) +
                                                                    " bytes (--max-header-bytes)");
  }
  if (error == http::error::body_limit) {
    return make_error_response(RestErrorKind::invalid_argument, "Request body exceeds the limit of " +
                                                                    std::to_string(max_body_bytes) +
                                                                    " bytes (--max-body-bytes)");
  }
  const bool client_gone_or_slow = error == http::error::end_of_stream || error == http::error::partial_message ||
                                   error == asio::error::operation_aborted || error == boost::beast::error::timeout ||
                                   error == asio::error::connection_reset || error == asio::error::eof ||
                                   error == asio::error::broken_pipe;
  if (client_gone_or_slow || !received_bytes) return std::nullopt;
  return make_error_response(RestErrorKind::invalid_argument, "Malformed HTTP request: " + error.message());
}

RestRequest rest_request_of(const HttpRequest& request) {
  return RestRequest{std::string_view(request.method_string().data(), request.method_string().size()),
                     std::string_view(request.target().data(), request.target().size()),
                     std::string_view(request.body())};
}

}  // namespace vgsales::serve
