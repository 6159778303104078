// Tests of src/serve/http_limits and http_request_reader: bounds checks and the answers to refused requests.
#include "serve/http_limits.h"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include "serve/http_request_reader.h"

namespace vgsales::serve {
namespace {

namespace http = boost::beast::http;

TEST(ServeHttpLimitsTest, DefaultsAreWithinTheirBounds) { EXPECT_TRUE(validate_http_limits(HttpLimits{}).ok()); }

TEST(ServeHttpLimitsTest, AnOutOfBoundsLimitNamesItsFlag) {
  HttpLimits limits;
  limits.max_connections = 0;
  auto checked = validate_http_limits(limits);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().kind, ErrorKind::usage);
  EXPECT_NE(checked.error().message.find("--max-connections"), std::string::npos) << checked.error().message;
  limits = {};
  limits.header_timeout_seconds = -1;
  checked = validate_http_limits(limits);
  ASSERT_FALSE(checked.ok());
  EXPECT_NE(checked.error().message.find("--header-timeout-seconds"), std::string::npos);
  limits = {};
  limits.max_url_bytes = 10;
  EXPECT_FALSE(validate_http_limits(limits).ok());
}

TEST(ServeHttpRequestReaderTest, OnlyATokenCanStartARequest) {
  EXPECT_FALSE(refuse_request_start("GET / HTTP/1.1\r\n"));
  EXPECT_FALSE(refuse_request_start("\r\nPOST /x"));  // an empty line before the request line is allowed
  EXPECT_FALSE(refuse_request_start("GE"));           // not enough to judge yet
  const auto tls = refuse_request_start("\x16\x03\x01\x02");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->status, 400);
  EXPECT_TRUE(refuse_request_start("G\xc3\xa9T / HTTP/1.1"));
}

TEST(ServeHttpRequestReaderTest, LongTargetsGet414AndLargeHeadersGet431) {
  HttpLimits limits;
  limits.max_url_bytes = 100;
  HttpRequest request{http::verb::get, "/" + std::string(100, 'a'), 11};
  const auto refused = refuse_request_header(request, limits);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 414);
  request.target("/" + std::string(99, 'a'));
  EXPECT_FALSE(refuse_request_header(request, limits));

  // A header limit hit before the request line was parsed is the request line's fault; after, the fields'.
  const HttpRequest nothing_parsed;
  EXPECT_EQ(answer_read_error(http::error::header_limit, true, nothing_parsed, limits, 1000)->status, 414);
  EXPECT_EQ(answer_read_error(http::error::header_limit, true, request, limits, 1000)->status, 431);
  EXPECT_EQ(answer_read_error(http::error::body_limit, true, request, limits, 1000)->status, 400);
  EXPECT_EQ(answer_read_error(http::error::bad_field, true, request, limits, 1000)->status, 400);
  // No one to answer: the client left, was too slow, or sent nothing.
  EXPECT_FALSE(answer_read_error(boost::beast::error::timeout, true, request, limits, 1000));
  EXPECT_FALSE(answer_read_error(http::error::end_of_stream, false, request, limits, 1000));
  EXPECT_FALSE(answer_read_error(boost::asio::error::connection_reset, true, request, limits, 1000));
  EXPECT_FALSE(answer_read_error(http::error::bad_field, false, request, limits, 1000));
}

TEST(ServeHttpRequestReaderTest, TheParserGetsTheLimits) {
  HttpLimits limits;
  limits.max_header_bytes = 300;
  RequestParser parser;
  configure_request_parser(parser, limits, 50);
  boost::beast::error_code ec;
  const std::string header = "POST /x HTTP/1.1\r\nContent-Length: 51\r\n\r\n";
  parser.put(boost::asio::buffer(header), ec);
  EXPECT_EQ(ec, http::error::body_limit);
  RequestParser fields_parser;
  configure_request_parser(fields_parser, limits, 50);
  const std::string big = "GET /x HTTP/1.1\r\nX: " + std::string(400, 'x') + "\r\n\r\n";
  std::size_t used = fields_parser.put(boost::asio::buffer(big), ec);
  if (!ec) fields_parser.put(boost::asio::buffer(big.data() + used, big.size() - used), ec);
  EXPECT_EQ(ec, http::error::header_limit);
}

}  // namespace
}  // namespace vgsales::serve
