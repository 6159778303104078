// Routing of the REST API: the Vertex AI routes first (they may be any path, even one that looks like TF Serving's),
// then /metrics, the web page and TF Serving's model paths.
#include "serve/rest_router.h"

#include "serve/ui_assets.h"

namespace vgsales::serve {

namespace {

constexpr std::string_view kModelsPrefix = "/v1/models/";
constexpr std::string_view kVersionsSegment = "/versions/";

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

// `operation` under `label` when the request used `allowed`, else wrong_method.
RestRoute answer_with(RestOperation operation, std::string_view method, std::string_view allowed, std::string label) {
  RestRoute route;
  route.operation = method == allowed ? operation : RestOperation::wrong_method;
  route.allowed = allowed;
  route.label = std::move(label);
  return route;
}

// The rest of a model path after `/versions/V`, or the whole `rest` when it has no version; false for a version that
// is not decimal digits.
bool take_version(std::string_view& rest, std::string& version) {
  if (rest.substr(0, kVersionsSegment.size()) != kVersionsSegment) return true;
  rest = rest.substr(kVersionsSegment.size());
  const std::size_t version_end = rest.find_first_of("/:");
  const std::string_view digits = rest.substr(0, version_end);
  if (!all_digits(digits)) return false;
  version = std::string(digits);
  rest = version_end == std::string_view::npos ? std::string_view{} : rest.substr(version_end);
  return true;
}

// What follows the model (and version) in a model path: nothing, /metadata, :predict or another :method.
RestRoute model_operation(std::string_view rest, std::string_view method) {
  if (rest.empty()) return answer_with(RestOperation::model_status, method, "GET", "status");
  if (rest == "/metadata") return answer_with(RestOperation::model_metadata, method, "GET", "metadata");
  if (rest == ":predict") return answer_with(RestOperation::predict, method, "POST", "predict");
  if (rest == ":explain") return answer_with(RestOperation::explain, method, "POST", "explain");
  if (rest.size() > 1 && rest[0] == ':' && rest.find('/') == std::string_view::npos) {
    RestRoute route = answer_with(RestOperation::unsupported_method, method, "POST", "other");
    route.method_name = std::string(rest.substr(1));
    return route;
  }
  return {};
}

// Parses `/v1/models/NAME[/versions/V][/metadata|:method]`; names are `[^/:]+` as in TF Serving.
RestRoute route_model_path(std::string_view path, std::string_view method) {
  if (path.substr(0, kModelsPrefix.size()) != kModelsPrefix) return {};
  std::string_view rest = path.substr(kModelsPrefix.size());
  const std::size_t name_end = rest.find_first_of("/:");
  ModelSpec model{std::string(rest.substr(0, name_end)), ""};
  if (model.name.empty()) return {};
  rest = name_end == std::string_view::npos ? std::string_view{} : rest.substr(name_end);
  if (!take_version(rest, model.version)) return {};
  RestRoute route = model_operation(rest, method);
  route.model = std::move(model);
  return route;
}

}  // namespace

RestRoute route_request(std::string_view method, std::string_view target, const RestRoutes& routes) {
  std::string_view path = target;
  if (const std::size_t query = path.find('?'); query != std::string_view::npos) path = path.substr(0, query);
  RestRoute route;
  if (!routes.vertex_health_route.empty() && path == routes.vertex_health_route) {
    route = answer_with(RestOperation::health, method, "GET", "health");
  } else if (!routes.vertex_predict_route.empty() && path == routes.vertex_predict_route) {
    route = answer_with(RestOperation::predict, method, "POST", "vertex_predict");
    route.model = ModelSpec{routes.model_name, ""};
  } else if (path == "/metrics") {
    route = answer_with(RestOperation::metrics, method, "GET", "metrics");
  } else if (routes.serve_ui && is_ui_path(path)) {
    route = answer_with(RestOperation::web_page, method, "GET", "ui");
  } else {
    route = route_model_path(path, method);
  }
  route.path = path;
  return route;
}

}  // namespace vgsales::serve
