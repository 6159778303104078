// The one HTTP interface the Cloud Storage code talks through: a request in, a response (any status) or a transport
// error out. libcurl implements it for production; tests give an in-memory fake or point it at 127.0.0.1.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace vgsales::storage {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{60'000};  // the whole exchange, connection included
  // An answer that delivers nothing for this long is cut (and retried): a large download may take longer than any
  // fixed timeout, a stalled one may not.
  std::chrono::seconds stall_timeout{30};
  std::size_t max_response_bytes = std::size_t{1} << 30;  // a larger body is refused, never buffered
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

// Transport failures (refused connection, timeout, a body cut short) are errors of kind `io` naming the URL, and are
// worth retrying; an over-long body is `invalid_data`, which is not.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

// libcurl (Debian's libcurl4-openssl-dev): HTTP and HTTPS only, no redirects followed, TLS peers verified.
std::shared_ptr<HttpClient> make_curl_http_client();

// "a b/c" -> "a%20b%2Fc": RFC 3986 unreserved characters kept, every other byte percent-encoded (object names in
// JSON API paths, form fields).
std::string percent_encode(const std::string& text);

}  // namespace vgsales::storage
