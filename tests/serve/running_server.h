// An in-process HttpServer over fake versions on a loopback port, for the serve tests.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "serve/access_log.h"
#include "serve/fake_predictor.h"
#include "serve/http_server.h"
#include "serve/metrics.h"
#include "serve/rest_handler.h"
#include "serve/version_manager.h"

namespace vgsales::serve::testing {

// A running server over BASE (fake versions), stopped and joined on destruction.
class RunningServer {
 public:
  explicit RunningServer(const std::filesystem::path& base, HttpServerOptions options = {}, std::string access_log = "")
      : versions_(base, load_fake_predictor, nullptr),
        handler_(
            {"vgsales", "/health", "/predict"}, [this] { return versions_.current(); },
            [this] { return metrics_.render(version()); }) {
    (void)versions_.poll_once();
    if (!access_log.empty()) log_ = std::move(AccessLog::open(access_log).value());
    options.host = "127.0.0.1";
    options.port = 0;
    options.stop_on_signals = false;
    server_ =
        std::move(HttpServer::listen(options, handler_, {&metrics_, log_.get(), [this] { return version(); }}).value());
    thread_ = std::thread([this] { server_->run(); });
  }
  ~RunningServer() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    server_->shutdown();
    thread_.join();
    versions_.stop_polling();
  }
  unsigned short port() const { return server_->port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  long long version() const {
    auto model = versions_.current();
    return model ? model->version : 0;
  }
  VersionManager& versions() { return versions_; }
  HttpServer& server() { return *server_; }

 private:
  VersionManager versions_;
  ServerMetrics metrics_;
  RestHandler handler_;
  std::unique_ptr<AccessLog> log_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

}  // namespace vgsales::serve::testing
