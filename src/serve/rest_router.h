// The REST adapter's routing: a request's method and target to the operation it asks for, with the model it names.
// TF Serving's paths (/v1/models/NAME[/versions/V][/metadata|:predict|:explain]), the Vertex AI routes, /metrics and
// the web page. No model is consulted: the handler answers the operation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "serve/predict_request.h"

namespace vgsales::serve {

// What the router knows of the server: the model's name and the optional routes.
struct RestRoutes {
  std::string model_name;
  // Vertex AI routes (AIP_HEALTH_ROUTE, AIP_PREDICT_ROUTE); empty when not running under Vertex.
  std::string vertex_health_route;
  std::string vertex_predict_route;
  bool serve_ui = false;  // the web page at GET / and its assets under /ui/
  // What one :explain request may cost: instances × coalition rows (serve --max-explain-cost); above it, a 400.
  std::uint64_t max_explain_cost = std::uint64_t{1} << 22;
};

enum class RestOperation {
  health,              // GET the Vertex health route
  metrics,             // GET /metrics
  web_page,            // GET / or /ui/...
  model_status,        // GET /v1/models/NAME[/versions/V]
  model_metadata,      // GET .../metadata
  predict,             // POST ...:predict or the Vertex predict route
  explain,             // POST ...:explain: feature attributions in Vertex AI's explanation shape
  unsupported_method,  // POST ...:classify, :regress, ...: a 400
  wrong_method,        // a known path with another method: a 405 naming the allowed one
  not_found,           // any other path: a 404
};

struct RestRoute {
  RestOperation operation = RestOperation::not_found;
  std::string label = "other";  // a fixed label for metrics and the access log
  std::string_view path;        // the target without its query string
  ModelSpec model;              // the model the path names (the served one for the Vertex predict route)
  std::string method_name;      // unsupported_method: the method asked for (classify, regress, ...)
  std::string_view allowed;     // wrong_method: the method the path takes, for the Allow header
};

RestRoute route_request(std::string_view method, std::string_view target, const RestRoutes& routes);

}  // namespace vgsales::serve
