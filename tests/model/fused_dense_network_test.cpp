// The fused dense stack against LibTorch: gradients against autograd, the Adam step against torch::optim::Adam,
// the GEMM wrapper against a plain triple loop.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <random>

#include "model/fused_dense_network.h"

namespace vgsales {
namespace {

std::vector<float> random_values(size_t count, std::uint32_t seed, float low = -1.0f, float high = 1.0f) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> distribution(low, high);
  std::vector<float> values(count);
  for (auto& value : values) value = distribution(generator);
  return values;
}

torch::Tensor view(std::vector<float>& values, std::vector<std::int64_t> shape) {
  return torch::from_blob(values.data(), shape);
}

// Loss and gradient of the same network and batch through autograd, flattened in DenseStackLayout order.
std::pair<double, std::vector<float>> autograd_gradient(const DenseStackLayout& layout, std::vector<float> parameters,
                                                        std::vector<float> x, std::vector<float> y, std::int64_t rows) {
  std::vector<torch::Tensor> leaves;
  torch::Tensor h = view(x, {rows, layout.inputs(0)});
  for (size_t l = 0; l < layout.layer_count(); ++l) {
    auto weight = torch::from_blob(parameters.data() + layout.weight_offset(l), {layout.outputs(l), layout.inputs(l)})
                      .clone()
                      .requires_grad_(true);
    auto bias =
        torch::from_blob(parameters.data() + layout.bias_offset(l), {layout.outputs(l)}).clone().requires_grad_(true);
    leaves.push_back(weight);
    leaves.push_back(bias);
    h = torch::nn::functional::linear(h, weight, bias);
    if (l + 1 != layout.layer_count()) h = torch::relu(h);
  }
  auto loss = torch::mse_loss(h, view(y, {rows, 1}));
  loss.backward();
  std::vector<float> gradient;
  for (const auto& leaf : leaves) {
    auto g = leaf.grad().contiguous().view(-1);
    gradient.insert(gradient.end(), g.data_ptr<float>(), g.data_ptr<float>() + g.numel());
  }
  return {loss.item<double>(), gradient};
}

void expect_gradients_match(const std::vector<std::int64_t>& widths, std::int64_t rows, std::uint32_t seed) {
  const DenseStackLayout layout(widths);
  std::vector<float> parameters = random_values(layout.parameter_count(), seed, -0.3f, 0.3f);
  std::vector<float> x = random_values(static_cast<size_t>(rows * widths.front()), seed + 1, 0.0f, 1.0f);
  std::vector<float> y = random_values(static_cast<size_t>(rows), seed + 2, 0.0f, 1.0f);
  DenseStackWorkspace workspace(layout, rows);
  std::vector<float> gradient(layout.parameter_count(), 123.0f);  // stale values must be overwritten
  const double loss =
      dense_mse_gradient(layout, parameters.data(), {x.data(), y.data(), rows}, workspace, gradient.data());
  const auto [expected_loss, expected_gradient] = autograd_gradient(layout, parameters, x, y, rows);
  EXPECT_NEAR(loss, expected_loss, 1e-6 * std::max(1.0, expected_loss));
  ASSERT_EQ(gradient.size(), expected_gradient.size());
  float largest = 0;
  for (float g : expected_gradient) largest = std::max(largest, std::abs(g));
  for (size_t i = 0; i < gradient.size(); ++i)
    ASSERT_NEAR(gradient[i], expected_gradient[i], 1e-5f * largest + 1e-7f) << "parameter " << i;
}

TEST(FusedDenseNetwork, GradientsMatchAutogradOnTheReferenceArchitecture) {
  expect_gradients_match({9, 50, 100, 50, 1}, 32, 7);
}

TEST(FusedDenseNetwork, GradientsMatchAutogradOnAPartialBatchAndOddWidths) {
  expect_gradients_match({3, 7, 1}, 5, 11);
  expect_gradients_match({13, 1}, 1, 12);  // no hidden layer
  expect_gradients_match({4, 64, 33, 1}, 17, 13);
}

TEST(FusedDenseNetwork, ForwardMatchesLibTorch) {
  const DenseStackLayout layout({9, 50, 100, 50, 1});
  std::vector<float> parameters = random_values(layout.parameter_count(), 21, -0.3f, 0.3f);
  const std::int64_t rows = 1000;
  std::vector<float> x = random_values(static_cast<size_t>(rows * 9), 22, 0.0f, 1.0f);
  DenseStackWorkspace workspace(layout, rows);
  dense_forward(layout, parameters.data(), x.data(), rows, workspace);
  torch::Tensor h = view(x, {rows, 9});
  for (size_t l = 0; l < layout.layer_count(); ++l) {
    h = torch::nn::functional::linear(h,
                                      torch::from_blob(parameters.data() + layout.weight_offset(l),
                                                       {layout.outputs(l), layout.inputs(l)}),
                                      torch::from_blob(parameters.data() + layout.bias_offset(l), {layout.outputs(l)}));
    if (l + 1 != layout.layer_count()) h = torch::relu(h);
    auto expected = h.contiguous();
    for (std::int64_t i = 0; i < rows * layout.outputs(l); ++i)
      ASSERT_NEAR(workspace.activations[l][i], expected.data_ptr<float>()[i], 1e-5f) << "layer " << l;
  }
}

TEST(FusedDenseNetwork, AdamMatchesTorchOptimAdam) {
  const size_t count = 1000;
  std::vector<float> parameters = random_values(count, 31);
  torch::Tensor reference =
      torch::from_blob(parameters.data(), {static_cast<std::int64_t>(count)}).clone().requires_grad_(true);
  torch::optim::Adam optimizer({reference}, torch::optim::AdamOptions(0.01));
  AdamMoments moments;
  for (int step = 0; step < 20; ++step) {
    std::vector<float> gradient = random_values(count, 100 + step, -2.0f, 2.0f);
    if (step == 3) std::fill(gradient.begin(), gradient.end(), 0.0f);  // a zero gradient: eps matters
    reference.mutable_grad() = torch::from_blob(gradient.data(), {static_cast<std::int64_t>(count)}).clone();
    optimizer.step();
    fused_adam_step(parameters.data(), gradient.data(), count, moments, AdamHyperparameters{0.01});
  }
  EXPECT_EQ(moments.step, 20);
  const float* expected = reference.data_ptr<float>();
  for (size_t i = 0; i < count; ++i)
    ASSERT_NEAR(parameters[i], expected[i], 1e-6f * std::max(1.0f, std::abs(expected[i])));
}

TEST(FusedDenseNetwork, GemmMatchesAPlainLoopForEveryTransposition) {
  const std::int64_t m = 7, n = 5, k = 9;
  for (bool transpose_a : {false, true}) {
    for (bool transpose_b : {false, true}) {
      std::vector<float> a = random_values(static_cast<size_t>(m * k), 41),
                         b = random_values(static_cast<size_t>(k * n), 42);
      std::vector<float> c = random_values(static_cast<size_t>(m * n), 43), expected = c;
      gemm_row_major({m, n, k}, 0.5f, {a.data(), transpose_a ? m : k, transpose_a},
                     {b.data(), transpose_b ? k : n, transpose_b}, 2.0f, {c.data(), n});
      for (std::int64_t i = 0; i < m; ++i)
        for (std::int64_t j = 0; j < n; ++j) {
          float sum = 0;
          for (std::int64_t p = 0; p < k; ++p)
            sum += (transpose_a ? a[p * m + i] : a[i * k + p]) * (transpose_b ? b[j * k + p] : b[p * n + j]);
          expected[i * n + j] = 0.5f * sum + 2.0f * expected[i * n + j];
        }
      for (size_t i = 0; i < c.size(); ++i) ASSERT_NEAR(c[i], expected[i], 1e-5f);
    }
  }
}

TEST(FusedDenseNetwork, FlattenAndUnflattenRoundTrip) {
  PortableNetwork frame;
  frame.input_names = {"a", "b"};
  const DenseStackLayout layout({2, 3, 1});
  std::vector<float> parameters = random_values(layout.parameter_count(), 51);
  const PortableNetwork network = unflatten_parameters(frame, layout, parameters.data());
  ASSERT_EQ(network.layers.size(), 2u);
  EXPECT_TRUE(network.layers[0].relu);
  EXPECT_FALSE(network.layers[1].relu);
  EXPECT_EQ(flatten_parameters(network), parameters);
  EXPECT_EQ(layout_of(network).widths(), layout.widths());
}

TEST(FusedDenseNetwork, UsesTheSystemBlas) { EXPECT_TRUE(blas_available()); }

}  // namespace
}  // namespace vgsales
