// An in-memory Cloud Storage behind HttpClient for the storage tests: the JSON API routes vgsales calls (list with
// prefix and pages of two, media download at a generation, media upload with ifGenerationMatch, delete), every
// request recorded, and failures to inject before the real answer (an HTTP status, or a transport error).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/http_client.h"

namespace vgsales::storage::testing {

class InMemoryGcs final : public HttpClient {
 public:
  struct Stored {
    std::string bytes;
    long long generation = 0;
  };
  // One injected failure: an HTTP status with a body, or (status 0) a transport error of kind io.
  struct Failure {
    long status = 0;
    std::string body;
  };

  Result<HttpResponse> send(const HttpRequest& request) override;

  // Stores an object (bucket "b") under a new generation, as an upload would.
  long long put(const std::string& name, const std::string& bytes);
  void erase(const std::string& name) { objects_.erase(name); }
  std::optional<Stored> get(const std::string& name) const;
  // The next requests whose URL contains `url_part` fail this way, in order, before answering normally.
  void fail_next(const std::string& url_part, Failure failure) { failures_.push_back({url_part, std::move(failure)}); }
  // Called on each media download before it is answered (to replace an object mid-download).
  void on_download(std::function<void(const std::string& name)> hook) { download_hook_ = std::move(hook); }

  std::vector<HttpRequest> requests;

 private:
  HttpResponse list(const std::map<std::string, std::string>& query) const;
  HttpResponse download(const std::string& name, const std::map<std::string, std::string>& query);
  HttpResponse upload(const HttpRequest& request, const std::map<std::string, std::string>& query);

  std::map<std::string, Stored> objects_;
  long long next_generation_ = 1000;
  std::vector<std::pair<std::string, Failure>> failures_;
  std::function<void(const std::string&)> download_hook_;
};

}  // namespace vgsales::storage::testing
