// A plain C++ forward pass over a PortableNetwork, LibTorch-free: per-row loops for one or a few rows (the
// low-latency path, no allocation), GEMMs through the system BLAS on tiles of rows for batches. An ensemble runs
// each member and averages their outputs (cheaper than the fused form, whose blocks are mostly zeros).
#pragma once

#include <algorithm>
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
  // The mean and, when the spans are given and the network has shifted outputs, the median and interval bounds.
  void predict_estimates(std::span<const float> rows, const EstimateSpans& out) const;
  bool has_interval() const { return shifts_.size() == 3; }
  // Every output column of n rows in the network's own units, [n][output_columns()]: the mean's column 0 and, with
  // a median head, its column 1 (what the training job calibrates on).
  void predict_network_columns(std::span<const float> rows, size_t n, std::span<float> out) const {
    predict_network_units(rows.data(), n, out.data());
  }
  std::int64_t output_columns() const { return columns_; }
  // From this many rows on, predict() runs GEMMs over tiles of rows instead of one row at a time.
  static constexpr size_t kGemmRows = 8;
  // Batches run as GEMM tiles of this many rows. A row's estimate depends only on the tile it is computed in (the
  // BLAS may block a 214-row tile differently from a 256-row one, in the last bit), so batches split at multiples of
  // kTileRows (the CLI's 4,096 rows, the web page's 2,048-row requests) give the same numbers bit for bit.
  static constexpr size_t kTileRows = 256;
  std::int64_t input_width() const { return input_width_; }

 private:
  struct Layer {
    std::int64_t inputs, outputs;
    std::vector<float> weight_t;  // [inputs][outputs]: the inner loop runs over contiguous outputs
    std::vector<float> bias;
    bool relu;
  };
  struct Stack {
    std::vector<Layer> layers;
    DenseStackLayout layout;
    std::vector<float> parameters;  // flat, DenseStackLayout order, for the GEMM path
    std::int64_t widest;
  };
  // The members' mean output in the network's own (scaled) units, for n rows: [n][columns_].
  void predict_network_units(const float* rows, size_t n, float* out) const;
  // Column 0 (the mean) of n rows in network units: straight into `out` for a one-column network.
  void predict_mean_units(const float* rows, size_t n, float* out) const;
  void predict_rows(const Stack& stack, const float* rows, size_t n, float* out) const;
  void predict_tiles(const Stack& stack, const float* rows, size_t n, float* out) const;
  // The exports' order of operations: scale, shift, expm1, then the clip to the target's range (a max, then a min).
  float to_target(float z, float offset) const {
    const float value = z * output_scale_ + offset;
    const float target = expm1_ ? std::expm1(value) : value;
    return std::min(std::max(target, output_min_), output_max_);
  }

  std::int64_t input_width_;
  std::vector<float> offset_, scale_;
  std::vector<Stack> stacks_;
  float output_scale_, output_offset_;
  std::int64_t columns_;                     // the last layer's outputs: 1, or 2 with a median head
  std::vector<float> shifts_;                // the shifted outputs' offsets: median, lower, upper
  std::vector<std::int64_t> shift_columns_;  // the column each reads
  bool expm1_;
  float output_min_, output_max_;
};

}  // namespace vgsales
