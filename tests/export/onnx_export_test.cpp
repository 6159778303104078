// Tests for src/export/onnx_export.cpp: the model's header and graph, onnx.checker, and OpenCV's
// ONNX importer running it against the network's own predictions.
#include "export/onnx_export.h"

#include <gtest/gtest.h>

#include <cstring>

#include "common/atomic_file.h"
#include "export/export_test_support.h"
#include "graph/synthetic_network.h"

namespace vgsales {
namespace {

using testing::make_synthetic_network;

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

}  // namespace
}  // namespace vgsales
