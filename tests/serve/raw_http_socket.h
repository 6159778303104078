// Plain POSIX sockets for the abuse tests: a client that sends any bytes (a trickle, a malformed request, a
// pipeline) and reads raw answers, which a real HTTP client library would refuse to do. Loopback only.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

namespace vgsales::serve::testing {

class RawSocket {
 public:
  RawSocket() = default;
  explicit RawSocket(int fd) : fd_(fd) {}
  RawSocket(RawSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RawSocket& operator=(RawSocket&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;
  ~RawSocket() { reset(); }

  // A blocking connection to 127.0.0.1:port; not open() on failure.
  static RawSocket connect_loopback(unsigned short port) {
    RawSocket socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!socket.open()) return socket;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(socket.fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) socket.reset();
    if (socket.open()) {
      const int one = 1;
      ::setsockopt(socket.fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return socket;
  }

  bool open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void set_non_blocking() const { ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK); }

  // Sends everything (blocking socket) or fails; never raises SIGPIPE.
  bool send_all(std::string_view bytes) const {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }
  // One send on a non-blocking socket: bytes taken (0 when the buffer is full), or -1 when the peer is gone.
  ssize_t send_some(std::string_view bytes) const {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent >= 0) return sent;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
  }

  // Without waiting: drains what has arrived (into `received`); true if the server has closed or reset.
  bool peer_closed(std::string* received = nullptr) const {
    char buffer[16384];
    while (true) {
      const ssize_t got = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (got == 0) return true;
      if (got < 0) return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
      if (received) received->append(buffer, static_cast<std::size_t>(got));
    }
  }

  // Waits up to `timeout` for the server to close: drains what it sends; true on end of stream or reset.
  bool wait_closed(std::chrono::milliseconds timeout, std::string* received = nullptr) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[16384];
    while (true) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd waiting{fd_, POLLIN, 0};
      if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) continue;
      const ssize_t got = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (got == 0) return true;
      if (got < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        return true;  // reset
      }
      if (received) received->append(buffer, static_cast<std::size_t>(got));
    }
  }

 private:
  int fd_ = -1;
};

struct RawReply {
  int status = 0;  // 0: no complete answer (closed or timed out)
  std::string headers;
  std::string body;
};

// Reads one answer (status line, headers, Content-Length body) from `pending` + the socket; what follows it stays
// in `pending` for the next call (pipelined answers).
inline RawReply read_raw_reply(const RawSocket& socket, std::string& pending,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  RawReply reply;
  auto fill = [&]() -> bool {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd waiting{socket.fd(), POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[16384];
    const ssize_t got = ::recv(socket.fd(), buffer, sizeof buffer, MSG_DONTWAIT);
    if (got <= 0) return got < 0 && (errno == EAGAIN || errno == EINTR);
    pending.append(buffer, static_cast<std::size_t>(got));
    return true;
  };
  std::size_t header_end;
  while ((header_end = pending.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return reply;
  }
  const std::string head = pending.substr(0, header_end);
  std::size_t length = 0;
  for (std::size_t at = head.find("\r\n"); at != std::string::npos; at = head.find("\r\n", at + 2)) {
    const std::string line = head.substr(at + 2, head.find("\r\n", at + 2) - at - 2);
    if (line.size() > 15 && (line.rfind("Content-Length:", 0) == 0 || line.rfind("content-length:", 0) == 0)) {
      length = std::stoul(line.substr(15));
    }
  }
  while (pending.size() < header_end + 4 + length) {
    if (!fill()) return reply;
  }
  if (head.size() >= 12 && head.rfind("HTTP/1.1 ", 0) == 0) reply.status = std::stoi(head.substr(9, 3));
  reply.headers = head;
  reply.body = pending.substr(header_end + 4, length);
  pending.erase(0, header_end + 4 + length);
  return reply;
}

// Raises this process's soft open-files limit to the hard one and returns the new soft limit: both ends of every
// test connection live in the test process.
inline std::size_t raise_open_files_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<std::size_t>(limit.rlim_cur);
}

// This process's resident memory in KiB (VmRSS).
inline long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace vgsales::serve::testing
