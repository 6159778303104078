// Server counters in the Prometheus text exposition format (version 0.0.4), served at GET /metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace vgsales::serve {

// A cumulative histogram with fixed upper bounds; observe() is lock-free.
template <std::size_t N>
class Histogram {
 public:
  explicit Histogram(const std::array<double, N>& upper_bounds) : upper_bounds_(upper_bounds) {}
  void observe(double value);
  // Appends the _bucket/_sum/_count lines for `name`.
  void render(const std::string& name, std::string& out) const;

 private:
  std::array<double, N> upper_bounds_;
  std::array<std::atomic<std::uint64_t>, N + 1> counts_{};  // the last one is +Inf
  std::atomic<std::uint64_t> sum_micro_{0};                 // sum in millionths, kept integral for atomics
};

class ServerMetrics {
 public:
  ServerMetrics();
  // One finished request: its route label (e.g. "predict"), HTTP status, seconds taken, and for
  // predict requests the number of instances (0 otherwise: not observed).
  void record_request(const std::string& route, int status, double seconds, std::size_t instances);
  // The whole exposition text; `model_version` is the live version (0 when none is loaded).
  std::string render(long long model_version) const;

 private:
  mutable std::mutex counts_mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;  // (route, status) -> count
  Histogram<14> latency_seconds_;
  Histogram<10> instances_per_request_;
};

// The media type Prometheus scrapers expect for the text format.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace vgsales::serve
