// A plain C++ forward pass over a PortableNetwork, LibTorch-free: per-row loops for one or a few rows (the
// low-latency path, no allocation), GEMMs through the system BLAS on tiles of rows for batches.
#pragma once

#include <cmath>
#include <span>
#include <vector>

#include "model/fused_dense_network.h"
#include "model/portable_network.h"

namespace vgsales {

class NativeForward {
 public:
  explicit NativeForward(const PortableNetwork& network);
  // rows: row-major [n][input_width] raw (encoded) features; out: n values in target units. Thread-safe.
  void predict(std::span<const float> rows, std::span<float> out) const;
  // The same rows, answered in the units the network was trained in (its last layer's output, before the target's
  // scaling and transform are undone): what the training loss is measured in.
  void predict_scaled(std::span<const float> rows, std::span<float> out) const;
  // From this many rows on, predict() runs GEMMs over tiles of rows instead of one row at a time.
  static constexpr size_t kGemmRows = 8;
  std::int64_t input_width() const { return input_width_; }

 private:
  void predict_rows(const float* rows, size_t n, float* out, bool scaled) const;
  void predict_tiles(const float* rows, size_t n, float* out, bool scaled) const;
  float to_output(float y, bool scaled) const {
    if (scaled) return y;
    const float value = y * output_scale_ + output_offset_;
    return expm1_ ? std::expm1(value) : value;
  }

  struct Layer {
    std::int64_t inputs, outputs;
    std::vector<float> weight_t;  // [inputs][outputs]: the inner loop runs over contiguous outputs
    std::vector<float> bias;
    bool relu;
  };
  std::int64_t input_width_;
  std::int64_t widest_;
  std::vector<float> offset_, scale_;
  std::vector<Layer> layers_;
  float output_scale_, output_offset_;
  bool expm1_;
  DenseStackLayout layout_;
  std::vector<float> parameters_;  // flat, DenseStackLayout order, for the GEMM path
};

}  // namespace vgsales
