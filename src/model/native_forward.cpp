// The native forward pass: scale, dense layers with ReLU, the members' mean, unscale. Loops the compiler vectorises.
#include "model/native_forward.h"

#include <algorithm>

namespace vgsales {

namespace {

// One dense layer as the single-row path reads it: weights transposed, [inputs][outputs].
struct RowLayer {
  const float* weight_t;
  const float* bias;
  std::int64_t inputs, outputs;
  bool relu;
};

// One row through one dense layer: the single-row path's hot loop. GCC emits an AVX2 clone (8 floats a step) and a
// portable one, and picks one once at load time, so the binary still runs on CPUs without AVX2.
__attribute__((target_clones("avx2", "default"))) void affine_row(const float* x, const RowLayer& layer, float* out) {
  const float* weight_t = layer.weight_t;
  const float* bias = layer.bias;
  const std::int64_t inputs = layer.inputs, outputs = layer.outputs;
  const bool relu = layer.relu;
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
      offset_(network.input_offset),
      scale_(network.input_scale),
      output_scale_(network.output_scale),
      output_offset_(network.output_offset),
      columns_(network.output_columns()),
      expm1_(network.target_transform == TargetTransform::log1p),
      output_min_(network.output_min),
      output_max_(network.output_max) {
  for (const DenseStack* dense_stack : network.stacks()) {
    PortableNetwork single;
    single.input_names = network.input_names;
    single.layers = *dense_stack;
    Stack stack{{}, layout_of(single), flatten_parameters(single), input_width_};
    for (const auto& dense : *dense_stack) {
      Layer layer{dense.input_size, dense.output_size, {}, dense.bias, dense.relu};
      layer.weight_t.resize(static_cast<size_t>(dense.input_size * dense.output_size));
      for (std::int64_t o = 0; o < dense.output_size; ++o)
        for (std::int64_t i = 0; i < dense.input_size; ++i)
          layer.weight_t[i * dense.output_size + o] = dense.weight[o * dense.input_size + i];
      stack.widest = std::max(stack.widest, dense.output_size);
      stack.layers.push_back(std::move(layer));
    }
    stacks_.push_back(std::move(stack));
  }
  for (const ShiftedOutput& shifted : network.shifted_outputs) {
    shifts_.push_back(shifted.output_offset);
    shift_columns_.push_back(shifted.source_column < columns_ ? shifted.source_column : 0);
  }
}

void NativeForward::predict_network_units(const float* rows, size_t n, float* out) const {
  if (stacks_.size() == 1) {
    n >= kGemmRows ? predict_tiles(stacks_[0], rows, n, out) : predict_rows(stacks_[0], rows, n, out);
    return;
  }
  // The members' mean, accumulated in the order the fused export's last layer sums them.
  const size_t values = n * static_cast<size_t>(columns_);
  std::fill(out, out + values, 0.0f);
  std::vector<float> member(values);
  const float share = 1.0f / static_cast<float>(stacks_.size());
  for (const Stack& stack : stacks_) {
    n >= kGemmRows ? predict_tiles(stack, rows, n, member.data()) : predict_rows(stack, rows, n, member.data());
    for (size_t i = 0; i < values; ++i) out[i] += share * member[i];
  }
}

void NativeForward::predict_mean_units(const float* rows, size_t n, float* out) const {
  if (columns_ == 1) {
    predict_network_units(rows, n, out);
    return;
  }
  std::vector<float> all(n * static_cast<size_t>(columns_));
  predict_network_units(rows, n, all.data());
  for (size_t r = 0; r < n; ++r) out[r] = all[r * static_cast<size_t>(columns_)];
}

void NativeForward::predict(std::span<const float> rows, std::span<float> out) const {
  predict_mean_units(rows.data(), out.size(), out.data());
  for (float& value : out) value = to_target(value, output_offset_);
}

void NativeForward::predict_scaled(std::span<const float> rows, std::span<float> out) const {
  predict_mean_units(rows.data(), out.size(), out.data());
}

void NativeForward::predict_estimates(std::span<const float> rows, const EstimateSpans& out) const {
  const size_t n = out.mean.size();
  const auto columns = static_cast<size_t>(columns_);
  std::vector<float> all(n * columns);
  predict_network_units(rows.data(), n, all.data());
  const bool intervals = has_interval() && out.median.size() == n && out.lower.size() == n && out.upper.size() == n;
  for (size_t r = 0; r < n; ++r) {
    const float* z = all.data() + r * columns;
    out.mean[r] = to_target(z[0], output_offset_);
    if (intervals) {
      out.median[r] = to_target(z[shift_columns_[0]], shifts_[0]);
      out.lower[r] = to_target(z[shift_columns_[1]], shifts_[1]);
      out.upper[r] = to_target(z[shift_columns_[2]], shifts_[2]);
    }
  }
}

void NativeForward::predict_tiles(const Stack& stack, const float* rows, size_t n, float* out) const {
  // Tiles small enough that every layer's activations stay in L2, large enough that each GEMM is efficient.
  const size_t tile = std::min(n, kTileRows);
  DenseStackWorkspace workspace(stack.layout, static_cast<std::int64_t>(tile));
  std::vector<float> scaled(tile * static_cast<size_t>(input_width_));
  for (size_t first = 0; first < n; first += tile) {
    const size_t count = std::min(tile, n - first);
    const float* x = rows + first * input_width_;
    for (size_t r = 0; r < count; ++r)
      for (std::int64_t i = 0; i < input_width_; ++i)
        scaled[r * input_width_ + i] = (x[r * input_width_ + i] - offset_[i]) * scale_[i];
    dense_forward(stack.layout, stack.parameters.data(), scaled.data(), static_cast<std::int64_t>(count), workspace);
    std::copy(workspace.output(), workspace.output() + count * columns_, out + first * columns_);
  }
}

void NativeForward::predict_rows(const Stack& stack, const float* rows, size_t n, float* out) const {
  // Two ping-pong buffers on the stack for typical widths; no allocation per call for small nets.
  constexpr std::int64_t kStackWidth = 512;
  float stack_a[kStackWidth], stack_b[kStackWidth];
  std::vector<float> heap_a, heap_b;
  float* a = stack_a;
  float* b = stack_b;
  if (stack.widest > kStackWidth) {
    heap_a.resize(stack.widest);
    heap_b.resize(stack.widest);
    a = heap_a.data();
    b = heap_b.data();
  }
  for (size_t r = 0; r < n; ++r) {
    const float* x = rows + r * input_width_;
    for (std::int64_t i = 0; i < input_width_; ++i) a[i] = (x[i] - offset_[i]) * scale_[i];
    for (const Layer& layer : stack.layers) {
      affine_row(a, {layer.weight_t.data(), layer.bias.data(), layer.inputs, layer.outputs, layer.relu}, b);
      std::swap(a, b);
    }
    std::copy(a, a + columns_, out + r * columns_);
  }
}

}  // namespace vgsales
