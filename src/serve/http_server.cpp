// Boost.Beast adapter: one io_context per thread (each connection lives on one of them, so no strands or
// locks on the request path), one asynchronous Session per connection, the REST handler called inline
// (a prediction is microseconds, cheaper than a hand-off to another pool).
#include "serve/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace vgsales::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
class Session;
}

class HttpServer::State {
 public:
  State(const HttpServerOptions& options, const RestHandler& handler, HttpServerObservers observers)
      : options(options),
        handler(handler),
        observers(std::move(observers)),
        contexts(make_contexts(options.threads)),
        acceptor(control()),
        drain_timer(control()),
        signals(control()) {}

  static std::vector<std::unique_ptr<asio::io_context>> make_contexts(int count) {
    std::vector<std::unique_ptr<asio::io_context>> made;
    for (int i = 0; i < std::max(count, 1); ++i) made.push_back(std::make_unique<asio::io_context>(1));
    return made;
  }
  // The acceptor, the drain timer and the signals live on the first context, so they need no lock.
  asio::io_context& control() { return *contexts.front(); }
  asio::io_context& next_session_context() {
    return *contexts[next_context.fetch_add(1, std::memory_order_relaxed) % contexts.size()];
  }
  void stop_all() {
    for (auto& context : contexts) context->stop();
  }
  void release_work() {  // lets each context's run() return once it has nothing left to do
    for (auto& guard : work) guard.reset();
  }

  void accept_next();
  void begin_shutdown();  // on control()
  void add_session(Session* session, const std::shared_ptr<Session>& owner);
  void remove_session(Session* session);

  // Destroyed after `contexts`, whose destructors destroy pending handlers and so the sessions they own.
  ~State() { destroying.store(true); }
  std::atomic<bool> stopping{false};
  std::atomic<bool> destroying{false};
  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  const HttpServerOptions options;
  const RestHandler& handler;
  const HttpServerObservers observers;
  std::vector<std::unique_ptr<asio::io_context>> contexts;  // one per thread
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;  // keeps idle contexts running
  std::atomic<std::size_t> next_context{0};
  tcp::acceptor acceptor;
  asio::steady_timer drain_timer;
  asio::signal_set signals;
};

namespace {

std::string endpoint_text(const tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, HttpServer::State& server)
      : stream_(std::move(socket)), server_(server), remote_(endpoint_text(stream_.socket())) {}
  ~Session() { server_.remove_session(this); }

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // Graceful shutdown: an idle connection closes now; one with a request in flight finishes it first.
  void stop() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (self->busy_) return;  // on_write closes after the answer
      if (self->parser_ && self->parser_->got_some()) {
        self->stream_.expires_after(self->server_.options.drain_timeout);  // let the request arrive
        return;
      }
      self->close();
    });
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    stream_.expires_after(server_.options.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    // curl and others wait for "100 Continue" before sending a large body.
    const auto expect = parser_->get()[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue),
                        [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                          if (write_ec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      started_ = std::chrono::steady_clock::now();
      respond(make_error_response(RestErrorKind::invalid_argument,
                                  "Request body exceeds the limit of " +
                                      std::to_string(server_.options.max_body_bytes) + " bytes (--max-body-bytes)"),
              /*keep_alive=*/false);
      return;
    }
    const bool nothing_read = !parser_ || !parser_->got_some();
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::eof || nothing_read) {
      return close();
    }
    started_ = std::chrono::steady_clock::now();
    respond(make_error_response(RestErrorKind::invalid_argument, "Malformed HTTP request: " + ec.message()),
            /*keep_alive=*/false);
  }

  void on_read(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    started_ = std::chrono::steady_clock::now();
    const auto& request = parser_->get();
    const std::string_view method(request.method_string().data(), request.method_string().size());
    const std::string_view target(request.target().data(), request.target().size());
    RestResponse answer = server_.handler.handle(RestRequest{method, target, request.body()});
    respond(std::move(answer), request.keep_alive());
  }

  void respond(RestResponse answer, bool keep_alive) {
    busy_ = true;
    keep_alive_ = keep_alive && !stopping_ && !server_.stopping.load();
    route_ = std::move(answer.route);
    instances_ = answer.instances;
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(answer.status));
    response_.set(http::field::server, "vgsales");
    response_.set(http::field::content_type, answer.content_type);
    if (!answer.allow.empty()) response_.set(http::field::allow, answer.allow);
    for (const auto& [name, value] : answer.headers) response_.set(name, value);
    response_.body() = std::move(answer.body);
    response_.keep_alive(keep_alive_);
    response_.prepare_payload();
    stream_.expires_after(server_.options.idle_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    busy_ = false;
    record();
    if (ec) return close();
    if (!keep_alive_ || stopping_) return linger_close();
    read_header();
  }

  // Closing with unread request bytes makes the kernel send a reset that can destroy our answer before
  // the client reads it (e.g. after an oversize body): stop sending, discard input briefly, then close.
  void linger_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    discard_ = std::make_unique<std::array<char, 16384>>();
    discard_input();
  }

  void discard_input() {
    stream_.async_read_some(asio::buffer(*discard_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->discard_input();
    });
  }

  void record() {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const int status = static_cast<int>(response_.result_int());
    if (server_.observers.metrics) server_.observers.metrics->record_request(route_, status, seconds, instances_);
    if (server_.observers.access_log) {
      const auto& request = parser_->get();
      AccessLogEntry entry;
      entry.remote = remote_;
      entry.method = std::string_view(request.method_string().data(), request.method_string().size());
      entry.target = std::string_view(request.target().data(), request.target().size());
      entry.status = status;
      entry.route = route_;
      entry.request_bytes = request.body().size();
      entry.response_bytes = response_.body().size();
      entry.instances = instances_;
      entry.duration_ms = seconds * 1000.0;
      entry.model_version = server_.observers.model_version ? server_.observers.model_version() : 0;
      server_.observers.access_log->write(entry);
    }
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  HttpServer::State& server_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::chrono::steady_clock::time_point started_;
  std::string route_;
  std::size_t instances_ = 0;
  std::unique_ptr<std::array<char, 16384>> discard_;
  bool keep_alive_ = true;
  bool busy_ = false;
  bool stopping_ = false;
};

}  // namespace

void HttpServer::State::accept_next() {
  acceptor.async_accept(next_session_context().get_executor(), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      if (stopping.load()) {
        beast::error_code ignored;
        socket.close(ignored);
        return;
      }
      socket.set_option(tcp::no_delay(true), ec);  // answers are small; don't wait for Nagle
      auto session = std::make_shared<Session>(std::move(socket), *this);
      add_session(session.get(), session);
      session->start();
    }
    // An accept error (e.g. too many open files) must not stop the server from accepting later.
    accept_next();
  });
}

void HttpServer::State::add_session(Session* session, const std::shared_ptr<Session>& owner) {
  std::lock_guard lock(sessions_mutex);
  sessions.emplace(session, owner);
}

void HttpServer::State::remove_session(Session* session) {
  std::lock_guard lock(sessions_mutex);
  sessions.erase(session);
  if (stopping.load() && sessions.empty() && !destroying.load()) {
    asio::post(control(), [this] {
      drain_timer.cancel();
      release_work();
    });
  }
}

void HttpServer::State::begin_shutdown() {
  if (stopping.exchange(true)) return;
  beast::error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mutex);
    for (auto& [raw, weak] : sessions)
      if (auto session = weak.lock()) live.push_back(std::move(session));
    if (sessions.empty()) {
      release_work();
      return;
    }
  }
  for (auto& session : live) session->stop();
  live.clear();
  drain_timer.expires_after(options.drain_timeout);
  drain_timer.async_wait([this](beast::error_code ec) {
    if (!ec) stop_all();  // requests still running after the drain timeout are abandoned
  });
  // Sessions may all have ended between the checks above and arming the timer.
  std::lock_guard lock(sessions_mutex);
  if (sessions.empty()) {
    drain_timer.cancel();
    release_work();
  }
}

Result<std::unique_ptr<HttpServer>> HttpServer::listen(const HttpServerOptions& options, const RestHandler& handler,
                                                       HttpServerObservers observers) {
  if (options.threads < 1) return make_error(ErrorKind::usage, "--threads must be at least 1");
  auto state = std::make_unique<State>(options, handler, std::move(observers));
  beast::error_code ec;
  const auto address = asio::ip::make_address(options.host, ec);
  if (ec) return make_error(ErrorKind::usage, "cannot listen on host '" + options.host + "': not an IP address");
  const tcp::endpoint endpoint(address, options.port);
  const std::string where = options.host + ":" + std::to_string(options.port);
  state->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) state->acceptor.bind(endpoint, ec);
  if (!ec) state->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(ErrorKind::io, "cannot listen on " + where + ": " + ec.message());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

HttpServer::HttpServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

HttpServer::~HttpServer() = default;

unsigned short HttpServer::port() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec).port();
}

void HttpServer::run() {
  State& state = *state_;
  for (auto& context : state.contexts) state.work.push_back(asio::make_work_guard(*context));
  asio::dispatch(state.control(), [&state] {
    if (state.stopping.load()) return;
    if (state.options.stop_on_signals) {
      state.signals.add(SIGINT);
      state.signals.add(SIGTERM);
      state.signals.async_wait([&state](beast::error_code ec, int) {
        if (!ec) state.begin_shutdown();
      });
    }
    state.accept_next();
  });
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < state.contexts.size(); ++i) {
    workers.emplace_back([&state, i] { state.contexts[i]->run(); });
  }
  state.control().run();
  for (auto& worker : workers) worker.join();
}

void HttpServer::shutdown() {
  State& state = *state_;
  asio::post(state.control(), [&state] { state.begin_shutdown(); });
}

}  // namespace vgsales::serve
