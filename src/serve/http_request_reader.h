// How the server reads one request with Beast: the parser with our limits, and the answer to a request that the
// limits or HTTP's grammar refuse. Shared by the server and the HTTP fuzz target, so both apply the same rules.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

#include "serve/http_limits.h"
#include "serve/rest_handler.h"

namespace vgsales::serve {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Sets the header limit (max_header_bytes) and the body limit on a fresh parser.
void configure_request_parser(RequestParser& parser, const HttpLimits& limits, std::size_t max_body_bytes);

// For the first bytes of a request: a 400 if they cannot begin one (the method must be a token, RFC 9110 section
// 9.1), so that junk such as a TLS handshake on the plain port is refused at once instead of at the header timeout;
// else nullopt. Empty lines before the request line are allowed (RFC 9112 section 2.2).
std::optional<RestResponse> refuse_request_start(std::string_view first_bytes);

// For a complete header: the answer if the server refuses it (a target over max_url_bytes gets 414), else nullopt.
std::optional<RestResponse> refuse_request_header(const HttpRequest& header, const HttpLimits& limits);

// For a read that failed with `error`: the answer to send before closing (414 for a request line over the header
// limit, 431 for header fields over it, 400 for an oversize body or a malformed request), or nullopt when there is
// no one to answer (the client left, a timeout, nothing received). `partial` is what the parser has so far: Beast
// parses the request line as soon as it is complete, then counts the fields against the limit on their own.
std::optional<RestResponse> answer_read_error(boost::beast::error_code error, bool received_bytes,
                                              const HttpRequest& partial, const HttpLimits& limits,
                                              std::size_t max_body_bytes);

// The request as the REST handler sees it (views into `request`).
RestRequest rest_request_of(const HttpRequest& request);

}  // namespace vgsales::serve
