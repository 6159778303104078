// This machine's single-core SGEMM rate through the same BLAS call the trainer makes: the peak that the
// lower bound in bench/run.sh divides the reference job's FLOP count by.
#include <benchmark/benchmark.h>

#include <vector>

#include "model/fused_dense_network.h"

namespace vgsales {
namespace {

// C[m][n] = A[m][k] . B[n][k]^T: the shape of a forward layer (rows x inputs times weights^T).
void BM_Sgemm(benchmark::State& state) {
  set_blas_threads(1);
  const std::int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  std::vector<float> a(static_cast<size_t>(m * k), 0.5f), b(static_cast<size_t>(n * k), 0.25f),
      c(static_cast<size_t>(m * n));
  for (auto _ : state) {
    gemm_row_major({m, n, k}, 1.0f, {a.data(), k}, {b.data(), k, true}, 0.0f, {c.data(), n});
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["flops"] =
      benchmark::Counter(static_cast<double>(2 * m * n * k), benchmark::Counter::kIsIterationInvariantRate);
}
// The peak (large square) and the reference job's own shapes (batch 32: 32x100x50, 32x50x100).
BENCHMARK(BM_Sgemm)
    ->Args({1024, 1024, 1024})
    ->Args({32, 100, 50})
    ->Args({32, 50, 100})
    ->Args({256, 100, 50})
    ->UseRealTime();

}  // namespace
}  // namespace vgsales
