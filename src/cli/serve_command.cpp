// vgsales serve: a TF Serving-compatible REST model server (and a Vertex AI custom container).
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/command.h"
#include "cli/flag_table.h"
#include "model/predictor.h"
#include "serve/model_server.h"

namespace vgsales::cli {

void register_serve_command(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<serve::ModelServerOptions>();
  CLI::App* command = app.add_subcommand(
      "serve", "Serve a model over TF Serving's REST API (GET /v1/models/NAME, POST /v1/models/NAME:predict)");
  command->add_option("--model_base_path", options->model_base_path,
                      "folder of numbered versions (BASE/1, BASE/2, ...; the highest is served) or one model "
                      "directory; default: AIP_STORAGE_URI when it is a local path");
  command->add_option("--model_name", options->model_name, "the NAME in /v1/models/NAME")->required();
  command->add_option("--host", options->host, "address to listen on")->capture_default_str();
  command->add_option("--port", options->port, "REST port (0: any free port; AIP_HTTP_PORT wins under Vertex AI)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  command->add_option("--threads", options->threads, "I/O threads, each also running predictions")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  command->add_option("--poll-seconds", options->poll_seconds, "how often to look for a new version (0: never)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command->add_option("--max-body-bytes", options->max_body_bytes, "larger request bodies get a 400")
      ->capture_default_str();
  command->add_option("--access-log", options->access_log, "JSON-lines access log: a file, or - for stdout");
  command->add_option("--idle-timeout-seconds", options->idle_timeout_seconds,
                      "close a keep-alive connection idle this long")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_option("--drain-timeout-seconds", options->drain_timeout_seconds,
                      "on SIGTERM/SIGINT, how long requests in flight may still take")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  auto no_ui = std::make_shared<bool>(false);
  FlagTable flags(command);
  flags.flag("--no-ui", *no_ui, "answer no web page: GET / and /ui/... are 404, the REST API is unchanged");
  command->callback([options, no_ui, &chosen] {
    options->serve_ui = !*no_ui;
    chosen = [options]() -> Result<void> {
      VGSALES_TRY(serve::apply_vertex_environment(*options, [](const char* name) { return std::getenv(name); }));
      return serve::run_model_server(*options, load_predictor, [](const std::string& line) {
        std::fprintf(stderr, "vgsales serve: %s\n", line.c_str());
        std::fflush(stderr);
      });
    };
  });
}

}  // namespace vgsales::cli
