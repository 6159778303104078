// Tests for src/graph/network_checks.cpp: each inconsistency a PortableNetwork can have is refused with a message
// naming it, in the order the checks run, and consistent networks (with or without a median head) pass.
#include "graph/network_checks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "graph/synthetic_network.h"

namespace vgsales {
namespace {

using testing::make_synthetic_network;

void expect_rejected(const PortableNetwork& network, const std::string& fragment) {
  const auto result = check_portable_network(network);
  ASSERT_FALSE(result.ok()) << fragment;
  EXPECT_EQ(result.error().kind, ErrorKind::invalid_data);
  EXPECT_NE(result.error().message.find(fragment), std::string::npos) << result.error().message;
}

TEST(NetworkChecksTest, RejectsEachKindOfInconsistency) {
  const PortableNetwork good = make_synthetic_network(3, {4});
  EXPECT_TRUE(check_portable_network(good).ok());
  const auto rejected = [](PortableNetwork network, const std::string& fragment) {
    const auto result = check_portable_network(network);
    ASSERT_FALSE(result.ok()) << fragment;
    EXPECT_NE(result.error().message.find(fragment), std::string::npos) << result.error().message;
  };
  PortableNetwork n = good;
  n.input_scale.pop_back();
  rejected(n, "input_scale");
  n = good;
  n.layers[0].input_size = 2;
  rejected(n, "layer 1 takes 2 inputs");
  n = good;
  n.layers.pop_back();
  rejected(n, "last layer has 4 outputs");
  n = good;
  n.layers[1].bias[0] = std::nanf("");
  rejected(n, "layer 2 holds a non-finite");
  n = good;
  n.output_name = "total earnings";
  rejected(n, "not a plain tensor name");
  n = good;
  n.output_name = "input";
  rejected(n, "collides");
  n = good;
  n.layers.clear();
  rejected(n, "no layers");
  // A median head is a second column; a third is not.
  n = testing::with_median_head_and_interval(good);
  EXPECT_TRUE(check_portable_network(n).ok());
  n.shifted_outputs[0].source_column = 2;
  rejected(n, "reads column 2");
  n = testing::with_median_head_and_interval(good);
  n.shifted_outputs[1].output_offset = INFINITY;
  rejected(n, "non-finite offset");
  n = testing::with_median_head_and_interval(good);
  n.layers.back().output_size = 3;
  n.layers.back().bias.push_back(0.0f);
  n.layers.back().weight.resize(n.layers.back().weight.size() + 4, 0.0f);
  rejected(n, "last layer has 3 outputs");
}

TEST(NetworkChecksTest, InputAndOutputScalingMustFitAndBeFinite) {
  const PortableNetwork good = make_synthetic_network(3, {4});
  PortableNetwork n = good;
  n.input_names.clear();
  expect_rejected(n, "no input columns");
  n = good;
  n.input_offset.push_back(0.0f);
  expect_rejected(n, "input_offset has 4 values for 3 inputs");
  n = good;
  n.input_offset[1] = NAN;
  expect_rejected(n, "input_offset or input_scale holds a non-finite value");
  n = good;
  n.output_scale = INFINITY;
  expect_rejected(n, "output_scale or output_offset is not finite");
}

TEST(NetworkChecksTest, EachLayersSizesMustMatchItsParameters) {
  const PortableNetwork good = make_synthetic_network(3, {4});
  PortableNetwork n = good;
  n.layers[0].output_size = 0;
  expect_rejected(n, "layer 1 has 0 outputs");
  n = good;
  n.layers[1].weight.pop_back();
  expect_rejected(n, "layer 2 weight has 3 values, expected 1 x 4");
  n = good;
  n.layers[1].bias.push_back(0.0f);
  expect_rejected(n, "layer 2 bias has 2 values, expected 1");
  // The first problem found is the one reported: layer 1's before layer 2's.
  n.layers[0].weight[0] = NAN;
  expect_rejected(n, "layer 1 holds a non-finite weight or bias");
}

TEST(NetworkChecksTest, TheOutputLayerIsLinearAndItsNameFree) {
  const PortableNetwork good = make_synthetic_network(3, {4});
  PortableNetwork n = good;
  n.layers.back().relu = true;
  expect_rejected(n, "must not have a ReLU");
  for (const char* taken : {"target", "scaling", "output", "cost", "optimizer", "preprocessing", "init"}) {
    n = good;
    n.output_name = taken;
    expect_rejected(n, "collides with a graph node or scope name");
  }
  n.output_name = "layer_2";
  expect_rejected(n, "collides with the layer_N or unscaling scopes");
  n.output_name = "unscaling_median";
  expect_rejected(n, "collides with the layer_N or unscaling scopes");
  n.output_name = ".earnings";  // a leading dot is a valid TensorFlow node name
  EXPECT_TRUE(check_portable_network(n).ok());
  n = testing::with_median_head_and_interval(good);
  n.shifted_outputs[0].suffix = ".median";  // but not as a suffix: "earnings_.median"
  expect_rejected(n, "shifted output suffix '.median' is not a plain tensor name");
}

}  // namespace
}  // namespace vgsales
