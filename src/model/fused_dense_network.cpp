// The fused dense stack: forward, backward and Adam over one flat parameter buffer, no allocation per batch.
#include "model/fused_dense_network.h"

#include <dlfcn.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace vgsales {

namespace {

// The CBLAS entry points, resolved at run time from the system BLAS (Debian: libblas.so.3, which the alternatives
// system points at OpenBLAS when libopenblas0 is installed). No link dependency: a serving machine without a BLAS
// still runs, and the portable loops below compute the same products there, only slower for large batches.
using SgemmFunction = void (*)(int order, int transpose_a, int transpose_b, int m, int n, int k, float alpha,
                               const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc);
using SetThreadsFunction = void (*)(int);
constexpr int kCblasRowMajor = 101, kCblasNoTrans = 111, kCblasTrans = 112;  // cblas.h's enum values

struct BlasEntryPoints {
  SgemmFunction sgemm = nullptr;
  SetThreadsFunction set_threads = nullptr;
  BlasEntryPoints() {
    void* library = RTLD_DEFAULT;
    if (!dlsym(library, "cblas_sgemm")) {
      for (const char* name : {"libblas.so.3", "libopenblas.so.0"})
        if ((library = dlopen(name, RTLD_NOW | RTLD_LOCAL))) break;
      if (!library) return;
    }
    sgemm = reinterpret_cast<SgemmFunction>(dlsym(library, "cblas_sgemm"));
    set_threads = reinterpret_cast<SetThreadsFunction>(dlsym(library, "openblas_set_num_threads"));
  }
};

const BlasEntryPoints& blas() {
  static const BlasEntryPoints entry_points;
  return entry_points;
}

// The same product without a BLAS, accumulated over k for each row of C.
void portable_gemm(const GemmShape& shape, float alpha, const GemmOperand& a, const GemmOperand& b, float beta,
                   const GemmOutput& c) {
  const std::int64_t m = shape.m, n = shape.n, k = shape.k;
  const std::int64_t lda = a.stride, ldb = b.stride, ldc = c.stride;
  for (std::int64_t i = 0; i < m; ++i) {
    float* row = c.data + i * ldc;
    for (std::int64_t j = 0; j < n; ++j) row[j] = beta == 0.0f ? 0.0f : beta * row[j];
    for (std::int64_t p = 0; p < k; ++p) {
      const float a_ip = alpha * (a.transposed ? a.data[p * lda + i] : a.data[i * lda + p]);
      if (b.transposed) {
        for (std::int64_t j = 0; j < n; ++j) row[j] += a_ip * b.data[j * ldb + p];
      } else {
        const float* b_row = b.data + p * ldb;
        for (std::int64_t j = 0; j < n; ++j) row[j] += a_ip * b_row[j];
      }
    }
  }
}

}  // namespace

void gemm_row_major(const GemmShape& shape, float alpha, const GemmOperand& a, const GemmOperand& b, float beta,
                    const GemmOutput& c) {
  if (shape.m == 0 || shape.n == 0) return;
  if (const auto sgemm = blas().sgemm) {
    sgemm(kCblasRowMajor, a.transposed ? kCblasTrans : kCblasNoTrans, b.transposed ? kCblasTrans : kCblasNoTrans,
          static_cast<int>(shape.m), static_cast<int>(shape.n), static_cast<int>(shape.k), alpha, a.data,
          static_cast<int>(a.stride), b.data, static_cast<int>(b.stride), beta, c.data, static_cast<int>(c.stride));
    return;
  }
  portable_gemm(shape, alpha, a, b, beta, c);
}

void set_blas_threads(int threads) {
  if (const auto set_threads = blas().set_threads) set_threads(std::max(1, threads));
}

bool blas_available() { return blas().sgemm != nullptr; }

DenseStackLayout::DenseStackLayout(std::vector<std::int64_t> widths) : widths_(std::move(widths)) {
  offsets_.push_back(0);
  for (size_t layer = 0; layer + 1 < widths_.size(); ++layer)
    offsets_.push_back(offsets_.back() + static_cast<size_t>(widths_[layer] * widths_[layer + 1] + widths_[layer + 1]));
}

std::int64_t DenseStackLayout::widest() const { return *std::max_element(widths_.begin(), widths_.end()); }

DenseStackLayout layout_of(const PortableNetwork& network) {
  std::vector<std::int64_t> widths{network.input_width()};
  for (const auto& layer : network.layers) widths.push_back(layer.output_size);
  return DenseStackLayout(std::move(widths));
}

std::vector<float> flatten_parameters(const PortableNetwork& network) {
  std::vector<float> flat;
  flat.reserve(static_cast<size_t>(network.parameter_count()));
  for (const auto& layer : network.layers) {
    flat.insert(flat.end(), layer.weight.begin(), layer.weight.end());
    flat.insert(flat.end(), layer.bias.begin(), layer.bias.end());
  }
  return flat;
}

PortableNetwork unflatten_parameters(const PortableNetwork& frame, const DenseStackLayout& layout,
                                     const float* parameters) {
  PortableNetwork network = frame;
  network.layers.clear();
  for (size_t l = 0; l < layout.layer_count(); ++l) {
    DenseLayer layer;
    layer.input_size = layout.inputs(l);
    layer.output_size = layout.outputs(l);
    const float* weight = parameters + layout.weight_offset(l);
    const float* bias = parameters + layout.bias_offset(l);
    layer.weight.assign(weight, weight + layer.input_size * layer.output_size);
    layer.bias.assign(bias, bias + layer.output_size);
    layer.relu = l + 1 != layout.layer_count();
    network.layers.push_back(std::move(layer));
  }
  return network;
}

DenseStackWorkspace::DenseStackWorkspace(const DenseStackLayout& layout, std::int64_t rows) : capacity(rows) {
  for (size_t l = 0; l < layout.layer_count(); ++l)
    activations.emplace_back(static_cast<size_t>(rows * layout.outputs(l)));
  delta.resize(static_cast<size_t>(rows * layout.widest()));
  delta_previous.resize(delta.size());
}

void dense_forward(const DenseStackLayout& layout, const float* parameters, const float* x, std::int64_t rows,
                   DenseStackWorkspace& workspace) {
  const float* input = x;
  for (size_t l = 0; l < layout.layer_count(); ++l) {
    const std::int64_t inputs = layout.inputs(l), outputs = layout.outputs(l);
    const float* weight = parameters + layout.weight_offset(l);
    const float* bias = parameters + layout.bias_offset(l);
    float* out = workspace.activations[l].data();
    if (outputs == 1) {
      // A single output is a dot product per row; a GEMM call would cost more than it computes.
      for (std::int64_t r = 0; r < rows; ++r) {
        const float* row = input + r * inputs;
        float sum = 0.0f;
        for (std::int64_t i = 0; i < inputs; ++i) sum += row[i] * weight[i];
        out[r] = sum + bias[0];
      }
    } else {
      for (std::int64_t r = 0; r < rows; ++r) std::copy(bias, bias + outputs, out + r * outputs);
      gemm_row_major({rows, outputs, inputs}, 1.0f, {input, inputs}, {weight, inputs, true}, 1.0f, {out, outputs});
    }
    if (l + 1 != layout.layer_count())
      for (std::int64_t i = 0; i < rows * outputs; ++i) out[i] = std::max(out[i], 0.0f);
    input = out;
  }
}

double dense_mse_gradient(const DenseStackLayout& layout, const float* parameters, const DenseBatch& batch,
                          DenseStackWorkspace& workspace, float* gradient) {
  const float* x = batch.x;
  const float* y = batch.y;
  const std::int64_t rows = batch.rows;
  dense_forward(layout, parameters, x, rows, workspace);
  const float* prediction = workspace.output();
  const std::int64_t columns = layout.outputs(layout.layer_count() - 1);
  // d(mean((p - y)^2))/dp = 2 (p - y) / rows, as torch's mse_loss backward computes it.
  const float scale = 2.0f / static_cast<float>(rows);
  // The median head's pinball loss at 0.5, mean(max(0.5 e, -0.5 e)) with e = y - p: d/dp = -0.5/rows above the
  // target's side, +0.5/rows below it.
  const float half_step = 0.5f / static_cast<float>(rows);
  double loss = 0;
  float* delta = workspace.delta.data();
  for (std::int64_t r = 0; r < rows; ++r) {
    const float difference = prediction[r * columns] - y[r];
    loss += static_cast<double>(difference) * difference;
    delta[r * columns] = scale * difference;
    if (columns == 2) {
      const float error = y[r] - prediction[r * columns + 1];
      delta[r * columns + 1] = error > 0.0f ? -half_step : (error < 0.0f ? half_step : 0.0f);
    }
  }
  float* delta_previous = workspace.delta_previous.data();
  for (size_t l = layout.layer_count(); l-- > 0;) {
    const std::int64_t inputs = layout.inputs(l), outputs = layout.outputs(l);
    const float* input = l == 0 ? x : workspace.activations[l - 1].data();
    const float* weight = parameters + layout.weight_offset(l);
    float* weight_gradient = gradient + layout.weight_offset(l);
    float* bias_gradient = gradient + layout.bias_offset(l);
    // dW = delta^T . input; db = column sums of delta.
    gemm_row_major({outputs, inputs, rows}, 1.0f, {delta, outputs, true}, {input, inputs}, 0.0f,
                   {weight_gradient, inputs});
    std::fill(bias_gradient, bias_gradient + outputs, 0.0f);
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t o = 0; o < outputs; ++o) bias_gradient[o] += delta[r * outputs + o];
    if (l == 0) break;
    // The median head is detached: its gradient stops at its own weights, so the hidden layers (and the mean) learn
    // exactly what they would without it.
    if (l + 1 == layout.layer_count() && columns == 2)
      for (std::int64_t r = 0; r < rows; ++r) delta[r * columns + 1] = 0.0f;
    // The previous layer's delta: (delta . W) where its ReLU was active (its output > 0).
    gemm_row_major({rows, inputs, outputs}, 1.0f, {delta, outputs}, {weight, inputs}, 0.0f, {delta_previous, inputs});
    // A select, not a branch: the mask is data-dependent and a mispredicted branch per element costs more than
    // the GEMMs around it.
    for (std::int64_t i = 0; i < rows * inputs; ++i) delta_previous[i] = input[i] > 0.0f ? delta_previous[i] : 0.0f;
    std::swap(delta, delta_previous);
  }
  return loss / static_cast<double>(rows);
}

namespace {

struct AdamScalars {
  float beta1, one_minus_beta1, beta2, one_minus_beta2, inverse_root_correction2, eps, negative_step;
};

// One parameter's update; the vector loops below do exactly these operations, lane by lane.
inline void adam_update_one(float& parameter, float g, float& exp_avg, float& exp_avg_sq, const AdamScalars& s) {
  exp_avg = exp_avg * s.beta1 + s.one_minus_beta1 * g;
  exp_avg_sq = exp_avg_sq * s.beta2 + s.one_minus_beta2 * g * g;
  const float denominator = std::sqrt(exp_avg_sq) * s.inverse_root_correction2 + s.eps;
  parameter = parameter + s.negative_step * (exp_avg / denominator);
}

// Explicit vectors because GCC will not vectorise std::sqrt while it may have to set errno.
__attribute__((target("avx2"))) void adam_update_avx2(float* p, const float* g, float* m, float* v, size_t count,
                                                      const AdamScalars& s) {
  const __m256 beta1 = _mm256_set1_ps(s.beta1), one_minus_beta1 = _mm256_set1_ps(s.one_minus_beta1);
  const __m256 beta2 = _mm256_set1_ps(s.beta2), one_minus_beta2 = _mm256_set1_ps(s.one_minus_beta2);
  const __m256 root = _mm256_set1_ps(s.inverse_root_correction2), eps = _mm256_set1_ps(s.eps);
  const __m256 step = _mm256_set1_ps(s.negative_step);
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m256 gi = _mm256_loadu_ps(g + i);
    const __m256 mi = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(m + i), beta1), _mm256_mul_ps(one_minus_beta1, gi));
    const __m256 vi = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(v + i), beta2),
                                    _mm256_mul_ps(_mm256_mul_ps(one_minus_beta2, gi), gi));
    const __m256 denominator = _mm256_add_ps(_mm256_mul_ps(_mm256_sqrt_ps(vi), root), eps);
    _mm256_storeu_ps(m + i, mi);
    _mm256_storeu_ps(v + i, vi);
    _mm256_storeu_ps(p + i, _mm256_add_ps(_mm256_loadu_ps(p + i), _mm256_mul_ps(step, _mm256_div_ps(mi, denominator))));
  }
  for (; i < count; ++i) adam_update_one(p[i], g[i], m[i], v[i], s);
}

void adam_update_sse2(float* p, const float* g, float* m, float* v, size_t count, const AdamScalars& s) {
  const __m128 beta1 = _mm_set1_ps(s.beta1), one_minus_beta1 = _mm_set1_ps(s.one_minus_beta1);
  const __m128 beta2 = _mm_set1_ps(s.beta2), one_minus_beta2 = _mm_set1_ps(s.one_minus_beta2);
  const __m128 root = _mm_set1_ps(s.inverse_root_correction2), eps = _mm_set1_ps(s.eps);
  const __m128 step = _mm_set1_ps(s.negative_step);
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const __m128 gi = _mm_loadu_ps(g + i);
    const __m128 mi = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(m + i), beta1), _mm_mul_ps(one_minus_beta1, gi));
    const __m128 vi =
        _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(v + i), beta2), _mm_mul_ps(_mm_mul_ps(one_minus_beta2, gi), gi));
    const __m128 denominator = _mm_add_ps(_mm_mul_ps(_mm_sqrt_ps(vi), root), eps);
    _mm_storeu_ps(m + i, mi);
    _mm_storeu_ps(v + i, vi);
    _mm_storeu_ps(p + i, _mm_add_ps(_mm_loadu_ps(p + i), _mm_mul_ps(step, _mm_div_ps(mi, denominator))));
  }
  for (; i < count; ++i) adam_update_one(p[i], g[i], m[i], v[i], s);
}

}  // namespace

void fused_adam_step(float* parameters, const float* gradient, size_t count, AdamMoments& moments,
                     const AdamHyperparameters& hyper) {
  if (moments.exp_avg.size() != count) {
    moments.exp_avg.assign(count, 0.0f);
    moments.exp_avg_sq.assign(count, 0.0f);
  }
  moments.step += 1;
  // The same operations, in the same order and precision, as torch::optim::Adam::step (LibTorch 1.13).
  const double bias_correction1 = 1 - std::pow(hyper.beta1, static_cast<double>(moments.step));
  const double bias_correction2 = 1 - std::pow(hyper.beta2, static_cast<double>(moments.step));
  const AdamScalars scalars{static_cast<float>(hyper.beta1),
                            static_cast<float>(1 - hyper.beta1),
                            static_cast<float>(hyper.beta2),
                            static_cast<float>(1 - hyper.beta2),
                            static_cast<float>(1 / std::sqrt(bias_correction2)),
                            static_cast<float>(hyper.eps),
                            static_cast<float>(-(hyper.learning_rate / bias_correction1))};
  static const bool avx2 = __builtin_cpu_supports("avx2");
  (avx2 ? adam_update_avx2 : adam_update_sse2)(parameters, gradient, moments.exp_avg.data(), moments.exp_avg_sq.data(),
                                               count, scalars);
}

}  // namespace vgsales
