// Tests for src/export/onnx_export.cpp: the model's header and graph, onnx.checker, and OpenCV's
// ONNX importer running it against the network's own predictions.
#include "export/onnx_export.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "common/atomic_file.h"
#include "export/export_test_support.h"
#include "graph/synthetic_network.h"

namespace vgsales {
namespace {

using testing::make_network_for;
using testing::make_synthetic_network;
using testing::make_synthetic_pipeline;
using testing::with_median_head_and_interval;

TEST(OnnxExportTest, HeaderAndSignature) {
  const PortableNetwork network = make_synthetic_network(4, {8});
  const auto model = build_onnx_model(network);
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->ir_version(), 8);
  ASSERT_EQ(model->opset_import_size(), 1);
  EXPECT_EQ(model->opset_import(0).domain(), "");
  EXPECT_GE(model->opset_import(0).version(), 13);
  EXPECT_LE(model->opset_import(0).version(), 17);
  const onnx::GraphProto& graph = model->graph();
  EXPECT_FALSE(graph.name().empty());
  ASSERT_EQ(graph.input_size(), 1);
  ASSERT_EQ(graph.output_size(), 1);
  const auto& input = graph.input(0).type().tensor_type();
  EXPECT_EQ(graph.input(0).name(), "input");
  EXPECT_EQ(input.elem_type(), onnx::TensorProto::FLOAT);
  ASSERT_EQ(input.shape().dim_size(), 2);
  EXPECT_EQ(input.shape().dim(0).dim_param(), "batch");
  EXPECT_EQ(input.shape().dim(1).dim_value(), 4);
  EXPECT_EQ(graph.output(0).name(), "earnings");
  EXPECT_EQ(graph.output(0).type().tensor_type().shape().dim(1).dim_value(), 1);
  EXPECT_EQ(graph.node(graph.node_size() - 1).output(0), "earnings");
}

TEST(OnnxExportTest, WeightsAreInitializersInTorchOrderTransposed) {
  const PortableNetwork network = make_synthetic_network(3, {2});
  const auto model = build_onnx_model(network);
  ASSERT_TRUE(model.ok());
  const onnx::TensorProto* kernel = nullptr;
  for (const auto& tensor : model->graph().initializer()) {
    if (tensor.name() == "layer_1/kernel") kernel = &tensor;
  }
  ASSERT_NE(kernel, nullptr);
  ASSERT_EQ(kernel->dims_size(), 2);
  EXPECT_EQ(kernel->dims(0), 3);
  EXPECT_EQ(kernel->dims(1), 2);
  ASSERT_EQ(kernel->raw_data().size(), 6 * sizeof(float));
  float value = 0.0f;
  std::memcpy(&value, kernel->raw_data().data() + (2 * 2 + 1) * sizeof(float), sizeof(float));
  EXPECT_EQ(value, network.layers[0].weight[1 * 3 + 2]);  // kernel[in=2][out=1] = weight[out=1][in=2]
}

TEST(OnnxExportTest, CheckerAcceptsAndOpenCvMatchesTheNetwork) {
  for (TargetTransform transform : {TargetTransform::none, TargetTransform::log1p}) {
    const PortableNetwork network = make_synthetic_network(9, {32, 16}, transform, 5);
    const auto bytes = serialize_onnx_model(network);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    testing::TemporaryDirectory directory;
    ASSERT_TRUE(write_file_atomically(directory / "model.onnx", bytes.value()).ok());
    testing::expect_engine_matches_network("onnx-check", directory / "model.onnx", network, 25, "OpenCV ONNX importer");
  }
}

TEST(OnnxExportTest, SingleInputSingleLayerNetwork) {
  const PortableNetwork network = make_synthetic_network(1, {});
  const auto bytes = serialize_onnx_model(network);
  ASSERT_TRUE(bytes.ok());
  testing::TemporaryDirectory directory;
  ASSERT_TRUE(write_file_atomically(directory / "model.onnx", bytes.value()).ok());
  testing::expect_engine_matches_network("onnx-check", directory / "model.onnx", network, 4,
                                         "OpenCV ONNX importer, one feature");
}

TEST(OnnxExportTest, RawRowModelTakesEachFeatureByNameAndLooksCategoriesUp) {
  const FeaturePipeline pipeline = make_synthetic_pipeline();
  const PortableNetwork network =
      with_median_head_and_interval(make_network_for(pipeline, {6}, TargetTransform::log1p));
  const auto model = build_onnx_model(network, &pipeline);
  ASSERT_TRUE(model.ok()) << model.error().message;
  ASSERT_EQ(model->opset_import_size(), 2);
  EXPECT_EQ(model->opset_import(1).domain(), "ai.onnx.ml");
  EXPECT_EQ(model->opset_import(1).version(), 2);
  const onnx::GraphProto& graph = model->graph();
  std::vector<std::pair<std::string, int>> inputs;
  for (const auto& input : graph.input()) {
    inputs.emplace_back(input.name(), input.type().tensor_type().elem_type());
    ASSERT_EQ(input.type().tensor_type().shape().dim_size(), 1) << input.name();
    EXPECT_EQ(input.type().tensor_type().shape().dim(0).dim_param(), "batch");
  }
  EXPECT_EQ(inputs, (std::vector<std::pair<std::string, int>>{{"Platform", onnx::TensorProto::STRING},
                                                              {"Year", onnx::TensorProto::FLOAT},
                                                              {"is_sequel", onnx::TensorProto::FLOAT},
                                                              {"Genre", onnx::TensorProto::STRING}}));
  std::vector<std::string> outputs;
  for (const auto& output : graph.output()) outputs.push_back(output.name());
  EXPECT_EQ(outputs, (std::vector<std::string>{"earnings", "earnings_median", "earnings_lower", "earnings_upper"}));
  // Platform's lookup: categories to their slots, missing spellings (any case) to "missing", the rest to "other".
  const onnx::NodeProto* encoder = nullptr;
  for (const auto& node : graph.node())
    if (node.name() == "preprocessing/Platform/LabelEncoder") encoder = &node;
  ASSERT_NE(encoder, nullptr);
  EXPECT_EQ(encoder->domain(), "ai.onnx.ml");
  std::map<std::string, std::int64_t> slots;
  std::int64_t fallback = -1;
  const onnx::AttributeProto* keys = nullptr;
  const onnx::AttributeProto* values = nullptr;
  for (const auto& attribute : encoder->attribute()) {
    if (attribute.name() == "keys_strings") keys = &attribute;
    if (attribute.name() == "values_int64s") values = &attribute;
    if (attribute.name() == "default_int64") fallback = attribute.i();
  }
  ASSERT_TRUE(keys && values);
  ASSERT_EQ(keys->strings_size(), values->ints_size());
  for (int k = 0; k < keys->strings_size(); ++k) slots[keys->strings(k)] = values->ints(k);
  EXPECT_EQ(slots.at("Wii"), 0);
  EXPECT_EQ(slots.at("DS"), 2);
  EXPECT_EQ(slots.at("nA"), 4);
  EXPECT_EQ(slots.at(""), 4);
  EXPECT_FALSE(slots.contains("GB")) << "a rare category reads as other, like unseen text";
  EXPECT_EQ(fallback, 3);
}

TEST(OnnxExportTest, DebiansCheckerAcceptsTheRawRowModel) {
  const FeaturePipeline pipeline = make_synthetic_pipeline();
  for (TargetTransform transform : {TargetTransform::none, TargetTransform::log1p}) {
    const PortableNetwork network = with_median_head_and_interval(make_network_for(pipeline, {6}, transform));
    const auto bytes = serialize_onnx_model(network, &pipeline);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    testing::TemporaryDirectory directory;
    ASSERT_TRUE(write_file_atomically(directory / "model.onnx", bytes.value()).ok());
    const testing::CommandOutput checked = testing::run_command(
        std::string(VGSALES_SYSTEM_PYTHON) +
        " -c 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)' " +
        testing::shell_quote((directory / "model.onnx").string()));
    EXPECT_EQ(checked.exit_code, 0) << checked.err;
  }
}

TEST(OnnxExportTest, AFeatureNamedLikeAGraphValueIsAnError) {
  const FeaturePipeline pipeline({FeatureSpec{.name = "input"}, FeatureSpec{.name = "other"}}, "total",
                                 MissingValueSet());
  const auto model = build_onnx_model(make_network_for(pipeline, {}), &pipeline);
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.error().message.find("feature 'input'"), std::string::npos) << model.error().message;
}

}  // namespace
}  // namespace vgsales
