// Boost.Beast adapter: one io_context per thread (each connection lives on one of them, so no strands or
// locks on the request path), one asynchronous Session per connection, the REST handler called inline
// (a prediction is microseconds, cheaper than a hand-off to another pool). Every wait on a client has a
// deadline (idle, header, body, write), and memory per connection is bounded by the header and body limits.
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

#include "serve/http_request_reader.h"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
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
        accept_retry_timer(control()),
        drain_timer(control()),
        signals(control()) {}

  static std::vector<std::unique_ptr<asio::io_context>> make_contexts(int count) {
    std::vector<std::unique_ptr<asio::io_context>> made;
    for (int i = 0; i < std::max(count, 1); ++i) made.push_back(std::make_unique<asio::io_context>(1));
    return made;
  }
  // The acceptor, the timers and the signals live on the first context, so they need no lock.
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
  void on_accept(beast::error_code ec, tcp::socket socket);
  // At max_connections: closes the longest-idle keep-alive connection and returns true, or returns false when
  // every connection is busy.
  bool evict_idle_session();
  void refuse(tcp::socket& socket);
  void begin_shutdown();  // on control()
  void add_session(Session* session, const std::shared_ptr<Session>& owner);
  void remove_session(Session* session);
  std::size_t session_count() {
    std::lock_guard lock(sessions_mutex);
    return sessions.size();
  }

  // Destroyed after `contexts`, whose destructors destroy pending handlers and so the sessions they own.
  ~State() { destroying.store(true); }
  std::atomic<bool> stopping{false};
  std::atomic<bool> destroying{false};
  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  const HttpServerOptions options;
  const RestHandler& handler;
  const HttpServerObservers observers;
  std::vector<std::unique_ptr<asio::io_context>> contexts;                       // one per thread
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;  // keeps idle contexts running
  std::atomic<std::size_t> next_context{0};
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry_timer;  // after an accept error such as "too many open files"
  asio::steady_timer drain_timer;
  asio::signal_set signals;
};

namespace {

using Clock = std::chrono::steady_clock;

Clock::duration seconds_to_duration(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

std::string endpoint_text(const tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// An idle connection keeps at most this much read buffer; a large request's buffer is released after it.
constexpr std::size_t kIdleBufferBytes = 64 * 1024;
// The first read of a request; Beast grows the buffer as the header and body need.
constexpr std::size_t kFirstReadBytes = 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, HttpServer::State& server)
      : stream_(std::move(socket)), server_(server), remote_(endpoint_text(stream_.socket())) {}
  ~Session() { server_.remove_session(this); }

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_request(); });
  }

  // Graceful shutdown: an idle connection closes now; one with a request in flight finishes it first (bounded by
  // its header, body and write timeouts, and by the server's drain timeout).
  void stop() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (self->stage_ == Stage::reading || self->stage_ == Stage::answering) return;  // on_write closes after it
      self->close();
    });
  }

  // Since when this connection has waited for a request with nothing received (0: it is not idle). Read by the
  // acceptor's thread under the sessions lock to choose whom to evict.
  Clock::rep idle_since() const { return idle_since_.load(std::memory_order_relaxed); }
  // Claims this connection for eviction if it is still idle since `since`; the claim closes it on its own thread.
  bool claim_for_eviction(Clock::rep since) {
    if (!idle_since_.compare_exchange_strong(since, 0)) return false;
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->stage_ == Stage::idle) self->close();  // a request that arrived meanwhile is served
    });
    return true;
  }

 private:
  enum class Stage { idle, reading, answering, closing };

  const HttpLimits& limits() const { return server_.options.limits; }

  // The next request on this connection: bytes already buffered (pipelining) are parsed at once; otherwise the
  // connection idles until the first byte (idle timeout), then the header has header_timeout to arrive.
  void read_request() {
    parser_.emplace();
    configure_request_parser(*parser_, limits(), server_.options.max_body_bytes);
    if (buffer_.size() > 0) return begin_request();
    if (buffer_.capacity() > kIdleBufferBytes) buffer_.shrink_to_fit();
    stage_ = Stage::idle;
    idle_since_.store(std::max<Clock::rep>(Clock::now().time_since_epoch().count(), 1), std::memory_order_relaxed);
    stream_.expires_after(server_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                              self->idle_since_.store(0, std::memory_order_relaxed);
                              self->buffer_.commit(bytes);
                              if (ec || !self->stream_.socket().is_open()) return self->close();
                              self->begin_request();
                            });
  }

  // The first bytes of a request are here: junk is refused at once, a request's header has header_timeout.
  void begin_request() {
    stage_ = Stage::reading;
    const std::string_view first(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    if (auto refusal = refuse_request_start(first)) return respond(std::move(*refusal), /*keep_alive=*/false);
    read_header();
  }

  void read_header() {
    stream_.expires_after(seconds_to_duration(limits().header_timeout_seconds));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    if (auto refusal = refuse_request_header(parser_->get(), limits())) return respond(std::move(*refusal), false);
    // curl and others wait for "100 Continue" before sending a large body.
    const auto expect = parser_->get()[http::field::expect];
    if (beast::iequals(expect, "100-continue") && !parser_->is_done()) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(seconds_to_duration(limits().write_timeout_seconds));
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
    stream_.expires_after(seconds_to_duration(limits().body_timeout_seconds));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read_error(beast::error_code ec) {
    if (!stream_.socket().is_open()) return;  // evicted or stopped
    const bool received = parser_->got_some() || buffer_.size() > 0;
    auto answer = answer_read_error(ec, received, parser_->get(), limits(), server_.options.max_body_bytes);
    if (!answer) return close();
    started_ = Clock::now();
    respond(std::move(*answer), /*keep_alive=*/false);
  }

  void on_read(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    started_ = Clock::now();
    const HttpRequest& request = parser_->get();
    RestResponse answer = server_.handler.handle(rest_request_of(request));
    respond(std::move(answer), request.keep_alive());
  }

  void respond(RestResponse answer, bool keep_alive) {
    stage_ = Stage::answering;
    if (started_ == Clock::time_point{}) started_ = Clock::now();
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
    stream_.expires_after(seconds_to_duration(limits().write_timeout_seconds));
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    record();
    started_ = {};
    response_ = {};  // an idle connection keeps no answer
    if (ec) return close();
    if (!keep_alive_ || stopping_) return linger_close();
    read_request();
  }

  // Closing with unread request bytes makes the kernel send a reset that can destroy our answer before
  // the client reads it (e.g. after an oversize body): stop sending, discard input briefly, then close.
  void linger_close() {
    stage_ = Stage::closing;
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
    const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
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
    stage_ = Stage::closing;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  HttpServer::State& server_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  http::response<http::string_body> response_;
  Clock::time_point started_;
  std::string route_;
  std::size_t instances_ = 0;
  std::unique_ptr<std::array<char, 16384>> discard_;
  std::atomic<Clock::rep> idle_since_{0};
  Stage stage_ = Stage::idle;
  bool keep_alive_ = true;
  bool stopping_ = false;
};

// The answer to a connection over max_connections when none can be evicted, sent without waiting.
const std::string& overload_response() {
  static const std::string text = [] {
    const RestResponse answer =
        make_error_response(RestErrorKind::unavailable, "Too many connections (--max-connections); try again later");
    http::response<http::string_body> response;
    response.version(11);
    response.result(static_cast<unsigned>(answer.status));
    response.set(http::field::server, "vgsales");
    response.set(http::field::content_type, answer.content_type);
    response.body() = answer.body;
    response.keep_alive(false);
    response.prepare_payload();
    std::ostringstream out;
    out << response;
    return out.str();
  }();
  return text;
}

}  // namespace

void HttpServer::State::accept_next() {
  acceptor.async_accept(next_session_context().get_executor(),
                        [this](beast::error_code ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void HttpServer::State::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
  if (ec) {
    // An accept error (e.g. too many open files) must not stop the server, nor spin it: retry shortly.
    accept_retry_timer.expires_after(std::chrono::milliseconds(50));
    accept_retry_timer.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && !stopping.load()) accept_next();
    });
    return;
  }
  if (stopping.load()) {
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  if (session_count() >= options.limits.max_connections && !evict_idle_session()) {
    refuse(socket);
  } else {
    socket.set_option(tcp::no_delay(true), ec);  // answers are small; don't wait for Nagle
    auto session = std::make_shared<Session>(std::move(socket), *this);
    add_session(session.get(), session);
    session->start();
  }
  accept_next();
}

bool HttpServer::State::evict_idle_session() {
  std::lock_guard lock(sessions_mutex);
  // A session in the map is alive at least until its destructor has taken this lock, so reading it is safe.
  for (int attempt = 0; attempt < 4; ++attempt) {
    Session* oldest = nullptr;
    Clock::rep oldest_since = std::numeric_limits<Clock::rep>::max();
    for (const auto& [raw, weak] : sessions) {
      const Clock::rep since = raw->idle_since();
      if (since != 0 && since < oldest_since) {
        oldest = raw;
        oldest_since = since;
      }
    }
    if (!oldest) return false;
    if (auto session = sessions[oldest].lock(); session && session->claim_for_eviction(oldest_since)) return true;
  }
  return false;
}

void HttpServer::State::refuse(tcp::socket& socket) {
  beast::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(overload_response()), ignored);  // fits in any socket buffer; never waits
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  if (observers.metrics) observers.metrics->record_request("other", 503, 0.0, 0);
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
  accept_retry_timer.cancel();
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

namespace {

// Each connection is a file descriptor: the default soft limit (often 1024) would cap connections far below
// max_connections, while the hard limit is what the administrator allows. Go's runtime does the same at start.
void raise_open_files_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::listen(const HttpServerOptions& options, const RestHandler& handler,
                                                       HttpServerObservers observers) {
  if (options.threads < 1) return make_error(ErrorKind::usage, "--threads must be at least 1");
  VGSALES_TRY(validate_http_limits(options.limits));
  raise_open_files_limit();
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

std::size_t HttpServer::open_connections() const { return state_->session_count(); }

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
