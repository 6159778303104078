// The TF Serving REST API (docs/formats.md D) and the Vertex AI routes (docs/formats.md E) as a pure function of
// (method, target, body) -> (status, body, content type): no sockets here, so tests call it directly.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "serve/version_manager.h"

namespace vgsales::serve {

// What went wrong with a request, coarse enough that http_status_for() is the one place picking a code.
enum class RestErrorKind {
  invalid_argument,    // malformed JSON, wrong width or names, bad values, oversize body: 400
  not_found,           // unknown model, version or path: 404
  method_not_allowed,  // a known path with the wrong method: 405
  unavailable,         // no model loaded yet (Vertex health route), or no room for another connection: 503
  uri_too_long,        // a request target over --max-url-bytes: 414
  header_too_large,    // a request header over --max-header-bytes: 431
  internal,            // the predictor failed unexpectedly: 500
};

int http_status_for(RestErrorKind kind);
// Errors from the library (the predictor) as REST errors.
RestErrorKind rest_error_kind_for(const Error& error);

struct RestRequest {
  std::string_view method;  // "GET", "POST", ...
  std::string_view target;  // the request target, possibly with a query string
  std::string_view body;
};

struct RestResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::string allow;                                         // the Allow header for 405 answers
  std::vector<std::pair<std::string, std::string>> headers;  // further headers (the web page's security headers)
  std::string route = "other";                               // a fixed label for metrics and the access log
  std::size_t instances = 0;                                 // rows predicted, for the instances-per-request histogram
};

// `{"error": "<message>"}` with the status for `kind`, as TF Serving answers every failure.
RestResponse make_error_response(RestErrorKind kind, std::string_view message, std::string route = "other");

struct RestHandlerOptions {
  std::string model_name;
  // Vertex AI routes (AIP_HEALTH_ROUTE, AIP_PREDICT_ROUTE); empty when not running under Vertex.
  std::string vertex_health_route;
  std::string vertex_predict_route;
  // The web page at GET / and its assets under /ui/ (serve --no-ui turns it off: those paths are then 404).
  bool serve_ui = false;
};

// The name TF Serving gives the only signature; requests naming another get a 400.
inline constexpr const char* kServingSignatureName = "serving_default";
// A model with a prediction interval also answers this signature: the mean, the median and the interval's bounds.
inline constexpr const char* kIntervalSignatureName = "interval";
// The SavedModel's packed signature: rows already in the encoded layout (model.json's `encoded_inputs`), one output.
inline constexpr const char* kEncodedSignatureName = "encoded";
// The single input tensor's name in the metadata and in columnar `{"inputs": {"input": ...}}` requests.
inline constexpr const char* kInputTensorName = "input";

class RestHandler {
 public:
  using ModelSource = std::function<std::shared_ptr<const ServedModel>()>;
  using MetricsSource = std::function<std::string()>;

  RestHandler(RestHandlerOptions options, ModelSource current_model, MetricsSource metrics_text);

  // Never throws for any input: every failure becomes an error response.
  RestResponse handle(const RestRequest& request) const;

 private:
  RestResponse dispatch(const RestRequest& request) const;
  RestResponse model_status(const std::string& version_text) const;
  RestResponse web_page(std::string_view method, std::string_view path) const;
  RestResponse model_metadata(const std::string& model_name, const std::string& version_text) const;
  RestResponse predict(const std::string& model_name, const std::string& version_text, std::string_view body,
                       std::string route) const;
  // The live model if it is `model_name` and (when given) version `version_text`; else not_found.
  Result<std::shared_ptr<const ServedModel>> find_model(const std::string& model_name,
                                                        const std::string& version_text) const;

  RestHandlerOptions options_;
  ModelSource current_model_;
  MetricsSource metrics_text_;
};

}  // namespace vgsales::serve
