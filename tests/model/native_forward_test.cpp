// The native forward pass against model.pt (TorchScript written by `vgsales export` through its plugin, run by
// LibTorch) within 1e-5 relative, on the per-row path and on the tiled GEMM path, with and without log1p.
#include <gtest/gtest.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <random>

#include "model/model_directory.h"
#include "model/native_forward.h"
#include "model_fixtures.h"

namespace vgsales {
namespace {

std::vector<float> random_rows(size_t rows, std::int64_t width, std::uint32_t seed, float low, float high) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> uniform(low, high);
  std::vector<float> values(rows * static_cast<size_t>(width));
  for (auto& value : values) value = uniform(generator);
  return values;
}

// Rows like the sales data: ratings 2-5, prices 40-60, 0/1 flags; far outside them a prediction can land near
// zero dollars, where the unscaling's cancellation makes any float difference look large in relative terms.
std::vector<float> sales_rows(size_t rows, const std::vector<std::string>& names, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::vector<float> values;
  for (size_t r = 0; r < rows; ++r)
    for (const auto& name : names) {
      if (name == "critic_rating") values.push_back(2.0f + 3.0f * uniform(generator));
      else if (name == "unit_price") values.push_back(39.99f + 20.0f * uniform(generator));
      else values.push_back(uniform(generator) < 0.5f ? 0.0f : 1.0f);
    }
  return values;
}

void expect_close(const std::vector<float>& actual, const float* expected, size_t count) {
  for (size_t i = 0; i < count; ++i)
    ASSERT_NEAR(actual[i], expected[i], 1e-5f * std::max(1.0f, std::abs(expected[i]))) << "row " << i;
}

// Row counts on both sides of NativeForward::kGemmRows and of its 256-row tiles.
const size_t kRowCounts[] = {1, 3, NativeForward::kGemmRows - 1, NativeForward::kGemmRows, 17, 256, 1000};

TEST(NativeForward, MatchesTheTorchScriptModel) {
  testing::TemporaryDirectory dir;
  const auto report = testing::train_small_model(dir, "model", 3);
  auto model = load_model(report.model_dir);
  ASSERT_TRUE(model.ok()) << model.error().message;
  const NativeForward native(model->network);
  const auto exported = testing::run_command(testing::shell_quote(testing::vgsales_binary().string()) +
                                             " export --format torchscript --model " +
                                             testing::shell_quote(report.model_dir.string()) + " --out " +
                                             testing::shell_quote((dir / "exports").string()));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  torch::jit::Module module = torch::jit::load((dir / "exports" / "1" / kTorchScriptFileName).string());
  for (size_t rows : kRowCounts) {
    std::vector<float> x = sales_rows(rows, model->network.input_names, static_cast<std::uint32_t>(rows));
    std::vector<float> out(rows);
    native.predict(x, out);
    torch::NoGradGuard no_grad;
    torch::Tensor expected =
        module.forward({torch::from_blob(x.data(), {static_cast<std::int64_t>(rows), native.input_width()})})
            .toTensor()
            .contiguous()
            .view(-1);
    ASSERT_EQ(expected.numel(), static_cast<std::int64_t>(rows));
    expect_close(out, expected.data_ptr<float>(), rows);
  }
}

// The reference architecture with random weights, against the same arithmetic as LibTorch ops.
TEST(NativeForward, MatchesLibTorchOnTheReferenceArchitectureWithLog1p) {
  std::mt19937 generator(3);
  std::uniform_real_distribution<float> uniform(-0.3f, 0.3f);
  PortableNetwork network;
  const std::vector<std::int64_t> widths{9, 50, 100, 50, 1};
  for (std::int64_t i = 0; i < 9; ++i) {
    network.input_names.push_back("x" + std::to_string(i));
    network.input_offset.push_back(0.5f);
    network.input_scale.push_back(0.25f);
  }
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    DenseLayer layer{widths[l], widths[l + 1], {}, {}, l + 2 != widths.size()};
    for (std::int64_t i = 0; i < widths[l] * widths[l + 1]; ++i) layer.weight.push_back(uniform(generator));
    for (std::int64_t i = 0; i < widths[l + 1]; ++i) layer.bias.push_back(uniform(generator));
    network.layers.push_back(std::move(layer));
  }
  network.output_scale = 3.0f;
  network.output_offset = 10.0f;
  network.target_transform = TargetTransform::log1p;
  const NativeForward native(network);
  for (size_t rows : kRowCounts) {
    std::vector<float> x = random_rows(rows, 9, static_cast<std::uint32_t>(rows) + 100, 0.0f, 4.0f);
    std::vector<float> out(rows);
    native.predict(x, out);
    torch::NoGradGuard no_grad;
    torch::Tensor h = (torch::from_blob(x.data(), {static_cast<std::int64_t>(rows), 9}) -
                       torch::from_blob(network.input_offset.data(), {9})) *
                      torch::from_blob(network.input_scale.data(), {9});
    for (auto& layer : network.layers) {
      h = torch::addmm(torch::from_blob(layer.bias.data(), {layer.output_size}), h,
                       torch::from_blob(layer.weight.data(), {layer.output_size, layer.input_size}).t());
      if (layer.relu) h = torch::relu(h);
    }
    torch::Tensor expected = torch::expm1(h * network.output_scale + network.output_offset).contiguous().view(-1);
    expect_close(out, expected.data_ptr<float>(), rows);
  }
}

// A batch split at multiples of the tile (the CLI's 4,096-row batches, the web page's 2,048-row requests) gives
// every row the very same float as the whole batch does, an ensemble with a partial last tile included.
TEST(NativeForward, BatchesSplitAtTileMultiplesGiveTheSameNumbersBitForBit) {
  std::mt19937 generator(5);
  std::uniform_real_distribution<float> uniform(-0.3f, 0.3f);
  PortableNetwork network;
  const std::vector<std::int64_t> widths{40, 50, 100, 50, 1};
  for (std::int64_t i = 0; i < widths.front(); ++i) {
    network.input_names.push_back("x" + std::to_string(i));
    network.input_offset.push_back(0.5f);
    network.input_scale.push_back(0.25f);
  }
  std::vector<DenseStack> members(3);
  for (DenseStack& member : members)
    for (size_t l = 0; l + 1 < widths.size(); ++l) {
      DenseLayer layer{widths[l], widths[l + 1], {}, {}, l + 2 != widths.size()};
      for (std::int64_t i = 0; i < widths[l] * widths[l + 1]; ++i) layer.weight.push_back(uniform(generator));
      for (std::int64_t i = 0; i < widths[l + 1]; ++i) layer.bias.push_back(uniform(generator));
      member.push_back(std::move(layer));
    }
  set_members(network, std::move(members));
  network.output_scale = 3.0f;
  network.output_offset = 1.0f;
  network.target_transform = TargetTransform::log1p;
  const NativeForward native(network);
  const size_t rows = 5 * NativeForward::kTileRows + 214;  // a partial last tile, as in the real sales table
  const std::vector<float> x = random_rows(rows, widths.front(), 11, 0.0f, 4.0f);
  std::vector<float> whole(rows);
  native.predict(x, whole);
  for (size_t piece : {NativeForward::kTileRows, 2 * NativeForward::kTileRows, 4 * NativeForward::kTileRows}) {
    std::vector<float> pieces(rows);
    for (size_t first = 0; first < rows; first += piece) {
      const size_t count = std::min(piece, rows - first);
      const std::span<const float> part(x.data() + first * static_cast<size_t>(widths.front()),
                                        count * static_cast<size_t>(widths.front()));
      native.predict(part, std::span<float>(pieces.data() + first, count));
    }
    for (size_t r = 0; r < rows; ++r) ASSERT_EQ(pieces[r], whole[r]) << "row " << r << " in pieces of " << piece;
  }
}

}  // namespace
}  // namespace vgsales
