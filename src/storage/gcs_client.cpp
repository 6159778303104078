// The JSON API over HttpClient, with bearer tokens and retries.
#include "storage/gcs_client.h"

#include <rapidjson/document.h>

#include <cstdlib>
#include <random>
#include <thread>

#include "common/atomic_file.h"
#include "common/json_fields.h"

namespace vgsales::storage {
namespace {

std::string object_uri(const std::string& bucket, const std::string& name) { return "gs://" + bucket + "/" + name; }

// Cloud Storage writes int64 fields (generation, size) as JSON strings; an emulator may write numbers.
Result<long long> read_int64(const rapidjson::Value& object, const char* field, const std::string& source) {
  if (!object.HasMember(field))
    return make_error(ErrorKind::invalid_data, source + ": field '" + field + "' is missing");
  const rapidjson::Value& value = object[field];
  if (value.IsInt64()) return value.GetInt64();
  if (value.IsString()) {
    char* end = nullptr;
    const long long number = std::strtoll(value.GetString(), &end, 10);
    if (end != value.GetString() && *end == '\0') return number;
  }
  return make_error(ErrorKind::invalid_data, source + ": field '" + field + "' is not an integer");
}

Result<GcsObject> read_object(const rapidjson::Value& item, const std::string& source) {
  if (!item.IsObject() || !item.HasMember("name") || !item["name"].IsString()) {
    return make_error(ErrorKind::invalid_data, source + ": an object without a name");
  }
  GcsObject object;
  object.name = item["name"].GetString();
  VGSALES_ASSIGN_OR_RETURN(object.generation, read_int64(item, "generation", source));
  VGSALES_ASSIGN_OR_RETURN(object.size, read_int64(item, "size", source));
  return object;
}

// One line per status a user can act on; kinds pick the exit code (a missing object is not_found).
Error status_error(const std::string& what, const HttpResponse& response) {
  const long status = response.status;
  const std::string prefix = what + ": HTTP " + std::to_string(status);
  switch (status) {
    case 401:
      return make_error(ErrorKind::io, prefix +
                                           " unauthenticated: the access token was refused (check "
                                           "GOOGLE_APPLICATION_CREDENTIALS or the metadata server's account)");
    case 403:
      return make_error(ErrorKind::io, prefix +
                                           " permission denied: the account may not do this (reading needs "
                                           "roles/storage.objectViewer, exporting roles/storage.objectCreator)");
    case 404: return make_error(ErrorKind::not_found, prefix + " not found (no such bucket or object, or it changed)");
    case 412: return make_error(ErrorKind::already_exists, prefix + " precondition failed: the object already exists");
    default: break;
  }
  std::string body = response.body.substr(0, 200);
  for (char& c : body) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return make_error(ErrorKind::io, prefix + (body.empty() ? "" : " (" + body + ")"));
}

double unit_random() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

GcsClient::GcsClient(std::shared_ptr<HttpClient> http, std::string endpoint, std::shared_ptr<AccessTokenSource> tokens,
                     RetryPolicy retry, Sleep sleep)
    : http_(std::move(http)),
      endpoint_(std::move(endpoint)),
      tokens_(std::move(tokens)),
      retry_(retry),
      sleep_(std::move(sleep)) {
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
  if (!sleep_) sleep_ = [](std::chrono::milliseconds wait) { std::this_thread::sleep_for(wait); };
}

Result<HttpResponse> GcsClient::send_once(HttpRequest request) const {
  if (tokens_) {
    VGSALES_ASSIGN_OR_RETURN(const std::string token, tokens_->token());
    request.headers.emplace_back("Authorization", "Bearer " + token);
  }
  return http_->send(request);
}

Result<HttpResponse> GcsClient::send(HttpRequest request, bool idempotent, const std::string& what) const {
  const int attempts = idempotent ? std::max(1, retry_.max_attempts) : 1;
  std::string last_failure;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) sleep_(backoff_delay(retry_, attempt - 1, unit_random()));
    auto response = send_once(request);
    if (!response.ok()) {
      if (response.error().kind != ErrorKind::io)
        return make_error(response.error().kind, what + ": " + response.error().message);
      last_failure = response.error().message;  // a timeout or a dropped connection: transient
      continue;
    }
    if (response->status >= 200 && response->status <= 299) return response;
    if (!is_retryable_status(response->status)) return status_error(what, *response);
    last_failure = status_error(what, *response).message;
  }
  const std::string tries = attempts > 1 ? " (after " + std::to_string(attempts) + " attempts)" : "";
  return make_error(ErrorKind::io, what + ": " + last_failure + tries);
}

Result<std::vector<GcsObject>> GcsClient::list_objects(const std::string& bucket, const std::string& prefix) const {
  std::vector<GcsObject> objects;
  std::string page_token;
  const std::string what = "listing " + object_uri(bucket, prefix);
  do {
    HttpRequest request;
    request.url = endpoint_ + "/storage/v1/b/" + percent_encode(bucket) + "/o?prefix=" + percent_encode(prefix) +
                  (page_token.empty() ? "" : "&pageToken=" + percent_encode(page_token));
    request.timeout = std::chrono::seconds(30);
    request.max_response_bytes = 64 * 1024 * 1024;
    VGSALES_ASSIGN_OR_RETURN(const HttpResponse response, send(request, true, what));
    rapidjson::Document doc;
    VGSALES_TRY(parse_json_object(doc, response.body, what));
    if (doc.HasMember("items") && doc["items"].IsArray()) {
      for (const auto& item : doc["items"].GetArray()) {
        VGSALES_ASSIGN_OR_RETURN(GcsObject object, read_object(item, what));
        objects.push_back(std::move(object));
      }
    }
    page_token = doc.HasMember("nextPageToken") && doc["nextPageToken"].IsString() ? doc["nextPageToken"].GetString()
                                                                                   : "";
  } while (!page_token.empty());
  return objects;
}

Result<std::string> GcsClient::download(const std::string& bucket, const GcsObject& object,
                                        std::size_t max_bytes) const {
  HttpRequest request;
  request.url = endpoint_ + "/storage/v1/b/" + percent_encode(bucket) + "/o/" + percent_encode(object.name) +
                "?alt=media&generation=" + std::to_string(object.generation);
  request.max_response_bytes = max_bytes;
  request.timeout = std::chrono::minutes(30);  // a model of a few GB on a slow link; stalls are cut after 30 s
  const std::string what = "downloading " + object_uri(bucket, object.name) + " (generation " +
                           std::to_string(object.generation) + ")";
  VGSALES_ASSIGN_OR_RETURN(HttpResponse response, send(request, true, what));
  if (response.body.size() != static_cast<std::size_t>(object.size)) {
    return make_error(ErrorKind::io, what + ": " + std::to_string(response.body.size()) + " bytes arrived of " +
                                         std::to_string(object.size) + " (an interrupted download)");
  }
  return std::move(response.body);
}

Result<GcsObject> GcsClient::upload(const std::string& bucket, const std::string& name, const std::string& bytes,
                                    bool only_if_absent) const {
  HttpRequest request;
  request.method = "POST";
  request.url = endpoint_ + "/upload/storage/v1/b/" + percent_encode(bucket) +
                "/o?uploadType=media&name=" + percent_encode(name) + (only_if_absent ? "&ifGenerationMatch=0" : "");
  request.headers = {{"Content-Type", "application/octet-stream"}};
  request.body = bytes;
  request.max_response_bytes = 1024 * 1024;
  const std::string what = "uploading " + object_uri(bucket, name);
  // Only a conditional upload is idempotent (the retry strategy's "conditionally idempotent"): repeat only that one.
  VGSALES_ASSIGN_OR_RETURN(const HttpResponse response, send(request, only_if_absent, what));
  rapidjson::Document doc;
  VGSALES_TRY(parse_json_object(doc, response.body, what));
  return read_object(doc, what);
}

Result<void> GcsClient::remove(const std::string& bucket, const std::string& name) const {
  HttpRequest request;
  request.method = "DELETE";
  request.url = endpoint_ + "/storage/v1/b/" + percent_encode(bucket) + "/o/" + percent_encode(name);
  auto response = send(request, true, "deleting " + object_uri(bucket, name));
  if (!response.ok() && response.error().kind != ErrorKind::not_found) return response.error();
  return {};
}

Result<std::shared_ptr<GcsClient>> make_gcs_client_from_environment(
    const std::function<const char*(const char*)>& getenv, std::shared_ptr<HttpClient> http, RetryPolicy retry) {
  auto read = [&getenv](const char* name) {
    const char* value = getenv(name);
    return value ? std::string(value) : std::string();
  };
  const std::string emulator = read("STORAGE_EMULATOR_HOST");
  if (!emulator.empty()) {
    const bool has_scheme = emulator.rfind("http://", 0) == 0 || emulator.rfind("https://", 0) == 0;
    return std::make_shared<GcsClient>(http, has_scheme ? emulator : "http://" + emulator, nullptr, retry);
  }
  std::shared_ptr<AccessTokenSource> tokens;
  const std::string key_file = read("GOOGLE_APPLICATION_CREDENTIALS");
  if (!key_file.empty()) {
    auto text = read_file_to_string(key_file);
    if (!text.ok()) {
      return make_error(ErrorKind::not_found, "GOOGLE_APPLICATION_CREDENTIALS: " + text.error().message);
    }
    VGSALES_ASSIGN_OR_RETURN(ServiceAccountKey key, parse_service_account_key(*text, key_file));
    tokens = std::make_shared<ServiceAccountTokenSource>(http, std::move(key));
  } else {
    const std::string host = read("GCE_METADATA_HOST");
    tokens = std::make_shared<MetadataServerTokenSource>(http, host.empty() ? kDefaultMetadataHost : host);
  }
  return std::make_shared<GcsClient>(http, kStorageEndpoint, std::move(tokens), retry);
}

Result<std::shared_ptr<GcsClient>> make_default_gcs_client() {
  return make_gcs_client_from_environment([](const char* name) { return std::getenv(name); }, make_curl_http_client());
}

}  // namespace vgsales::storage
