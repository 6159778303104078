// Wiring of the model server's parts; the only place that knows all of them.
#include "serve/model_server.h"

#include <charconv>
#include <chrono>
#include <filesystem>
#include <memory>

#include "serve/access_log.h"
#include "serve/http_server.h"
#include "serve/metrics.h"
#include "serve/prediction_log.h"
#include "serve/rest_handler.h"
#include "storage/gcs_location.h"
#include "storage/gcs_model_store.h"

namespace vgsales::serve {

namespace {

std::chrono::milliseconds to_milliseconds(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
}

}  // namespace

Result<void> apply_vertex_environment(ModelServerOptions& options,
                                      const std::function<const char*(const char*)>& getenv) {
  auto read = [&getenv](const char* name) {
    const char* value = getenv(name);
    return value ? std::string(value) : std::string();
  };
  const std::string port = read("AIP_HTTP_PORT");
  const std::string health = read("AIP_HEALTH_ROUTE");
  const std::string predict = read("AIP_PREDICT_ROUTE");
  const int set_count = !port.empty() + !health.empty() + !predict.empty();
  if (set_count == 3) {
    int number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc{} || end != port.data() + port.size() || number < 1 || number > 65535) {
      return make_error(ErrorKind::usage, "AIP_HTTP_PORT='" + port + "' is not a port number");
    }
    if (health.front() != '/' || predict.front() != '/') {
      return make_error(ErrorKind::usage, "AIP_HEALTH_ROUTE and AIP_PREDICT_ROUTE must be paths starting with /");
    }
    options.port = number;
    options.host = "0.0.0.0";  // Vertex AI reaches the container from outside: every interface
    options.vertex_health_route = health;
    options.vertex_predict_route = predict;
  } else if (set_count != 0) {
    return make_error(ErrorKind::usage,
                      "set all of AIP_HTTP_PORT, AIP_HEALTH_ROUTE and AIP_PREDICT_ROUTE (Vertex AI sets them "
                      "together) or none");
  }

  std::string storage = read("AIP_STORAGE_URI");
  if (!storage.empty()) {
    // gs:// is read directly (storage/gcs_model_store.h), with the container's own credentials.
    if (storage.rfind("file://", 0) == 0) storage = storage.substr(7);
    options.model_base_path = storage;
  }
  return {};
}

Result<void> validate_model_server_options(const ModelServerOptions& options) {
  if (options.model_base_path.empty()) {
    return make_error(ErrorKind::usage, "--model_base_path is required (or AIP_STORAGE_URI with a local path)");
  }
  if (options.model_name.empty()) return make_error(ErrorKind::usage, "--model_name is required");
  if (options.model_name.find_first_of("/:") != std::string::npos) {
    return make_error(ErrorKind::usage, "--model_name may not contain '/' or ':' (they delimit the REST path)");
  }
  if (options.port < 0 || options.port > 65535) return make_error(ErrorKind::usage, "--port must be 0..65535");
  if (options.threads < 1 || options.threads > 256) return make_error(ErrorKind::usage, "--threads must be 1..256");
  if (!(options.poll_seconds >= 0)) return make_error(ErrorKind::usage, "--poll-seconds must be >= 0");
  if (options.max_body_bytes < 64) return make_error(ErrorKind::usage, "--max-body-bytes must be at least 64");
  if (!(options.idle_timeout_seconds > 0) || !(options.drain_timeout_seconds > 0)) {
    return make_error(ErrorKind::usage, "timeouts must be positive");
  }
  VGSALES_TRY(validate_http_limits(options.limits));
  if (storage::is_gcs_uri(options.model_base_path)) {
    auto location = storage::parse_gcs_uri(options.model_base_path);
    if (!location.ok()) return make_error(ErrorKind::usage, "--model_base_path: " + location.error().message);
    return {};
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(options.model_base_path, ec)) {
    return make_error(ErrorKind::not_found, "--model_base_path " + options.model_base_path + " is not a directory");
  }
  return {};
}

Result<void> run_model_server(const ModelServerOptions& options, const PredictorLoader& loader,
                              const std::function<void(const std::string&)>& log) {
  VGSALES_TRY(validate_model_server_options(options));
  std::unique_ptr<AccessLog> access_log;
  if (!options.access_log.empty()) {
    VGSALES_ASSIGN_OR_RETURN(access_log, AccessLog::open(options.access_log));
  }

  std::unique_ptr<PredictionLog> prediction_log;
  if (!options.prediction_log.empty()) {
    VGSALES_ASSIGN_OR_RETURN(prediction_log, PredictionLog::open({.directory = options.prediction_log,
                                                                  .sample = options.prediction_log_sample,
                                                                  .max_bytes = options.prediction_log_max_bytes}));
  }

  std::shared_ptr<storage::ModelVersionSource> source;
  if (storage::is_gcs_uri(options.model_base_path)) {
    VGSALES_ASSIGN_OR_RETURN(source, storage::open_gcs_model_source(options.model_base_path));
  } else {
    source = make_local_version_source(options.model_base_path);
  }
  VersionManager versions(source, loader, log);
  (void)versions.poll_once();  // serve at once if a version is there; otherwise health says 503 until one is

  ServerMetrics metrics;
  const auto live_version = [&versions]() -> long long {
    const auto model = versions.current();
    return model ? model->version : 0;
  };
  const RestHandler handler(
      {options.model_name, options.vertex_health_route, options.vertex_predict_route, options.serve_ui,
       options.max_explain_cost},
      [&versions] { return versions.current(); },
      [&metrics, &live_version, &prediction_log] {
        return metrics.render(live_version()) + (prediction_log ? prediction_log->render_metrics() : "");
      },
      prediction_log ? PredictionService::PredictionObserver([log = prediction_log.get()](const ServedModel& model,
                                                                                          const PredictRequest& request,
                                                                                          const PredictAnswer& answer) {
        log->record(model, request, answer);
      })
                     : PredictionService::PredictionObserver());

  HttpServerOptions server_options;
  server_options.host = options.host;
  server_options.port = static_cast<unsigned short>(options.port);
  server_options.threads = options.threads;
  server_options.max_body_bytes = options.max_body_bytes;
  server_options.idle_timeout = to_milliseconds(options.idle_timeout_seconds);
  server_options.drain_timeout = to_milliseconds(options.drain_timeout_seconds);
  server_options.limits = options.limits;
  HttpServerObservers observers{&metrics, access_log.get(), live_version};
  VGSALES_ASSIGN_OR_RETURN(auto server, HttpServer::listen(server_options, handler, observers));

  if (options.poll_seconds > 0) versions.start_polling(to_milliseconds(options.poll_seconds));
  std::string routes = "/v1/models/" + options.model_name;
  if (!options.vertex_predict_route.empty()) {
    routes += ", Vertex AI health " + options.vertex_health_route + " and predict " + options.vertex_predict_route;
  }
  if (options.serve_ui) routes += ", the web page at /";
  log("listening on " + options.host + ":" + std::to_string(server->port()) + " (" + routes + ")");
  server->run();
  versions.stop_polling();
  log("stopped: connections drained");
  return {};
}

}  // namespace vgsales::serve
