// Access tokens from the metadata server or a service-account key.
#include "storage/access_token.h"

#include <rapidjson/document.h>

#include "common/json_fields.h"

namespace vgsales::storage {
namespace {

// Refresh a minute early, so a token never expires between being handed out and being used.
constexpr std::chrono::seconds kRefreshMargin{60};

Error token_endpoint_error(const std::string& who, const HttpResponse& response) {
  std::string body = response.body.substr(0, 300);
  for (char& c : body) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::string hint;
  if (response.status == 400 || response.status == 401) hint = ": the credentials were refused";
  if (response.status == 403) hint = ": access denied";
  if (response.status == 404) hint = ": no such service account or endpoint";
  // A refusal (4xx) is final; a server in trouble (429, 5xx) is transient and worth the retries (kind io).
  const bool transient = response.status == 408 || response.status == 429 || response.status >= 500;
  return make_error(transient ? ErrorKind::io : ErrorKind::invalid_data, who + " answered HTTP " +
                                                                             std::to_string(response.status) + hint +
                                                                             (body.empty() ? "" : " (" + body + ")"));
}

}  // namespace

Result<std::string> AccessTokenSource::token() {
  std::lock_guard lock(mutex_);
  if (kept_.value.empty() || std::chrono::steady_clock::now() + kRefreshMargin >= kept_.expires) {
    auto fetched = fetch();
    if (!fetched.ok()) {
      return make_error(fetched.error().kind,
                        "cannot get an access token from " + describe() + ": " + fetched.error().message);
    }
    kept_ = std::move(fetched).value();
  }
  return kept_.value;
}

Result<AccessToken> parse_token_response(const std::string& body, const std::string& source) {
  rapidjson::Document doc;
  VGSALES_TRY(parse_json_object(doc, body, source));
  const JsonFieldReader reader(source);
  AccessToken token;
  VGSALES_ASSIGN_OR_RETURN(token.value, reader.string(doc, "access_token", "access_token"));
  VGSALES_ASSIGN_OR_RETURN(const long long expires_in, reader.integer(doc, "expires_in", "expires_in"));
  if (token.value.empty() || expires_in <= 0) {
    return make_error(ErrorKind::invalid_data, source + ": an empty or already expired access token");
  }
  token.expires = std::chrono::steady_clock::now() + std::chrono::seconds(expires_in);
  return token;
}

Result<AccessToken> MetadataServerTokenSource::fetch() {
  HttpRequest request;
  request.url = "http://" + host_ + "/computeMetadata/v1/instance/service-accounts/default/token";
  request.headers = {{"Metadata-Flavor", "Google"}};
  request.timeout = std::chrono::seconds(10);
  request.max_response_bytes = 64 * 1024;
  VGSALES_ASSIGN_OR_RETURN(const HttpResponse response, http_->send(request));
  if (response.status != 200) return token_endpoint_error(request.url, response);
  return parse_token_response(response.body, request.url);
}

ServiceAccountTokenSource::ServiceAccountTokenSource(std::shared_ptr<HttpClient> http, ServiceAccountKey key, Clock now)
    : http_(std::move(http)), key_(std::move(key)), now_(std::move(now)) {
  if (!now_) {
    now_ = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

Result<AccessToken> ServiceAccountTokenSource::fetch() {
  VGSALES_ASSIGN_OR_RETURN(const std::string assertion, make_service_account_jwt(key_, kStorageScope, now_()));
  HttpRequest request;
  request.method = "POST";
  request.url = key_.token_uri;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = "grant_type=" + percent_encode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
                 "&assertion=" + percent_encode(assertion);
  request.timeout = std::chrono::seconds(30);
  request.max_response_bytes = 64 * 1024;
  VGSALES_ASSIGN_OR_RETURN(const HttpResponse response, http_->send(request));
  if (response.status != 200) return token_endpoint_error(key_.token_uri, response);
  return parse_token_response(response.body, key_.token_uri);
}

}  // namespace vgsales::storage
