// A plain C++ forward pass over a PortableNetwork: the low-latency path for one or a few rows,
// where LibTorch's per-operator dispatch would cost more than the arithmetic.
#pragma once

#include <span>
#include <vector>

#include "model/portable_network.h"

namespace vgsales {

class NativeForward {
 public:
  explicit NativeForward(const PortableNetwork& network);
  // rows: row-major [n][input_width] raw (encoded) features; out: n values in target units.
  void predict(std::span<const float> rows, std::span<float> out) const;
  std::int64_t input_width() const { return input_width_; }

 private:
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
};

}  // namespace vgsales
