// Fuzzes what vgsales reads from Cloud Storage and Google's credential endpoints (src/storage/): any bytes as a
// service-account key file, as a token answer, as a gs:// URI, and as a page of an object listing (the client's own
// JSON reading, behind a fake HTTP client that answers the bytes once and then an empty last page). Each must
// answer with a value or an error, never a crash, a hang or a sanitizer report; a parsed URI must name its bucket.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "storage/access_token.h"
#include "storage/gcs_client.h"
#include "storage/gcs_location.h"
#include "storage/service_account_jwt.h"

namespace {

class OnePageHttp final : public vgsales::storage::HttpClient {
 public:
  explicit OnePageHttp(std::string page) : page_(std::move(page)) {}
  vgsales::Result<vgsales::storage::HttpResponse> send(const vgsales::storage::HttpRequest&) override {
    if (answered_++ > 0) return vgsales::storage::HttpResponse{200, "{}"};
    return vgsales::storage::HttpResponse{200, page_};
  }

 private:
  std::string page_;
  int answered_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)vgsales::storage::parse_service_account_key(bytes, "key.json");
  (void)vgsales::storage::parse_token_response(bytes, "token endpoint");
  auto location = vgsales::storage::parse_gcs_uri(bytes);
  if (location.ok() && location->uri().rfind("gs://" + location->bucket, 0) != 0) std::abort();
  const vgsales::storage::GcsClient client(std::make_shared<OnePageHttp>(bytes), "http://127.0.0.1:9", nullptr,
                                           vgsales::storage::RetryPolicy{1});
  (void)client.list_objects("b", "");
  return 0;
}
