// The Cloud Storage JSON API calls vgsales makes (https://cloud.google.com/storage/docs/json_api/v1): list the
// objects under a prefix, download one object at a pinned generation, upload one object, delete one. Every error
// names the object (gs://bucket/name) and the HTTP status; transient failures are retried (retry_policy.h).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/access_token.h"
#include "storage/http_client.h"
#include "storage/retry_policy.h"

namespace vgsales::storage {

// Google's endpoint; STORAGE_EMULATOR_HOST replaces it, as in Google's client libraries.
inline constexpr const char* kStorageEndpoint = "https://storage.googleapis.com";

struct GcsObject {
  std::string name;
  long long generation = 0;  // the object's data version: a download asks for exactly this one
  long long size = 0;
};

class GcsClient {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  // `tokens` may be null (an emulator takes no credentials); `sleep` waits between retries (tests pass a recorder).
  GcsClient(std::shared_ptr<HttpClient> http, std::string endpoint, std::shared_ptr<AccessTokenSource> tokens,
            RetryPolicy retry = {}, Sleep sleep = {});

  // Every object whose name starts with `prefix`, over as many pages as the listing has.
  Result<std::vector<GcsObject>> list_objects(const std::string& bucket, const std::string& prefix) const;
  // The bytes of `object` at its generation: if the object was replaced since it was listed, this is a not_found
  // error, never the newer bytes.
  Result<std::string> download(const std::string& bucket, const GcsObject& object, std::size_t max_bytes) const;
  // Uploads `bytes` as `name`; with `only_if_absent` the upload is refused (already_exists) when the name is taken,
  // which also makes it safe to retry.
  Result<GcsObject> upload(const std::string& bucket, const std::string& name, const std::string& bytes,
                           bool only_if_absent) const;
  Result<void> remove(const std::string& bucket, const std::string& name) const;

  const std::string& endpoint() const { return endpoint_; }
  bool authenticated() const { return tokens_ != nullptr; }

 private:
  Result<HttpResponse> send(HttpRequest request, bool idempotent, const std::string& what) const;
  Result<HttpResponse> send_once(HttpRequest request) const;

  std::shared_ptr<HttpClient> http_;
  std::string endpoint_;
  std::shared_ptr<AccessTokenSource> tokens_;
  RetryPolicy retry_;
  Sleep sleep_;
};

// The client Google's libraries would build from the environment: STORAGE_EMULATOR_HOST (host:port or a URL) sends
// every request there without credentials and looks none up; otherwise storage.googleapis.com with the token of
// GOOGLE_APPLICATION_CREDENTIALS' service-account key or of the metadata server (GCE_METADATA_HOST, else
// metadata.google.internal). Nothing is contacted until the first request.
Result<std::shared_ptr<GcsClient>> make_gcs_client_from_environment(
    const std::function<const char*(const char*)>& getenv, std::shared_ptr<HttpClient> http, RetryPolicy retry = {});

// The same with the process environment and libcurl.
Result<std::shared_ptr<GcsClient>> make_default_gcs_client();

}  // namespace vgsales::storage
