// A dense ReLU stack trained without autograd: every parameter in one flat buffer, a hand-written forward and
// backward pass over preallocated buffers (GEMMs through the system BLAS), and one fused Adam step over the buffer.
// For a network of a few thousand parameters LibTorch's per-operator dispatch and autograd bookkeeping cost more
// than the arithmetic; this removes both. LibTorch-free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/portable_network.h"

namespace vgsales {

// Shape of the stack and where each layer's parameters sit in the flat buffer: per layer the weight
// [outputs][inputs] (row-major, torch::nn::Linear's layout) followed by the bias [outputs], layers in order.
// The same order as LibTorch's parameters(): layers.0.weight, layers.0.bias, layers.1.weight, ...
class DenseStackLayout {
 public:
  // widths: input width, the hidden widths, the output width. ReLU after every layer but the last.
  explicit DenseStackLayout(std::vector<std::int64_t> widths);
  size_t layer_count() const { return widths_.size() - 1; }
  std::int64_t inputs(size_t layer) const { return widths_[layer]; }
  std::int64_t outputs(size_t layer) const { return widths_[layer + 1]; }
  std::int64_t widest() const;
  size_t weight_offset(size_t layer) const { return offsets_[layer]; }
  size_t bias_offset(size_t layer) const {
    return offsets_[layer] + static_cast<size_t>(inputs(layer) * outputs(layer));
  }
  size_t parameter_count() const { return offsets_.back(); }
  const std::vector<std::int64_t>& widths() const { return widths_; }

 private:
  std::vector<std::int64_t> widths_;
  std::vector<size_t> offsets_;  // layer_count() + 1 entries; the last is the total
};

DenseStackLayout layout_of(const PortableNetwork& network);
// The flat buffer of a network's weights and biases, in DenseStackLayout order.
std::vector<float> flatten_parameters(const PortableNetwork& network);
// `frame` with its layers replaced by the ones in `parameters`.
PortableNetwork unflatten_parameters(const PortableNetwork& frame, const DenseStackLayout& layout,
                                     const float* parameters);

// Buffers for batches of up to `capacity` rows; allocated once, reused for every batch.
struct DenseStackWorkspace {
  DenseStackWorkspace(const DenseStackLayout& layout, std::int64_t capacity);
  std::int64_t capacity;
  // Per layer, the output of the last forward pass (after ReLU for hidden layers), [rows][outputs(layer)].
  std::vector<std::vector<float>> activations;
  // Gradients w.r.t. one layer's pre-activation and the previous one's, [rows][widest].
  std::vector<float> delta, delta_previous;
  const float* output() const { return activations.back().data(); }
};

// Forward pass over `rows` rows of already-scaled inputs x [rows][inputs(0)] (rows <= capacity).
void dense_forward(const DenseStackLayout& layout, const float* parameters, const float* x, std::int64_t rows,
                   DenseStackWorkspace& workspace);

// Forward and backward for mean squared error against y [rows] on output column 0: writes d(loss)/d(parameters)
// into `gradient` (parameter_count() floats, overwritten) and returns that loss, as torch::mse_loss would. With a
// second output column (a median head), that column also learns the pinball loss at 0.5 against y, from the last
// hidden layer detached (no gradient of it reaches the hidden layers).
struct DenseBatch {
  const float* x;     // [rows][inputs(0)], already scaled
  const float* y;     // [rows], the scaled target
  std::int64_t rows;  // at most the workspace's capacity
};
double dense_mse_gradient(const DenseStackLayout& layout, const float* parameters, const DenseBatch& batch,
                          DenseStackWorkspace& workspace, float* gradient);

// Adam's moments for a flat parameter buffer.
struct AdamMoments {
  std::vector<float> exp_avg;
  std::vector<float> exp_avg_sq;
  std::int64_t step = 0;
};

struct AdamHyperparameters {
  double learning_rate = 0.001;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
};

// One Adam update of all parameters, with torch::optim::Adam's semantics (bias correction, eps added after the
// bias-corrected square root, no weight decay, no amsgrad). `moments` is sized on the first call.
void fused_adam_step(float* parameters, const float* gradient, size_t count, AdamMoments& moments,
                     const AdamHyperparameters& hyper);

// Threads the BLAS may use for one GEMM (OpenBLAS starts its own pool otherwise); a no-op without OpenBLAS.
void set_blas_threads(int threads);
// Whether GEMMs go through the system BLAS (else through the portable loops here).
bool blas_available();

// The sizes of a product C[m][n] = op(A)[m][k] * op(B)[k][n].
struct GemmShape {
  std::int64_t m, n, k;
};
// A row-major input matrix with its row stride (BLAS's leading dimension); op(A) is A transposed when `transposed`.
struct GemmOperand {
  const float* data;
  std::int64_t stride;
  bool transposed = false;
};
// The row-major output matrix with its row stride.
struct GemmOutput {
  float* data;
  std::int64_t stride;
};

// Row-major C[m][n] = alpha * op(A) * op(B) + beta * C.
void gemm_row_major(const GemmShape& shape, float alpha, const GemmOperand& a, const GemmOperand& b, float beta,
                    const GemmOutput& c);

}  // namespace vgsales
