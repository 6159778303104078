// Prometheus text rendering of the server counters.
#include "serve/metrics.h"

#include <charconv>
#include <cmath>

namespace vgsales::serve {

namespace {

// The shortest text that reads back as `value` ("0.0005", not "0.00050000000000000001").
std::string format_number(double value) {
  char buffer[64];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general).ptr;
  return std::string(buffer, end);
}

// Latency buckets from 100 µs to 10 s: the interesting range for a sub-millisecond model server.
constexpr std::array<double, 14> kLatencyBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                   0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   10.0};
constexpr std::array<double, 10> kInstanceBounds = {1, 2, 4, 8, 16, 32, 64, 128, 256, 1024};

}  // namespace

template <std::size_t N>
void Histogram<N>::observe(double value) {
  std::size_t bucket = N;
  for (std::size_t i = 0; i < N; ++i) {
    if (value <= upper_bounds_[i]) {
      bucket = i;
      break;
    }
  }
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  if (std::isfinite(value) && value > 0) {
    sum_micro_.fetch_add(static_cast<std::uint64_t>(std::llround(value * 1e6)), std::memory_order_relaxed);
  }
}

template <std::size_t N>
void Histogram<N>::render(const std::string& name, std::string& out) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= N; ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    const std::string bound = i < N ? format_number(upper_bounds_[i]) : "+Inf";
    out += name + "_bucket{le=\"" + bound + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += name + "_sum " + format_number(static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6) + "\n";
  out += name + "_count " + std::to_string(cumulative) + "\n";
}

ServerMetrics::ServerMetrics() : latency_seconds_(kLatencyBounds), instances_per_request_(kInstanceBounds) {}

void ServerMetrics::record_request(const std::string& route, int status, double seconds, std::size_t instances) {
  {
    std::lock_guard lock(counts_mutex_);
    ++requests_[{route, status}];
  }
  latency_seconds_.observe(seconds);
  if (instances > 0) instances_per_request_.observe(static_cast<double>(instances));
}

std::string ServerMetrics::render(long long model_version) const {
  std::string out;
  out += "# HELP vgsales_http_requests_total HTTP requests answered, by route and status code.\n";
  out += "# TYPE vgsales_http_requests_total counter\n";
  {
    std::lock_guard lock(counts_mutex_);
    for (const auto& [key, count] : requests_) {
      out += "vgsales_http_requests_total{route=\"" + key.first + "\",code=\"" + std::to_string(key.second) + "\"} " +
             std::to_string(count) + "\n";
    }
  }
  out +=
      "# HELP vgsales_http_request_duration_seconds Time from a complete request to its response being handed to the "
      "socket.\n";
  out += "# TYPE vgsales_http_request_duration_seconds histogram\n";
  latency_seconds_.render("vgsales_http_request_duration_seconds", out);
  out += "# HELP vgsales_predict_instances Instances (rows) per predict request.\n";
  out += "# TYPE vgsales_predict_instances histogram\n";
  instances_per_request_.render("vgsales_predict_instances", out);
  out += "# HELP vgsales_model_version The model version being served (0 before the first load).\n";
  out += "# TYPE vgsales_model_version gauge\n";
  out += "vgsales_model_version " + std::to_string(model_version) + "\n";
  return out;
}

template class Histogram<14>;
template class Histogram<10>;

}  // namespace vgsales::serve
