// Inference: single-row latency (p50/p99 of individually timed calls) and batched throughput, through the public
// Predictor (what `predict` and the server call) and through NativeForward alone. The model directory comes from
// VGSALES_BENCH_MODEL (bench/run.sh trains the reference model first).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>

#include "model/model_directory.h"
#include "model/native_forward.h"
#include "model/predictor.h"

namespace vgsales {
namespace {

std::filesystem::path model_dir() {
  const char* path = std::getenv("VGSALES_BENCH_MODEL");
  return path ? path : "";
}

// Rows shaped like the reference data: a rating, seven flags and a price.
std::vector<float> reference_rows(size_t rows, std::int64_t width) {
  std::mt19937 generator(7);
  std::uniform_int_distribution<int> coin(0, 1), rating(4, 10), price(0, 2);
  std::vector<float> values;
  values.reserve(rows * static_cast<size_t>(width));
  for (size_t r = 0; r < rows; ++r) {
    values.push_back(rating(generator) * 0.5f);
    for (std::int64_t i = 1; i + 1 < width; ++i) values.push_back(static_cast<float>(coin(generator)));
    values.push_back(39.99f + 10.0f * price(generator));
  }
  return values;
}

const Predictor* shared_predictor(benchmark::State& state) {
  static auto loaded = load_predictor(model_dir());
  if (!loaded.ok()) {
    state.SkipWithError(("set VGSALES_BENCH_MODEL to a model directory: " + loaded.error().message).c_str());
    return nullptr;
  }
  return loaded->get();
}

const NativeForward* shared_native(benchmark::State& state) {
  static auto model = load_model(model_dir());
  if (!model.ok()) {
    state.SkipWithError(("set VGSALES_BENCH_MODEL to a model directory: " + model.error().message).c_str());
    return nullptr;
  }
  static const NativeForward native(model->network);
  return &native;
}

// The raw cells a client sends: numbers, through the feature pipeline as in `predict` and the server.
std::vector<RawCell> as_cells(const std::vector<float>& values) {
  std::vector<RawCell> cells;
  for (float v : values) cells.push_back(RawCell::of_number(v));
  return cells;
}

std::string row_label(size_t row) { return "row " + std::to_string(row); }

// Latency percentiles need each call timed on its own; the benchmark's own time is their mean.
void record_percentiles(benchmark::State& state, std::vector<double>& nanoseconds) {
  std::sort(nanoseconds.begin(), nanoseconds.end());
  auto at = [&](double q) {
    return nanoseconds[static_cast<size_t>(q * static_cast<double>(nanoseconds.size() - 1))] / 1000.0;
  };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
}

void BM_PredictorSingleRowLatency(benchmark::State& state) {
  const Predictor* predictor = shared_predictor(state);
  if (!predictor) return;
  const std::vector<RawCell> row =
      as_cells(reference_rows(1, static_cast<std::int64_t>(predictor->pipeline().features().size())));
  std::vector<double> nanoseconds;
  nanoseconds.reserve(1 << 20);
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto result = predictor->predict(row, row_label);
    benchmark::DoNotOptimize(result);
    nanoseconds.push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count());
  }
  record_percentiles(state, nanoseconds);
}
BENCHMARK(BM_PredictorSingleRowLatency)->UseRealTime();

void BM_NativeForwardSingleRowLatency(benchmark::State& state) {
  const NativeForward* native = shared_native(state);
  if (!native) return;
  const std::vector<float> row = reference_rows(1, native->input_width());
  float out = 0;
  std::vector<double> nanoseconds;
  nanoseconds.reserve(1 << 20);
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    native->predict(row, std::span<float>(&out, 1));
    benchmark::DoNotOptimize(out);
    nanoseconds.push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count());
  }
  record_percentiles(state, nanoseconds);
}
BENCHMARK(BM_NativeForwardSingleRowLatency)->UseRealTime();

void BM_PredictorBatch(benchmark::State& state) {
  const Predictor* predictor = shared_predictor(state);
  if (!predictor) return;
  const auto rows = static_cast<size_t>(state.range(0));
  const std::vector<RawCell> batch =
      as_cells(reference_rows(rows, static_cast<std::int64_t>(predictor->pipeline().features().size())));
  for (auto _ : state) {
    auto result = predictor->predict(batch, row_label);
    benchmark::DoNotOptimize(result);
  }
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_PredictorBatch)->Arg(1)->Arg(32)->Arg(1024)->UseRealTime();

void BM_NativeForwardBatch(benchmark::State& state) {
  const NativeForward* native = shared_native(state);
  if (!native) return;
  const auto rows = static_cast<size_t>(state.range(0));
  const std::vector<float> batch = reference_rows(rows, native->input_width());
  std::vector<float> out(rows);
  for (auto _ : state) {
    native->predict(batch, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_NativeForwardBatch)->Arg(1)->Arg(32)->Arg(1024)->UseRealTime();

}  // namespace
}  // namespace vgsales
