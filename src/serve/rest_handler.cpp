// The REST adapter: the router's operation answered by the prediction service, the model's status and metadata, the
// metrics and the web page, every failure as TF Serving's {"error": ...} with the one status-to-code switch.
#include "serve/rest_handler.h"

#include <exception>
#include <utility>

#include "serve/explanation_encoder.h"
#include "serve/metrics.h"
#include "serve/rest_request_decoder.h"
#include "serve/rest_response_encoder.h"
#include "serve/ui_assets.h"

namespace vgsales::serve {

namespace {

RestResponse ok_response(std::string body, std::string label) {
  RestResponse response;
  response.body = std::move(body);
  response.route = std::move(label);
  return response;
}

RestResponse error_response(const Error& error, std::string label) {
  return make_error_response(rest_error_kind_for(error), error.message, std::move(label));
}

// A 405 naming the method the path takes, with the Allow header.
RestResponse wrong_method(std::string_view method, const RestRoute& route) {
  RestResponse response = make_error_response(RestErrorKind::method_not_allowed,
                                              "Malformed request: " + std::string(method) + " " +
                                                  std::string(route.path) + " (use " + std::string(route.allowed) + ")",
                                              route.label);
  response.allow = std::string(route.allowed);
  return response;
}

}  // namespace

int http_status_for(RestErrorKind kind) {
  switch (kind) {
    case RestErrorKind::invalid_argument: return 400;
    case RestErrorKind::not_found: return 404;
    case RestErrorKind::method_not_allowed: return 405;
    case RestErrorKind::unavailable: return 503;
    case RestErrorKind::uri_too_long: return 414;
    case RestErrorKind::header_too_large: return 431;
    case RestErrorKind::internal: return 500;
  }
  return 500;
}

RestErrorKind rest_error_kind_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::usage:
    case ErrorKind::invalid_data: return RestErrorKind::invalid_argument;
    case ErrorKind::not_found: return RestErrorKind::not_found;
    default: return RestErrorKind::internal;
  }
}

RestResponse make_error_response(RestErrorKind kind, std::string_view message, std::string route) {
  RestResponse response;
  response.status = http_status_for(kind);
  response.body = encode_error(message);
  response.route = std::move(route);
  return response;
}

RestHandler::RestHandler(RestHandlerOptions options, ModelSource current_model, MetricsSource metrics_text,
                         PredictionService::PredictionObserver observer)
    : routes_(std::move(options)),
      service_(routes_.model_name, std::move(current_model), std::move(observer)),
      metrics_text_(std::move(metrics_text)) {}

RestResponse RestHandler::handle(const RestRequest& request) const {
  try {
    return dispatch(request);
  } catch (const std::exception& e) {
    // Library code returns errors; this guards the server against a bug (or bad_alloc) in one request.
    return make_error_response(RestErrorKind::internal, std::string("internal error: ") + e.what());
  }
}

RestResponse RestHandler::dispatch(const RestRequest& request) const {
  const RestRoute route = route_request(request.method, request.target, routes_);
  switch (route.operation) {
    case RestOperation::health: return health();
    case RestOperation::metrics: return metrics();
    case RestOperation::web_page: return web_page(route.path);
    case RestOperation::model_status: return model_status(route.model);
    case RestOperation::model_metadata: return model_metadata(route.model);
    case RestOperation::predict: return predict(route.model, request.body, route.label);
    case RestOperation::explain: return explain(route.model, request.body);
    case RestOperation::unsupported_method:
      return make_error_response(RestErrorKind::invalid_argument,
                                 "Method " + route.method_name +
                                     " is not supported: this model answers :predict and :explain");
    case RestOperation::wrong_method: return wrong_method(request.method, route);
    case RestOperation::not_found: break;
  }
  return make_error_response(RestErrorKind::not_found,
                             "Malformed request: " + std::string(request.method) + " " + std::string(route.path));
}

RestResponse RestHandler::health() const {
  if (!service_.current()) {
    return make_error_response(RestErrorKind::unavailable, "no model version is loaded yet", "health");
  }
  return ok_response("{}", "health");
}

RestResponse RestHandler::metrics() const {
  RestResponse response = ok_response(metrics_text_ ? metrics_text_() : std::string(), "metrics");
  response.content_type = kPrometheusContentType;
  return response;
}

RestResponse RestHandler::web_page(std::string_view path) const {
  RestResponse response;
  response.route = "ui";
  if (path == kUiConfigPath) {
    response.body = encode_ui_config(routes_.model_name);
  } else if (const auto asset = find_ui_asset(path)) {
    response.body = std::string(asset->body);
    response.content_type = std::string(asset->content_type);
  } else {
    return make_error_response(RestErrorKind::not_found, "Malformed request: GET " + std::string(path), "ui");
  }
  response.headers = ui_response_headers();
  return response;
}

RestResponse RestHandler::model_status(const ModelSpec& model) const {
  const std::string& served = service_.model_name();
  const auto live = service_.current();
  if (model.name != served || !live) {
    return make_error_response(RestErrorKind::not_found, "Could not find any versions of model " + model.name,
                               "status");
  }
  if (!model.version.empty() && !service_.find(model).ok()) {
    return make_error_response(RestErrorKind::not_found,
                               "Could not find version " + model.version + " of model " + served, "status");
  }
  return ok_response(encode_model_status(live->version), "status");
}

RestResponse RestHandler::model_metadata(const ModelSpec& model) const {
  const auto found = service_.find(model);
  if (!found.ok()) return error_response(found.error(), "metadata");
  return ok_response(encode_model_metadata(service_.model_name(), **found), "metadata");
}

// Find the servable first (an unknown model is a 404 whatever the body), then decode the body against its features.
RestResponse RestHandler::predict(const ModelSpec& model, std::string_view body, std::string label) const {
  const auto found = service_.find(model);
  if (!found.ok()) return error_response(found.error(), std::move(label));
  JsonRequestBody parsed;
  if (auto read = parsed.parse(body); !read.ok()) return error_response(read.error(), std::move(label));
  const auto request = decode_predict_request(parsed.root(), *(*found)->predictor);
  if (!request.ok()) return error_response(request.error(), std::move(label));
  const auto answer = service_.predict(**found, *request);
  if (!answer.ok()) return error_response(answer.error(), std::move(label));
  RestResponse response = ok_response(encode_predict_answer(*answer), std::move(label));
  response.instances = answer->rows;
  return response;
}

}  // namespace vgsales::serve

namespace vgsales::serve {

// The :predict body, decoded against the version found, explained within the cost limit.
RestResponse RestHandler::explain(const ModelSpec& model, std::string_view body) const {
  const auto found = service_.find(model);
  if (!found.ok()) return error_response(found.error(), "explain");
  JsonRequestBody parsed;
  if (auto read = parsed.parse(body); !read.ok()) return error_response(read.error(), "explain");
  const auto request = decode_predict_request(parsed.root(), *(*found)->predictor);
  if (!request.ok()) return error_response(request.error(), "explain");
  const auto answer = explain_request(**found, *request, routes_.max_explain_cost);
  if (!answer.ok()) return error_response(answer.error(), "explain");
  RestResponse response = ok_response(encode_explain_answer(*answer), "explain");
  response.instances = answer->explanations.size();
  return response;
}

}  // namespace vgsales::serve
