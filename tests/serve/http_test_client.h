// A tiny blocking HTTP/1.1 client for the serve tests (one keep-alive connection per object).
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <string>

namespace vgsales::serve::testing {

struct HttpReply {
  int status = 0;  // 0: the connection failed
  std::string body;
  std::string content_type;
  std::string allow;
  std::string error;
};

class HttpTestClient {
 public:
  explicit HttpTestClient(unsigned short port) : port_(port), stream_(io_) {}

  bool connect() {
    boost::beast::error_code ec;
    stream_.expires_after(std::chrono::seconds(10));
    stream_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_), ec);
    connected_ = !ec;
    return connected_;
  }

  HttpReply request(const std::string& method, const std::string& target, const std::string& body = "") {
    namespace http = boost::beast::http;
    HttpReply reply;
    if (!connected_ && !connect()) {
      reply.error = "connect failed";
      return reply;
    }
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "127.0.0.1");
    if (!body.empty()) request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.keep_alive(true);
    request.prepare_payload();
    boost::beast::error_code ec;
    stream_.expires_after(std::chrono::seconds(30));
    http::write(stream_, request, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (!ec) http::read(stream_, buffer_, parser, ec);
    if (ec) {
      connected_ = false;
      reply.error = ec.message();
      return reply;
    }
    const auto& response = parser.get();
    reply.status = static_cast<int>(response.result_int());
    reply.body = response.body();
    reply.content_type = std::string(response[http::field::content_type]);
    reply.allow = std::string(response[http::field::allow]);
    if (!response.keep_alive()) connected_ = false;
    return reply;
  }

 private:
  unsigned short port_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

}  // namespace vgsales::serve::testing
