// The `vgsales serve` program as one library call: settings, the Vertex AI environment, and the wiring of
// version manager, REST handler, HTTP server, metrics and access log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"
#include "serve/http_limits.h"
#include "serve/version_manager.h"

namespace vgsales::serve {

// Every setting of the server, with its default; the CLI flags are declared from these fields.
struct ModelServerOptions {
  std::string model_base_path;   // BASE/<version>/model.json..., or a plain model directory (version 1); or gs://
  std::string model_name;        // the NAME in /v1/models/NAME
  std::string host = "0.0.0.0";  // TF Serving and Vertex AI listen on every interface
  int port = 8501;               // TF Serving's REST port; 0 picks a free one
  int threads = 2;               // I/O threads; each also runs predictions
  double poll_seconds = 5;       // how often BASE is scanned for a new version; 0 turns polling off
  std::size_t max_body_bytes = 10 * 1024 * 1024;
  std::string access_log;              // a file, "-" for standard output, empty for none
  double idle_timeout_seconds = 60;    // a keep-alive connection without a request is closed after this
  double drain_timeout_seconds = 10;   // on SIGTERM/SIGINT, how long requests in flight may take
  HttpLimits limits;                   // connections, timeouts and sizes that hostile clients cannot exceed
  bool serve_ui = true;                // the web page at GET / and /ui/ (--no-ui: off)
  std::string prediction_log;          // a folder for the sampled prediction log; empty for none
  double prediction_log_sample = 0.1;  // the share of rows logged
  std::size_t prediction_log_max_bytes = std::size_t{256} << 20;  // the log's files together stay under this
  std::uint64_t max_explain_cost = std::uint64_t{1} << 22;        // :explain's instances × coalition rows per request
  // Filled from AIP_HEALTH_ROUTE / AIP_PREDICT_ROUTE by apply_vertex_environment.
  std::string vertex_health_route;
  std::string vertex_predict_route;
};

// Applies the Vertex AI custom-container contract (docs/formats.md E): with AIP_HTTP_PORT, AIP_HEALTH_ROUTE and
// AIP_PREDICT_ROUTE all set, listen on 0.0.0.0:AIP_HTTP_PORT and answer those routes; AIP_STORAGE_URI (gs://,
// a path or file://) becomes model_base_path. `getenv` is injectable for tests.
Result<void> apply_vertex_environment(ModelServerOptions& options,
                                      const std::function<const char*(const char*)>& getenv);

// Checks the options (ranges, required values) before anything starts.
Result<void> validate_model_server_options(const ModelServerOptions& options);

// Serves until SIGTERM/SIGINT, then drains and returns. `log` receives lifecycle lines (listening, versions
// loaded or failed, shutdown); `loader` loads one version folder.
Result<void> run_model_server(const ModelServerOptions& options, const PredictorLoader& loader,
                              const std::function<void(const std::string&)>& log);

}  // namespace vgsales::serve
