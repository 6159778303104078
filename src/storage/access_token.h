// OAuth 2.0 access tokens for Cloud Storage, as Google's client libraries find them (Application Default
// Credentials, without gcloud's user credentials): a service-account key file named by
// GOOGLE_APPLICATION_CREDENTIALS, else the metadata server of GCE, GKE, Cloud Run and Vertex AI. Tokens are kept
// until a minute before they expire.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"
#include "storage/http_client.h"
#include "storage/service_account_jwt.h"

namespace vgsales::storage {

// Read and write to objects: what listing, downloading and uploading need, and no more.
inline constexpr const char* kStorageScope = "https://www.googleapis.com/auth/devstorage.read_write";
// The metadata server's name on Google Cloud; GCE_METADATA_HOST overrides it, as in Google's client libraries.
inline constexpr const char* kDefaultMetadataHost = "metadata.google.internal";

struct AccessToken {
  std::string value;
  std::chrono::steady_clock::time_point expires;
};

class AccessTokenSource {
 public:
  virtual ~AccessTokenSource() = default;
  // A valid token, fetched afresh only when the kept one is within a minute of expiring.
  Result<std::string> token();
  virtual std::string describe() const = 0;

 protected:
  virtual Result<AccessToken> fetch() = 0;

 private:
  std::mutex mutex_;
  AccessToken kept_;
};

// GET http://HOST/computeMetadata/v1/instance/service-accounts/default/token with "Metadata-Flavor: Google"
// (https://cloud.google.com/compute/docs/access/authenticate-workloads#applications).
class MetadataServerTokenSource final : public AccessTokenSource {
 public:
  MetadataServerTokenSource(std::shared_ptr<HttpClient> http, std::string host)
      : http_(std::move(http)), host_(std::move(host)) {}
  std::string describe() const override { return "the metadata server at " + host_; }

 private:
  Result<AccessToken> fetch() override;
  std::shared_ptr<HttpClient> http_;
  std::string host_;
};

// POSTs a signed JWT to the key's token_uri (grant_type urn:ietf:params:oauth:grant-type:jwt-bearer, RFC 7523).
class ServiceAccountTokenSource final : public AccessTokenSource {
 public:
  using Clock = std::function<long long()>;  // seconds since the epoch; injectable for tests
  ServiceAccountTokenSource(std::shared_ptr<HttpClient> http, ServiceAccountKey key, Clock now = {});
  std::string describe() const override { return "the service-account key of " + key_.client_email; }

 private:
  Result<AccessToken> fetch() override;
  std::shared_ptr<HttpClient> http_;
  ServiceAccountKey key_;
  Clock now_;
};

// Reads an OAuth token answer {"access_token": ..., "expires_in": ...}; `source` names who answered.
Result<AccessToken> parse_token_response(const std::string& body, const std::string& source);

}  // namespace vgsales::storage
