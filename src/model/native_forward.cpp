// The native forward pass: scale, dense layers with ReLU, unscale. Loops the compiler vectorises.
#include "model/native_forward.h"

#include <algorithm>
#include <cmath>

namespace vgsales {

namespace {

// One row through one dense layer: the single-row path's hot loop. GCC emits an AVX2 clone (8 floats a step) and a
// portable one, and picks one once at load time, so the binary still runs on CPUs without AVX2.
__attribute__((target_clones("avx2", "default"))) void affine_row(const float* x, std::int64_t inputs,
                                                                   const float* weight_t, const float* bias,
                                                                   std::int64_t outputs, bool relu, float* out) {
  std::copy(bias, bias + outputs, out);
  for (std::int64_t i = 0; i < inputs; ++i) {
    const float xi = x[i];
    const float* w = weight_t + i * outputs;
    for (std::int64_t o = 0; o < outputs; ++o) out[o] += xi * w[o];
  }
  if (relu)
    for (std::int64_t o = 0; o < outputs; ++o) out[o] = std::max(out[o], 0.0f);
}

}  // namespace

NativeForward::NativeForward(const PortableNetwork& network)
    : input_width_(network.input_width()),
      widest_(network.input_width()),
      offset_(network.input_offset),
      scale_(network.input_scale),
      output_scale_(network.output_scale),
      output_offset_(network.output_offset),
      expm1_(network.target_transform == TargetTransform::log1p),
      layout_(layout_of(network)),
      parameters_(flatten_parameters(network)) {
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
  if (out.size() >= kGemmRows)
    predict_tiles(rows.data(), out.size(), out.data(), false);
  else
    predict_rows(rows.data(), out.size(), out.data(), false);
}

void NativeForward::predict_scaled(std::span<const float> rows, std::span<float> out) const {
  if (out.size() >= kGemmRows)
    predict_tiles(rows.data(), out.size(), out.data(), true);
  else
    predict_rows(rows.data(), out.size(), out.data(), true);
}

void NativeForward::predict_tiles(const float* rows, size_t n, float* out, bool scaled_output) const {
  // Tiles small enough that every layer's activations stay in L2, large enough that each GEMM is efficient.
  constexpr size_t kTileRows = 256;
  const size_t tile = std::min(n, kTileRows);
  DenseStackWorkspace workspace(layout_, static_cast<std::int64_t>(tile));
  std::vector<float> scaled(tile * static_cast<size_t>(input_width_));
  for (size_t first = 0; first < n; first += tile) {
    const size_t count = std::min(tile, n - first);
    const float* x = rows + first * input_width_;
    for (size_t r = 0; r < count; ++r)
      for (std::int64_t i = 0; i < input_width_; ++i)
        scaled[r * input_width_ + i] = (x[r * input_width_ + i] - offset_[i]) * scale_[i];
    dense_forward(layout_, parameters_.data(), scaled.data(), static_cast<std::int64_t>(count), workspace);
    const float* y = workspace.output();
    for (size_t r = 0; r < count; ++r) out[first + r] = to_output(y[r], scaled_output);
  }
}

void NativeForward::predict_rows(const float* rows, size_t n, float* out, bool scaled_output) const {
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
    const float* x = rows + r * input_width_;
    for (std::int64_t i = 0; i < input_width_; ++i) a[i] = (x[i] - offset_[i]) * scale_[i];
    for (const Layer& layer : layers_) {
      affine_row(a, layer.inputs, layer.weight_t.data(), layer.bias.data(), layer.outputs, layer.relu, b);
      std::swap(a, b);
    }
    out[r] = to_output(a[0], scaled_output);
  }
}

}  // namespace vgsales
