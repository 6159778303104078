// Tests for src/model/portable_network.cpp: an ensemble fused into one dense stack, the frame a pipeline defines,
// and the names every view gives the layers.
#include <gtest/gtest.h>

#include <algorithm>

#include "model/portable_network.h"

namespace vgsales {
namespace {

DenseLayer layer(std::int64_t inputs, std::int64_t outputs, std::vector<float> weight, std::vector<float> bias,
                 bool relu) {
  return DenseLayer{inputs, outputs, std::move(weight), std::move(bias), relu};
}

// A 2 -> 2 -> 1 member whose numbers start at `base`.
DenseStack member(float base) {
  return {layer(2, 2, {base, base + 1, base + 2, base + 3}, {base + 4, base + 5}, true),
          layer(2, 1, {base + 6, base + 7}, {base + 8}, false)};
}

// The fused stack's output for one row, computed plainly.
float run(const DenseStack& stack, std::vector<float> x) {
  for (const DenseLayer& dense : stack) {
    std::vector<float> y(static_cast<size_t>(dense.output_size));
    for (std::int64_t o = 0; o < dense.output_size; ++o) {
      float sum = dense.bias[o];
      for (std::int64_t i = 0; i < dense.input_size; ++i) sum += dense.weight[o * dense.input_size + i] * x[i];
      y[o] = dense.relu ? std::max(sum, 0.0f) : sum;
    }
    x = std::move(y);
  }
  return x[0];
}

TEST(PortableNetwork, OneMemberIsTheNetworkItself) {
  PortableNetwork network;
  network.input_names = {"a", "b"};
  set_members(network, {member(1)});
  EXPECT_TRUE(network.members.empty());
  ASSERT_EQ(network.layers.size(), 2u);
  EXPECT_EQ(network.layers[0].weight, (std::vector<float>{1, 2, 3, 4}));
  ASSERT_EQ(network.stacks().size(), 1u);
  EXPECT_EQ(network.stacks()[0], &network.layers);
  EXPECT_EQ(network.parameter_count(), 4 + 2 + 2 + 1);
  EXPECT_EQ(network.input_width(), 2);
  EXPECT_EQ(network.output_columns(), 1);
}

TEST(PortableNetwork, MembersFuseSideBySideAndAverage) {
  PortableNetwork network;
  network.input_names = {"a", "b"};
  set_members(network, {member(1), member(10)});
  ASSERT_EQ(network.members.size(), 2u);
  ASSERT_EQ(network.stacks().size(), 2u);
  EXPECT_EQ(network.parameter_count(), 2 * 9);  // the members' parameters, not the fused zeros
  ASSERT_EQ(network.layers.size(), 2u);
  const DenseLayer& first = network.layers[0];
  EXPECT_EQ(first.input_size, 2);
  EXPECT_EQ(first.output_size, 4);  // the members' rows stacked: both read the same inputs
  EXPECT_EQ(first.weight, (std::vector<float>{1, 2, 3, 4, 10, 11, 12, 13}));
  EXPECT_EQ(first.bias, (std::vector<float>{5, 6, 14, 15}));
  EXPECT_TRUE(first.relu);
  const DenseLayer& last = network.layers[1];
  EXPECT_EQ(last.input_size, 4);
  EXPECT_EQ(last.output_size, 1);  // the output layer averages
  EXPECT_EQ(last.weight, (std::vector<float>{0.5f * 7, 0.5f * 8, 0.5f * 16, 0.5f * 17}));
  EXPECT_FLOAT_EQ(last.bias[0], 0.5f * 9 + 0.5f * 18);
  EXPECT_FALSE(last.relu);
  for (const std::vector<float>& x : {std::vector<float>{0.5f, -1.0f}, std::vector<float>{-3.0f, 2.0f}})
    EXPECT_FLOAT_EQ(run(network.layers, x), 0.5f * run(member(1), x) + 0.5f * run(member(10), x));
  // Fusing again from one member undoes the ensemble.
  set_members(network, {member(2)});
  EXPECT_TRUE(network.members.empty());
  EXPECT_EQ(network.layers[0].output_size, 2);
}

TEST(PortableNetwork, HiddenLayersOfMembersAreBlockDiagonal) {
  // 1 -> 2 -> 2 -> 1 members: the middle layer of the fused stack keeps each member to its own units.
  auto deep = [](float w) {
    return DenseStack{layer(1, 2, {w, w}, {0, 0}, true), layer(2, 2, {w, 0, 0, w}, {1, 1}, true),
                      layer(2, 1, {1, 1}, {0}, false)};
  };
  PortableNetwork network;
  set_members(network, {deep(1), deep(2), deep(3)});
  const DenseLayer& middle = network.layers[1];
  ASSERT_EQ(middle.input_size, 6);
  ASSERT_EQ(middle.output_size, 6);
  for (std::int64_t o = 0; o < 6; ++o)
    for (std::int64_t i = 0; i < 6; ++i) {
      const bool same_member = o / 2 == i / 2;
      const float expected = same_member && o % 2 == i % 2 ? static_cast<float>(o / 2 + 1) : 0.0f;
      EXPECT_EQ(middle.weight[o * 6 + i], expected) << o << "," << i;
    }
  EXPECT_EQ(network.layers[2].input_size, 6);
  EXPECT_EQ(network.layers[2].output_size, 1);
}

TEST(PortableNetwork, FrameComesFromThePipeline) {
  FeatureSpec price;
  price.name = "price";
  price.missing_indicator = true;
  FeaturePipeline pipeline({price}, "sales", MissingValueSet());
  pipeline.set_target_transform(TargetTransform::log1p);
  pipeline.set_scaling(PipelineScaling{{1.0f, 0.0f}, {0.5f, 1.0f}, 2.0f, 4.0f, InputScaling::minmax});
  OutputShifts shifts;
  shifts.mean = 0.25f;
  PortableNetwork frame = network_frame(pipeline, "earnings", shifts);
  EXPECT_EQ(frame.input_names, (std::vector<std::string>{"price", "price_missing"}));
  EXPECT_EQ(frame.target_name, "sales");
  EXPECT_EQ(frame.output_name, "earnings");
  EXPECT_EQ(frame.input_offset, (std::vector<float>{1.0f, 0.0f}));
  EXPECT_EQ(frame.input_scale, (std::vector<float>{0.5f, 1.0f}));
  EXPECT_EQ(frame.output_scale, 4.0f);
  EXPECT_EQ(frame.output_offset, 2.25f);  // the target offset plus the mean's correction
  EXPECT_EQ(frame.target_transform, TargetTransform::log1p);
  EXPECT_TRUE(frame.shifted_outputs.empty());
  EXPECT_TRUE(frame.layers.empty());

  shifts.has_interval = true;
  shifts.median = 0.5f;
  shifts.median_from_head = true;
  shifts.lower = -1.0f;
  shifts.upper = 1.5f;
  frame = network_frame(pipeline, "earnings", shifts);
  ASSERT_EQ(frame.shifted_outputs.size(), 3u);
  EXPECT_EQ(frame.shifted_outputs[0].suffix, "median");
  EXPECT_EQ(frame.shifted_outputs[0].output_offset, 2.5f);  // the target offset, without the mean's correction
  EXPECT_EQ(frame.shifted_outputs[0].source_column, 1);
  EXPECT_EQ(frame.shifted_outputs[1].suffix, "lower");
  EXPECT_EQ(frame.shifted_outputs[1].output_offset, 1.0f);
  EXPECT_EQ(frame.shifted_outputs[1].source_column, 0);
  EXPECT_EQ(frame.shifted_outputs[2].suffix, "upper");
  EXPECT_EQ(frame.shifted_outputs[2].output_offset, 3.5f);
}

TEST(PortableNetwork, LayerNamesEndWithOutput) {
  EXPECT_EQ(layer_display_name(0, 3), "layer_1");
  EXPECT_EQ(layer_display_name(1, 3), "layer_2");
  EXPECT_EQ(layer_display_name(2, 3), "output");
  EXPECT_EQ(layer_display_name(0, 1), "output");
}

}  // namespace
}  // namespace vgsales
