// Fuzzes the HTTP request reading of the server: the input is what a client sends on one connection, read with
// Beast's parser as the server configures it (serve/http_request_reader.h: its limits, the early refusal of junk,
// 414/431, pipelining) and, for each complete request, answered by the REST handler with a fake model. The first
// input byte picks how the bytes arrive (chunk sizes of 1 to 64 bytes) and which limits apply (the defaults, or
// small ones the fuzzer can reach); the rest is the connection's byte stream.
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "serve/fake_predictor.h"
#include "serve/http_request_reader.h"
#include "serve/rest_handler.h"

namespace {

using namespace vgsales;
using namespace vgsales::serve;
namespace http = boost::beast::http;

// A SyncReadStream over the input, handing out at most `chunk` bytes per read, as a socket might.
class MemoryStream {
 public:
  MemoryStream(std::string_view bytes, std::size_t chunk) : rest_(bytes), chunk_(chunk) {}
  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, boost::beast::error_code& ec) {
    if (rest_.empty()) {
      ec = boost::asio::error::eof;
      return 0;
    }
    ec = {};
    const std::size_t copied =
        boost::asio::buffer_copy(buffers, boost::asio::buffer(rest_.data(), std::min(chunk_, rest_.size())));
    rest_.remove_prefix(copied);
    return copied;
  }
  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    boost::beast::error_code ec;
    const std::size_t copied = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return copied;
  }

 private:
  std::string_view rest_;
  std::size_t chunk_;
};

RestHandler make_handler() {
  auto model = std::make_shared<ServedModel>();
  model->version = 1;
  model->predictor = std::make_shared<serve::testing::FakePredictor>(serve::testing::mixed_pipeline(), 0.0f);
  return RestHandler(
      {"vgsales", "/health", "/predict"}, [model] { return model; }, [] { return std::string(); });
}

void check_status(const RestResponse& response) {
  if (response.status < 200 || response.status > 599) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const RestHandler handler = make_handler();
  if (size == 0) return 0;
  const std::size_t chunk = 1 + (data[0] & 0x3f);
  HttpLimits limits;
  std::size_t max_body_bytes = 10 * 1024 * 1024;
  if (data[0] & 0x40) {
    limits.max_header_bytes = 300;
    limits.max_url_bytes = 64;
    max_body_bytes = 200;
  }
  MemoryStream stream(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), chunk);
  boost::beast::flat_buffer buffer;
  for (int request = 0; request < 64; ++request) {  // the server's loop over one keep-alive connection
    RequestParser parser;
    configure_request_parser(parser, limits, max_body_bytes);
    boost::beast::error_code ec;
    if (buffer.size() == 0) {
      buffer.commit(stream.read_some(buffer.prepare(1024), ec));
      if (ec) return 0;  // the client closed: nothing to answer
    }
    const std::string_view first(static_cast<const char*>(buffer.data().data()), buffer.size());
    if (auto refusal = refuse_request_start(first)) return check_status(*refusal), 0;
    http::read_header(stream, buffer, parser, ec);
    if (!ec) {
      if (auto refusal = refuse_request_header(parser.get(), limits)) return check_status(*refusal), 0;
      http::read(stream, buffer, parser, ec);
    }
    if (ec) {
      if (auto answer = answer_read_error(ec, true, parser.get(), limits, max_body_bytes)) check_status(*answer);
      return 0;
    }
    check_status(handler.handle(rest_request_of(parser.get())));
    if (!parser.get().keep_alive()) return 0;
  }
  return 0;
}
