// The TF Serving REST API (docs/formats.md D) and the Vertex AI routes (docs/formats.md E) as a pure function of
// (method, target, body) -> (status, body, content type): no sockets here, so tests call it directly. The REST
// adapter: rest_router picks the operation, rest_request_decoder makes the request model, PredictionService answers
// it and rest_response_encoder writes the JSON.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "serve/prediction_service.h"
#include "serve/rest_router.h"
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

// The model's name and the optional routes (Vertex AI's, the web page: serve --no-ui turns it off, those paths are
// then 404).
using RestHandlerOptions = RestRoutes;

class RestHandler {
 public:
  using ModelSource = PredictionService::ModelSource;
  using MetricsSource = std::function<std::string()>;

  RestHandler(RestHandlerOptions options, ModelSource current_model, MetricsSource metrics_text,
              PredictionService::PredictionObserver observer = {});

  // Never throws for any input: every failure becomes an error response.
  RestResponse handle(const RestRequest& request) const;

 private:
  RestResponse dispatch(const RestRequest& request) const;
  RestResponse health() const;
  RestResponse metrics() const;
  RestResponse web_page(std::string_view path) const;
  RestResponse model_status(const ModelSpec& model) const;
  RestResponse model_metadata(const ModelSpec& model) const;
  RestResponse predict(const ModelSpec& model, std::string_view body, std::string label) const;
  RestResponse explain(const ModelSpec& model, std::string_view body) const;

  RestRoutes routes_;
  PredictionService service_;
  MetricsSource metrics_text_;
};

}  // namespace vgsales::serve
