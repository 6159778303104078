// The native forward pass: scale, dense layers with ReLU, unscale. Loops the compiler vectorises.
#include "model/native_forward.h"

#include <algorithm>
#include <cmath>

namespace vgsales {

NativeForward::NativeForward(const PortableNetwork& network)
    : input_width_(network.input_width()),
      widest_(network.input_width()),
      offset_(network.input_offset),
      scale_(network.input_scale),
      output_scale_(network.output_scale),
      output_offset_(network.output_offset),
      expm1_(network.target_transform == TargetTransform::log1p) {
  for (const auto& dense : network.layers) {
    Layer layer{dense.input_size, dense.output_size, {}, dense.bias, dense.relu};
    layer.weight_t.resize(static_cast<size_t>(dense.input_size * dense.output_size));
    for (std::int64_t o = 0; o < dense.output_size; ++o)
      for (std::int64_t i = 0; i < dense.input_size; ++i)
        layer.weight_t[i * dense.output_size + o] = dense.weight[o * dense.input_size + i];
    widest_ = std::max(widest_, dense.output_size);
    layers_.push_back(std::move(layer));
  }
}

void NativeForward::predict(std::span<const float> rows, std::span<float> out) const {
  const size_t n = out.size();
  // Two ping-pong buffers on the stack for typical widths; no allocation per call for small nets.
  constexpr std::int64_t kStackWidth = 512;
  float stack_a[kStackWidth], stack_b[kStackWidth];
  std::vector<float> heap_a, heap_b;
  float* a = stack_a;
  float* b = stack_b;
  if (widest_ > kStackWidth) {
    heap_a.resize(widest_);
    heap_b.resize(widest_);
    a = heap_a.data();
    b = heap_b.data();
  }
  for (size_t r = 0; r < n; ++r) {
    const float* x = rows.data() + r * input_width_;
    for (std::int64_t i = 0; i < input_width_; ++i) a[i] = (x[i] - offset_[i]) * scale_[i];
    for (const Layer& layer : layers_) {
      const std::int64_t outputs = layer.outputs;
      std::copy(layer.bias.begin(), layer.bias.end(), b);
      for (std::int64_t i = 0; i < layer.inputs; ++i) {
        const float xi = a[i];
        const float* w = layer.weight_t.data() + i * outputs;
        for (std::int64_t o = 0; o < outputs; ++o) b[o] += xi * w[o];
      }
      if (layer.relu)
        for (std::int64_t o = 0; o < outputs; ++o) b[o] = std::max(b[o], 0.0f);
      std::swap(a, b);
    }
    float y = a[0] * output_scale_ + output_offset_;
    if (expm1_) y = std::expm1(y);
    out[r] = y;
  }
}

}  // namespace vgsales
