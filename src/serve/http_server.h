// The HTTP/1.1 front of the model server: a thin Boost.Beast adapter that reads requests, passes them to
// RestHandler and writes the answers; keep-alive connections, a small thread pool, graceful shutdown, and the
// limits (http_limits.h) that keep slow or hostile clients from starving the others.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "serve/access_log.h"
#include "serve/http_limits.h"
#include "serve/metrics.h"
#include "serve/rest_handler.h"

namespace vgsales::serve {

struct HttpServerOptions {
  std::string host = "0.0.0.0";
  unsigned short port = 8501;  // 0 picks a free port; port() tells which
  int threads = 2;
  std::size_t max_body_bytes = 10 * 1024 * 1024;
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};   // a keep-alive connection with no request
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(10)};  // how long shutdown waits for requests in flight
  HttpLimits limits;
  bool stop_on_signals = true;  // SIGTERM/SIGINT start a graceful shutdown
};

// Everything the adapter reports to besides the client; each pointer may be null.
struct HttpServerObservers {
  ServerMetrics* metrics = nullptr;
  AccessLog* access_log = nullptr;
  std::function<long long()> model_version;  // for the access log
};

class HttpServer {
 public:
  // Binds and listens (errors: the address is in use, the host is not an address, a limit out of bounds); serves
  // nothing until run(). Raises the soft open-files limit to the hard one, as max_connections may need it.
  static Result<std::unique_ptr<HttpServer>> listen(const HttpServerOptions& options, const RestHandler& handler,
                                                    HttpServerObservers observers);
  ~HttpServer();

  unsigned short port() const;
  // Connections open now (for tests and the abuse figures).
  std::size_t open_connections() const;
  // Serves on `threads` threads (the caller's among them) until shutdown() or a signal; then stops
  // accepting, lets requests in flight finish (up to drain_timeout), closes idle connections and returns.
  void run();
  // Thread-safe and idempotent; run() returns once the drain is done.
  void shutdown();

  class State;

 private:
  explicit HttpServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace vgsales::serve
