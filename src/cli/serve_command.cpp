// vgsales serve: a TF Serving-compatible REST model server (and a Vertex AI custom container).
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/command.h"
#include "cli/flag_table.h"
#include "model/predictor.h"
#include "serve/model_server.h"

namespace vgsales::cli {

namespace {

// A server limit as a flag: help and bounds from its HttpLimitFlag, the default from HttpLimits.
template <typename Value>
void add_limit_flag(FlagTable& flags, const serve::HttpLimitFlag& flag, const char* value_name, Value& value) {
  flags.bounded<Value>(flag.flag, value_name, value, static_cast<Value>(flag.min), static_cast<Value>(flag.max),
                       flag.help);
}

}  // namespace

void register_serve_command(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<serve::ModelServerOptions>();
  CLI::App* command = app.add_subcommand(
      "serve", "Serve a model over TF Serving's REST API (GET /v1/models/NAME, POST /v1/models/NAME:predict)");
  FlagTable flags(command);
  flags.described(
      "--model_base_path", "BASE", options->model_base_path, "`AIP_STORAGE_URI`",
      "folder of numbered versions (`BASE/1`, `BASE/2`, ...; the highest that loads is served) or one model "
      "directory; local or `gs://BUCKET/PATH` (downloaded to a verified cache, docs/deployment/cloud-storage.md)");
  flags.required("--model_name", "NAME", options->model_name, "the `NAME` in `/v1/models/NAME`");
  flags.option("--host", "ADDRESS", options->host, "address to listen on");
  flags.bounded(
      "--port", "N", options->port, 0, 65535,
      "REST port; 0 picks a free one (logged as `listening on HOST:PORT`); `AIP_HTTP_PORT` wins under Vertex AI");
  flags.bounded("--threads", "N", options->threads, 1, 256, "I/O threads, each also running predictions");
  flags.bounded("--poll-seconds", "S", options->poll_seconds, 0.0, 86400.0,
                "how often BASE is scanned for a new version (0 = never)");
  flags.bounded<std::size_t>("--max-body-bytes", "B", options->max_body_bytes, 1, std::size_t{1} << 31,
                             "larger request bodies get a 400");
  flags.bounded<std::uint64_t>("--max-explain-cost", "N", options->max_explain_cost, 1, std::uint64_t{1} << 40,
                               "`:explain` requests whose instances × coalition rows exceed this get a 400 naming it");
  flags.described("--access-log", "FILE|-", options->access_log, "off", "JSON-lines access log (`-` = stdout)");
  flags.bounded("--idle-timeout-seconds", "S", options->idle_timeout_seconds, 0.001, 86400.0,
                "close keep-alive connections idle this long");
  flags.bounded("--drain-timeout-seconds", "S", options->drain_timeout_seconds, 0.001, 3600.0,
                "on SIGTERM/SIGINT, how long in-flight requests may still take before exit 0");
  add_limit_flag(flags, serve::kMaxConnectionsFlag, "N", options->limits.max_connections);
  add_limit_flag(flags, serve::kHeaderTimeoutFlag, "S", options->limits.header_timeout_seconds);
  add_limit_flag(flags, serve::kBodyTimeoutFlag, "S", options->limits.body_timeout_seconds);
  add_limit_flag(flags, serve::kWriteTimeoutFlag, "S", options->limits.write_timeout_seconds);
  add_limit_flag(flags, serve::kMaxHeaderBytesFlag, "B", options->limits.max_header_bytes);
  add_limit_flag(flags, serve::kMaxUrlBytesFlag, "B", options->limits.max_url_bytes);
  flags.described("--prediction_log", "DIR", options->prediction_log, "off",
                  "write a sample of the rows answered, with their answers, as JSON lines into DIR (rotated, bounded "
                  "by `--prediction_log_max_bytes`; read by `vgsales monitor --data DIR`)");
  flags.bounded("--prediction_log_sample", "P", options->prediction_log_sample, 0.0, 1.0,
                "the share of rows the prediction log keeps");
  flags.bounded<std::size_t>("--prediction_log_max_bytes", "B", options->prediction_log_max_bytes, 8192,
                             std::size_t{1} << 40,
                             "the prediction log's files together stay under this (the oldest "
                             "of its 8 files goes first)");
  auto no_ui = std::make_shared<bool>(false);
  flags.flag("--no-ui", *no_ui, "answer no web page: `GET /` and `/ui/...` are 404, the REST API is unchanged");
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
