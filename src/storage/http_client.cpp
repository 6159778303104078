// libcurl behind HttpClient: one easy handle per request (requests are few: a listing and a handful of files per
// poll), bounded bodies, and transport errors that say what happened to which URL.
#include "storage/http_client.h"

#include <curl/curl.h>

#include <mutex>

namespace vgsales::storage {
namespace {

struct BodySink {
  std::string* body;
  std::size_t limit;
  bool overflowed = false;
};

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const std::size_t bytes = size * count;
  if (sink->body->size() + bytes > sink->limit) {
    sink->overflowed = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->body->append(data, bytes);
  return bytes;
}

std::string describe_transport_error(CURLcode code, const char* detail) {
  std::string why;
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: why = "timed out"; break;
    case CURLE_COULDNT_CONNECT: why = "connection refused"; break;
    case CURLE_COULDNT_RESOLVE_HOST: why = "host not found"; break;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      why = "the connection was cut before the whole answer arrived (interrupted download)";
      break;
    case CURLE_SEND_ERROR: why = "the connection was cut while sending"; break;
    default: why = curl_easy_strerror(code); break;
  }
  if (detail != nullptr && detail[0] != '\0') why += std::string(" (") + detail + ")";
  return why;
}

class CurlHttpClient final : public HttpClient {
 public:
  Result<HttpResponse> send(const HttpRequest& request) override {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return make_error(ErrorKind::internal, "libcurl could not start a request to " + request.url);
    curl_slist* header_list = nullptr;
    for (const auto& [name, value] : request.headers) {
      header_list = curl_slist_append(header_list, (name + ": " + value).c_str());
    }
    // curl adds "Expect: 100-continue" to larger uploads; Cloud Storage and the emulator do not need the round trip.
    header_list = curl_slist_append(header_list, "Expect:");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(header_list, curl_slist_free_all);

    HttpResponse response;
    BodySink sink{&response.body, request.max_response_bytes};
    char error_detail[CURL_ERROR_SIZE] = {};
    CURL* handle = curl.get();
    curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM from the resolver: the server has threads
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, 10'000L);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.stall_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_detail);
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "POST" || request.method == "PUT" || !request.body.empty()) {
      curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    const CURLcode code = curl_easy_perform(handle);
    if (sink.overflowed) {
      return make_error(ErrorKind::invalid_data, request.method + " " + request.url + ": the answer is larger than " +
                                                     std::to_string(request.max_response_bytes) + " bytes");
    }
    if (code != CURLE_OK) {
      return make_error(ErrorKind::io,
                        request.method + " " + request.url + ": " + describe_transport_error(code, error_detail));
    }
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }
};

}  // namespace

std::shared_ptr<HttpClient> make_curl_http_client() {
  static std::once_flag initialised;
  std::call_once(initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::make_shared<CurlHttpClient>();
}

std::string percent_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace vgsales::storage
