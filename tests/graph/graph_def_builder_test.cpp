// Tests for src/graph/graph_def_builder.cpp: structure, required attrs, shapes, and the numbers the graph
// computes (a small evaluator of the inference ops, written independently of the builder).
#include "graph/graph_def_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "graph/graph_def_message.h"
#include "graph/synthetic_network.h"

namespace vgsales {
namespace {

using testing::make_feature_rows;
using testing::make_network_for;
using testing::make_synthetic_network;
using testing::make_synthetic_pipeline;
using testing::reference_output;
using testing::reference_predict;
using testing::with_median_head_and_interval;

tensorflow::GraphDef build_or_fail(const PortableNetwork& network, GraphPurpose purpose) {
  auto graph = build_graph_def(network, purpose);
  EXPECT_TRUE(graph.ok()) << (graph.ok() ? "" : graph.error().message);
  return graph.ok() ? graph.value() : tensorflow::GraphDef{};
}

std::map<std::string, const tensorflow::NodeDef*> index_nodes(const tensorflow::GraphDef& graph) {
  std::map<std::string, const tensorflow::NodeDef*> nodes;
  for (const auto& node : graph.node()) nodes[node.name()] = &node;
  return nodes;
}

std::string input_node_name(const std::string& input) {
  std::string name = input.starts_with("^") ? input.substr(1) : input;
  return name.substr(0, name.find(':'));
}

// Attrs each op's registration declares without a default (tensorflow/core/ops/*.cc, e.g. math_ops.cc,
// state_ops.cc, training_ops.cc), plus those with a default that we promise to write anyway.
const std::map<std::string, std::vector<std::string>>& required_attrs() {
  static const std::map<std::string, std::vector<std::string>> attrs{
      {"Placeholder", {"dtype", "shape"}},
      {"Const", {"dtype", "value"}},
      {"MatMul", {"T", "transpose_a", "transpose_b"}},
      {"BiasAdd", {"T", "data_format"}},
      {"BiasAddGrad", {"T", "data_format"}},
      {"Relu", {"T"}},
      {"ReluGrad", {"T"}},
      {"Identity", {"T"}},
      {"Sub", {"T"}},
      {"Maximum", {"T"}},
      {"Minimum", {"T"}},
      {"Mul", {"T"}},
      {"AddV2", {"T"}},
      {"Exp", {"T"}},
      {"Square", {"T"}},
      {"RealDiv", {"T"}},
      {"Mean", {"T", "Tidx", "keep_dims"}},
      {"Size", {"T", "out_type"}},
      {"Cast", {"SrcT", "DstT"}},
      {"VariableV2", {"shape", "dtype", "container", "shared_name"}},
      {"Assign", {"T", "validate_shape", "use_locking"}},
      {"NoOp", {}},
      {"ApplyAdam", {"T", "use_locking", "use_nesterov"}},
      // The raw-row graph (array_ops.cc, string_ops.cc, math_ops.cc): the encoding and the accurate expm1.
      {"PlaceholderWithDefault", {"dtype", "shape"}},
      {"StringStrip", {}},
      {"Reshape", {"T", "Tshape"}},
      {"Equal", {"T", "incompatible_shape_error"}},
      {"IsNan", {"T"}},
      {"SelectV2", {"T"}},
      {"ConcatV2", {"N", "T", "Tidx"}},
      {"Abs", {"T"}},
      {"Less", {"T"}},
  };
  return attrs;
}

void expect_well_formed(const tensorflow::GraphDef& graph) {
  EXPECT_GE(graph.versions().producer(), 22) << "Placeholder shapes need producer > 21";
  std::set<std::string> seen;
  for (const auto& node : graph.node()) {
    EXPECT_TRUE(seen.insert(node.name()).second) << "duplicate node " << node.name();
    const auto known = required_attrs().find(node.op());
    ASSERT_NE(known, required_attrs().end()) << node.name() << " uses unexpected op " << node.op();
    for (const std::string& attr : known->second) {
      EXPECT_TRUE(node.attr().contains(attr)) << node.name() << " (" << node.op() << ") lacks attr " << attr;
    }
    if (node.op() == "NoOp") {
      EXPECT_FALSE(node.attr().contains("_output_shapes")) << node.name() << " has no output to shape";
    } else {
      ASSERT_TRUE(node.attr().contains("_output_shapes")) << node.name();
      EXPECT_EQ(node.attr().at("_output_shapes").list().shape_size(), 1) << node.name();
    }
    bool control_seen = false;
    for (const std::string& input : node.input()) {
      // Nodes come in topological order, so every input is already defined.
      EXPECT_TRUE(seen.contains(input_node_name(input))) << node.name() << " reads undefined " << input;
      // TensorFlow requires control inputs after the data inputs.
      EXPECT_FALSE(control_seen && !input.starts_with("^")) << node.name() << ": data input after a control input";
      control_seen = control_seen || input.starts_with("^");
    }
  }
}

std::vector<std::int64_t> dims_of(const tensorflow::TensorShapeProto& shape) {
  std::vector<std::int64_t> dims;
  for (const auto& dim : shape.dim()) dims.push_back(dim.size());
  return dims;
}

std::vector<float> const_values(const tensorflow::NodeDef& node) {
  const tensorflow::TensorProto& tensor = node.attr().at("value").tensor();
  if (!tensor.tensor_content().empty()) {
    std::vector<float> values(tensor.tensor_content().size() / sizeof(float));
    std::memcpy(values.data(), tensor.tensor_content().data(), tensor.tensor_content().size());
    return values;
  }
  return {tensor.float_val().begin(), tensor.float_val().end()};
}

// A dense [rows, columns] matrix for the evaluator.
struct Matrix {
  std::int64_t rows = 0;
  std::int64_t columns = 0;
  std::vector<double> values;
  double at(std::int64_t r, std::int64_t c) const { return values[r * columns + c]; }
};

Matrix from_const(const tensorflow::NodeDef& node) {
  const std::vector<std::int64_t> dims = dims_of(node.attr().at("value").tensor().tensor_shape());
  const std::vector<float> values = const_values(node);
  Matrix matrix;
  matrix.rows = dims.size() == 2 ? dims[0] : 1;
  matrix.columns = dims.empty() ? 1 : dims.back();
  matrix.values.assign(values.begin(), values.end());
  EXPECT_EQ(static_cast<std::int64_t>(matrix.values.size()), matrix.rows * matrix.columns) << node.name();
  return matrix;
}

// Elementwise with the right operand broadcast along rows (a [1, C] vector or a scalar) or of the same shape.
Matrix broadcast(const Matrix& left, const Matrix& right, double (*op)(double, double)) {
  Matrix out = left;
  for (std::int64_t r = 0; r < left.rows; ++r) {
    for (std::int64_t c = 0; c < left.columns; ++c) {
      const double b = right.values.size() == 1 ? right.values[0] : right.at(right.rows == left.rows ? r : 0, c);
      out.values[r * left.columns + c] = op(left.at(r, c), b);
    }
  }
  return out;
}

// Evaluates the inference ops on a batch and returns the named node's value.
Matrix evaluate(const tensorflow::GraphDef& graph, const Matrix& input, const std::string& fetch) {
  std::map<std::string, Matrix> values;
  for (const auto& node : graph.node()) {
    const auto in = [&](int k) -> const Matrix& { return values.at(input_node_name(node.input(k))); };
    Matrix out;
    const std::string& op = node.op();
    if (op == "Placeholder") out = input;
    else if (op == "Const") out = from_const(node);
    else if (op == "Sub") out = broadcast(in(0), in(1), [](double a, double b) { return a - b; });
    else if (op == "Mul") out = broadcast(in(0), in(1), [](double a, double b) { return a * b; });
    else if (op == "AddV2" || op == "BiasAdd") out = broadcast(in(0), in(1), [](double a, double b) { return a + b; });
    else if (op == "Maximum") out = broadcast(in(0), in(1), [](double a, double b) { return std::max(a, b); });
    else if (op == "Minimum") out = broadcast(in(0), in(1), [](double a, double b) { return std::min(a, b); });
    else if (op == "Relu" || op == "Exp" || op == "Identity" || op == "Abs") {
      out = in(0);
      for (double& v : out.values)
        v = op == "Relu" ? std::max(v, 0.0) : op == "Exp" ? std::exp(v) : op == "Abs" ? std::abs(v) : v;
    } else if (op == "Less") {
      out = broadcast(in(0), in(1), [](double a, double b) { return a < b ? 1.0 : 0.0; });
    } else if (op == "SelectV2") {
      out = in(1);
      for (std::size_t k = 0; k < out.values.size(); ++k)
        out.values[k] = in(0).values[k] != 0.0 ? in(1).values[k] : in(2).values[k];
    } else if (op == "MatMul") {
      const Matrix& a = in(0);
      const Matrix& b = in(1);
      EXPECT_FALSE(node.attr().at("transpose_a").b());
      EXPECT_FALSE(node.attr().at("transpose_b").b());
      EXPECT_EQ(a.columns, b.rows) << node.name();
      out.rows = a.rows;
      out.columns = b.columns;
      out.values.assign(out.rows * out.columns, 0.0);
      for (std::int64_t r = 0; r < a.rows; ++r)
        for (std::int64_t k = 0; k < a.columns; ++k)
          for (std::int64_t c = 0; c < b.columns; ++c) out.values[r * out.columns + c] += a.at(r, k) * b.at(k, c);
    } else {
      ADD_FAILURE() << "evaluator does not know op " << op;
      return {};
    }
    values[node.name()] = std::move(out);
  }
  return values.at(fetch);
}

Matrix rows_to_matrix(const std::vector<std::vector<float>>& rows) {
  Matrix matrix;
  matrix.rows = static_cast<std::int64_t>(rows.size());
  matrix.columns = static_cast<std::int64_t>(rows.front().size());
  for (const auto& row : rows) matrix.values.insert(matrix.values.end(), row.begin(), row.end());
  return matrix;
}

TEST(GraphDefBuilderTest, InferenceGraphHasScopedNodesInOrder) {
  const PortableNetwork network = make_synthetic_network(4, {8, 5});
  const tensorflow::GraphDef graph = build_or_fail(network, GraphPurpose::inference);
  std::vector<std::string> names;
  for (const auto& node : graph.node()) names.push_back(node.name());
  const std::vector<std::string> expected{
      "input",           "scaling/identity", "scaling/MatMul", "scaling/negated_offset", "scaling/BiasAdd",
      "scaling/scale",   "scaling/Mul",      "layer_1/kernel", "layer_1/MatMul",         "layer_1/bias",
      "layer_1/BiasAdd", "layer_1/Relu",     "layer_2/kernel", "layer_2/MatMul",         "layer_2/bias",
      "layer_2/BiasAdd", "layer_2/Relu",     "output/kernel",  "output/MatMul",          "output/bias",
      "output/BiasAdd",  "unscaling/scale",  "unscaling/Mul",  "unscaling/offset",       "unscaling/AddV2",
      "earnings"};
  EXPECT_EQ(names, expected);
  expect_well_formed(graph);
  const auto nodes = index_nodes(graph);
  EXPECT_EQ(nodes.at("earnings")->op(), "Identity");
  EXPECT_EQ(nodes.at("earnings")->input(0), "unscaling/AddV2");
  EXPECT_EQ(dims_of(nodes.at("input")->attr().at("shape").shape()), (std::vector<std::int64_t>{-1, 4}));
  EXPECT_EQ(nodes.at("input")->attr().at("dtype").type(), tensorflow::DT_FLOAT);
  EXPECT_EQ(dims_of(nodes.at("earnings")->attr().at("_output_shapes").list().shape(0)),
            (std::vector<std::int64_t>{-1, 1}));
  EXPECT_EQ(dims_of(nodes.at("layer_2/MatMul")->attr().at("_output_shapes").list().shape(0)),
            (std::vector<std::int64_t>{-1, 5}));
}

TEST(GraphDefBuilderTest, KernelIsTheTransposedTorchWeight) {
  const PortableNetwork network = make_synthetic_network(3, {2});
  const tensorflow::GraphDef graph = build_or_fail(network, GraphPurpose::inference);
  const auto nodes = index_nodes(graph);
  const tensorflow::NodeDef& kernel = *nodes.at("layer_1/kernel");
  EXPECT_EQ(dims_of(kernel.attr().at("value").tensor().tensor_shape()), (std::vector<std::int64_t>{3, 2}));
  const std::vector<float> values = const_values(kernel);
  const DenseLayer& layer = network.layers[0];
  // torch weight[out=1][in=2] sits at kernel[in=2][out=1].
  EXPECT_EQ(values[2 * 2 + 1], layer.weight[1 * 3 + 2]);
  EXPECT_EQ(const_values(*nodes.at("layer_1/bias")), layer.bias);
  const std::vector<float> identity = const_values(*nodes.at("scaling/identity"));
  ASSERT_EQ(identity.size(), 9u);
  EXPECT_EQ(identity[1 * 3 + 1], 1.0f);
  EXPECT_EQ(identity[1 * 3 + 2], 0.0f);
  EXPECT_EQ(const_values(*nodes.at("scaling/negated_offset"))[2], -network.input_offset[2]);
  EXPECT_EQ(const_values(*nodes.at("scaling/scale")), network.input_scale);
}

TEST(GraphDefBuilderTest, GraphComputesTheNetworkPrediction) {
  for (TargetTransform transform : {TargetTransform::none, TargetTransform::log1p}) {
    const PortableNetwork network = make_synthetic_network(6, {16, 8}, transform);
    const tensorflow::GraphDef graph = build_or_fail(network, GraphPurpose::inference);
    const auto rows = make_feature_rows(network, 20);
    const Matrix output = evaluate(graph, rows_to_matrix(rows), "earnings");
    ASSERT_EQ(output.rows, 20);
    ASSERT_EQ(output.columns, 1);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const double expected = reference_predict(network, rows[r]);
      EXPECT_NEAR(output.values[r], expected, 1e-6 * std::max(1.0, std::abs(expected))) << "row " << r;
    }
  }
}

TEST(GraphDefBuilderTest, Log1pTargetEndsWithExpMinusOne) {
  const PortableNetwork network = make_synthetic_network(3, {4}, TargetTransform::log1p);
  const tensorflow::GraphDef graph = build_or_fail(network, GraphPurpose::inference);
  expect_well_formed(graph);
  const auto nodes = index_nodes(graph);
  ASSERT_TRUE(nodes.contains("unscaling/Exp"));
  EXPECT_EQ(nodes.at("unscaling/Exp")->input(0), "unscaling/AddV2");
  EXPECT_EQ(nodes.at("unscaling/Sub")->input(0), "unscaling/Exp");
  EXPECT_EQ(const_values(*nodes.at("unscaling/one")), std::vector<float>{1.0f});
  EXPECT_EQ(nodes.at("earnings")->input(0), "unscaling/Sub");
}

TEST(GraphDefBuilderTest, GraphFollowsTheNetworkArchitecture) {
  const auto single = build_or_fail(make_synthetic_network(2, {}), GraphPurpose::inference);
  const auto deep = build_or_fail(make_synthetic_network(2, {3, 3, 3}), GraphPurpose::inference);
  const auto single_nodes = index_nodes(single);
  const auto deep_nodes = index_nodes(deep);
  EXPECT_FALSE(single_nodes.contains("layer_1/Relu"));
  EXPECT_FALSE(single_nodes.contains("layer_2/MatMul"));
  EXPECT_TRUE(deep_nodes.contains("output/MatMul"));
  EXPECT_TRUE(deep_nodes.contains("layer_3/Relu"));
  EXPECT_FALSE(deep_nodes.contains("output/Relu"));
  PortableNetwork renamed = make_synthetic_network(2, {});
  renamed.output_name = "units";
  EXPECT_TRUE(index_nodes(build_or_fail(renamed, GraphPurpose::inference)).contains("units"));
}

TEST(GraphDefBuilderTest, TrainingGraphAddsCostAndAdamUpdates) {
  const PortableNetwork network = make_synthetic_network(5, {7, 3});
  const tensorflow::GraphDef graph = build_or_fail(network, GraphPurpose::training);
  expect_well_formed(graph);
  const auto nodes = index_nodes(graph);
  EXPECT_TRUE(nodes.contains("earnings"));
  EXPECT_EQ(nodes.at("target")->op(), "Placeholder");
  EXPECT_EQ(nodes.at("cost/Mean")->op(), "Mean");
  EXPECT_EQ(nodes.at("cost/Sub")->input(0), "output/BiasAdd");
  int updates = 0;
  for (const auto& node : graph.node()) {
    if (node.op() != "ApplyAdam") continue;
    ++updates;
    EXPECT_TRUE(node.name().starts_with("optimizer/")) << node.name();
    ASSERT_EQ(node.input_size(), 11) << node.name();
    // ApplyAdam updates references: the parameter and both moments are variables.
    for (int k : {0, 1, 2}) EXPECT_EQ(nodes.at(input_node_name(node.input(k)))->op(), "VariableV2") << node.name();
    // The gradient's shape equals the parameter's.
    const auto& parameter = *nodes.at(input_node_name(node.input(0)));
    const auto& gradient = *nodes.at(input_node_name(node.input(9)));
    EXPECT_EQ(dims_of(parameter.attr().at("_output_shapes").list().shape(0)),
              dims_of(gradient.attr().at("_output_shapes").list().shape(0)))
        << node.name();
    // No update starts before every gradient is computed from the weights as they were.
    EXPECT_EQ(node.input(10), "^optimizer/gradients/ready") << node.name();
    const auto& ready = nodes.at("optimizer/gradients/ready")->input();
    EXPECT_NE(std::find(ready.begin(), ready.end(), "^" + gradient.name()), ready.end()) << node.name();
  }
  EXPECT_EQ(updates, 6);  // kernel and bias of three layers
  // One step runs every update and advances both beta powers.
  std::set<std::string> step;
  for (const std::string& input : nodes.at("optimizer/step")->input()) step.insert(input);
  EXPECT_EQ(step.size(), 8u);
  EXPECT_TRUE(step.contains("^optimizer/layer_2/kernel/ApplyAdam"));
  EXPECT_TRUE(step.contains("^optimizer/beta1_power/update"));
  EXPECT_EQ(nodes.at("optimizer/beta1_power/next")->input(0), "optimizer/beta1_power/read");
  // The ReLU gradient flows through the hidden layers' activations.
  EXPECT_TRUE(nodes.contains("optimizer/gradients/layer_1/Relu_grad"));
  EXPECT_TRUE(nodes.contains("optimizer/gradients/layer_2/Relu_grad"));
}

TEST(GraphDefBuilderTest, TrainingGraphHoldsTheWeightsInInitialisedVariables) {
  const PortableNetwork network = make_synthetic_network(3, {4});
  const tensorflow::GraphDef graph = build_or_fail(network, GraphPurpose::training);
  const auto nodes = index_nodes(graph);
  // What the layers read: the variable's value, as tf.compat.v1.Variable lays it out.
  EXPECT_EQ(nodes.at("layer_1/kernel")->op(), "VariableV2");
  EXPECT_EQ(nodes.at("layer_1/MatMul")->input(1), "layer_1/kernel/read");
  EXPECT_EQ(nodes.at("layer_1/BiasAdd")->input(1), "layer_1/bias/read");
  EXPECT_EQ(nodes.at("layer_1/kernel/read")->input(0), "layer_1/kernel");
  EXPECT_EQ(nodes.at("optimizer/gradients/output/input_grad")->input(1), "output/kernel/read");
  // Initial values: the network's weights (kernel transposed), Adam's moments at zero, beta powers at beta.
  const std::vector<float> kernel = const_values(*nodes.at("layer_1/kernel/initial_value"));
  EXPECT_EQ(kernel[2 * 4 + 1], network.layers[0].weight[1 * 3 + 2]);
  EXPECT_EQ(const_values(*nodes.at("output/bias/initial_value")), network.layers[1].bias);
  const tensorflow::NodeDef& zeros = *nodes.at("optimizer/layer_1/kernel/m/initial_value");
  EXPECT_EQ(const_values(zeros), std::vector<float>{0.0f});  // one value fills the shape
  EXPECT_EQ(dims_of(zeros.attr().at("value").tensor().tensor_shape()), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(const_values(*nodes.at("optimizer/beta2_power/initial_value")), std::vector<float>{0.999f});
  // `init` assigns every variable, and only through its own Assign.
  std::set<std::string> initialised;
  for (const std::string& input : nodes.at("init")->input()) {
    ASSERT_TRUE(input.starts_with("^")) << input;
    const tensorflow::NodeDef& assign = *nodes.at(input.substr(1));
    EXPECT_EQ(assign.op(), "Assign");
    EXPECT_EQ(assign.input(1), assign.input(0) + "/initial_value");
    initialised.insert(assign.input(0));
  }
  std::set<std::string> variables;
  for (const auto& node : graph.node()) {
    if (node.op() == "VariableV2") variables.insert(node.name());
  }
  EXPECT_EQ(initialised, variables);
  EXPECT_EQ(variables.size(), 4u * 3 + 2);  // 4 parameters with m and v, and the two beta powers
}

TEST(GraphDefBuilderTest, InferenceGraphHasNoVariables) {
  const tensorflow::GraphDef graph = build_or_fail(make_synthetic_network(3, {4}), GraphPurpose::inference);
  for (const auto& node : graph.node()) {
    EXPECT_TRUE(node.op() != "VariableV2" && node.op() != "Assign" && node.op() != "NoOp") << node.name();
  }
  EXPECT_EQ(index_nodes(graph).at("layer_1/kernel")->op(), "Const");
}

TEST(GraphDefBuilderTest, SerializedBytesParseBackToTheSameGraph) {
  const PortableNetwork network = make_synthetic_network(3, {4});
  for (GraphPurpose purpose : {GraphPurpose::inference, GraphPurpose::training}) {
    const auto bytes = serialize_graph_def(network, purpose);
    ASSERT_TRUE(bytes.ok());
    tensorflow::GraphDef parsed;
    ASSERT_TRUE(parsed.ParseFromString(bytes.value()));
    EXPECT_EQ(serialize_deterministically(parsed), serialize_deterministically(build_or_fail(network, purpose)));
    EXPECT_EQ(serialize_deterministically(parsed), bytes.value()) << "map entries must come out sorted";
    EXPECT_GT(parsed.node_size(), 10);
  }
}

TEST(GraphDefBuilderTest, RawRowsAreEncodedUnderThePreprocessingScope) {
  const FeaturePipeline pipeline = make_synthetic_pipeline();
  const PortableNetwork network = make_network_for(pipeline, {5});
  auto built = build_graph_def(network, GraphPurpose::inference, &pipeline);
  ASSERT_TRUE(built.ok()) << built.error().message;
  const tensorflow::GraphDef& graph = built.value();
  expect_well_formed(graph);
  const auto nodes = index_nodes(graph);
  // One Placeholder [-1] per feature, named as the feature, typed by its kind.
  for (const auto& [name, type] :
       std::vector<std::pair<std::string, tensorflow::DataType>>{{"Platform", tensorflow::DT_STRING},
                                                                 {"Year", tensorflow::DT_FLOAT},
                                                                 {"is_sequel", tensorflow::DT_FLOAT},
                                                                 {"Genre", tensorflow::DT_STRING}}) {
    ASSERT_TRUE(nodes.contains(name)) << name;
    EXPECT_EQ(nodes.at(name)->op(), "Placeholder");
    EXPECT_EQ(nodes.at(name)->attr().at("dtype").type(), type) << name;
    EXPECT_EQ(dims_of(nodes.at(name)->attr().at("shape").shape()), (std::vector<std::int64_t>{-1})) << name;
  }
  // `input` still takes the packed layout, and defaults to the encoding.
  const tensorflow::NodeDef& input = *nodes.at("input");
  EXPECT_EQ(input.op(), "PlaceholderWithDefault");
  ASSERT_EQ(input.input_size(), 1);
  EXPECT_EQ(input.input(0), "preprocessing/encoded");
  EXPECT_EQ(dims_of(input.attr().at("shape").shape()),
            (std::vector<std::int64_t>{-1, static_cast<std::int64_t>(pipeline.encoded_width())}));
  // Everything the raw inputs feed before `input` lives under preprocessing/ (TensorBoard draws it as one box).
  for (const auto& node : graph.node()) {
    const bool raw = node.op() == "Placeholder" && node.name() != "input";
    const bool before_input = node.name().starts_with("preprocessing/");
    if (raw || before_input || node.name() == "input") continue;
    for (const std::string& from : node.input())
      EXPECT_FALSE(nodes.at(input_node_name(from))->op() == "Placeholder" && input_node_name(from) != "input")
          << node.name() << " reads a raw input outside preprocessing/";
  }
  // The blocks: Platform's one-hot, Year and its indicator, is_sequel, Genre's one-hot.
  EXPECT_EQ(nodes.at("preprocessing/encoded")->attr().at("N").i(), 5);
  // Platform's keys: every case of each missing spelling, then the categories; the rare "GB" reads as other.
  const tensorflow::TensorProto& keys = nodes.at("preprocessing/Platform/keys")->attr().at("value").tensor();
  const std::vector<std::string> key_texts(keys.string_val().begin(), keys.string_val().end());
  for (const char* expected : {"", "NA", "na", "nA", "Na", "N/A", "NaN", "nan", "NULL", "tbd", "Wii", "PS4", "DS"})
    EXPECT_NE(std::find(key_texts.begin(), key_texts.end(), expected), key_texts.end()) << expected;
  EXPECT_EQ(std::find(key_texts.begin(), key_texts.end(), "GB"), key_texts.end());
  EXPECT_EQ(std::find(key_texts.begin(), key_texts.end(), "wii"), key_texts.end()) << "categories are exact text";
  // Year has a missing indicator, is_sequel has none.
  EXPECT_TRUE(nodes.contains("preprocessing/Year/IsNan"));
  EXPECT_TRUE(nodes.contains("preprocessing/Year/missing"));
  EXPECT_FALSE(nodes.contains("preprocessing/is_sequel/missing"));
}

TEST(GraphDefBuilderTest, RawInputNamesAreValidNodeNamesApartFromTheGraphsOwn) {
  const FeaturePipeline pipeline({FeatureSpec{.name = "Critic Score"}, FeatureSpec{.name = "input"},
                                  FeatureSpec{.name = "_x"}, FeatureSpec{.name = "earnings"},
                                  FeatureSpec{.name = "layer_1"}},
                                 "total", MissingValueSet());
  const PortableNetwork network = make_synthetic_network(5, {4});  // scopes layer_1 and output
  EXPECT_EQ(graph_raw_input_names(network, pipeline),
            (std::vector<std::string>{"Critic_Score", "input_1", "feature_x", "earnings_1", "layer_1_1"}));
}

TEST(GraphDefBuilderTest, MedianHeadAndShiftedOutputsReadTheirColumnsWithTheirOffsets) {
  for (TargetTransform transform : {TargetTransform::none, TargetTransform::log1p}) {
    for (GraphOpSet expm1 : {GraphOpSet::opencv_readable, GraphOpSet::accurate}) {
      const PortableNetwork network = with_median_head_and_interval(make_synthetic_network(4, {6}, transform));
      auto built = build_graph_def(network, GraphPurpose::inference, nullptr, expm1);
      ASSERT_TRUE(built.ok()) << built.error().message;
      expect_well_formed(built.value());
      const auto rows = make_feature_rows(network, 12);
      const Matrix batch = rows_to_matrix(rows);
      std::vector<std::tuple<std::string, std::int64_t, float>> outputs{{"earnings", 0, network.output_offset}};
      for (const ShiftedOutput& shifted : network.shifted_outputs)
        outputs.emplace_back("earnings_" + shifted.suffix, shifted.source_column, shifted.output_offset);
      for (const auto& [name, column, offset] : outputs) {
        const Matrix output = evaluate(built.value(), batch, name);
        ASSERT_EQ(output.columns, 1) << name;
        for (std::size_t r = 0; r < rows.size(); ++r) {
          const double expected = reference_output(network, rows[r], column, offset);
          EXPECT_NEAR(output.values[r], expected, 1e-6 * std::max(1.0, std::abs(expected))) << name << " row " << r;
        }
      }
    }
  }
}

// Every output is clipped to the target's range in the target_range/<output> scope: Relu for a bound of 0 in both op
// sets, Maximum/Minimum in the accurate set, Relu arithmetic in the OpenCV-readable one; no scope when unbounded.
TEST(GraphDefBuilderTest, OutputsAreClippedToTheTargetRangeInTheirOwnScope) {
  struct Case {
    float min, max;
    GraphOpSet ops;
    std::vector<std::string> nodes;  // under target_range/mean/
  };
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const std::vector<Case> cases = {
      {0.0f, kInf, GraphOpSet::accurate, {"at_least/Relu"}},
      {0.0f, kInf, GraphOpSet::opencv_readable, {"at_least/Relu"}},
      {-0.5f, 0.75f, GraphOpSet::accurate, {"at_least/Maximum", "at_most/Minimum"}},
      {-0.5f, 0.75f, GraphOpSet::opencv_readable, {"at_least/Relu", "at_least/AddV2", "at_most/Relu", "at_most/AddV2"}},
  };
  for (const Case& c : cases) {
    PortableNetwork network = with_median_head_and_interval(make_synthetic_network(4, {6}));
    network.output_min = c.min;
    network.output_max = c.max;
    auto built = build_graph_def(network, GraphPurpose::inference, nullptr, c.ops);
    ASSERT_TRUE(built.ok()) << built.error().message;
    expect_well_formed(built.value());
    const auto nodes = index_nodes(built.value());
    for (const std::string& node : c.nodes) EXPECT_TRUE(nodes.contains("target_range/mean/" + node)) << node;
    for (const char* shifted : {"median", "lower", "upper"})
      EXPECT_TRUE(nodes.contains(std::string("target_range/") + shifted + "/at_least/" +
                                 (c.min == 0.0f                   ? "Relu"
                                  : c.ops == GraphOpSet::accurate ? "Maximum"
                                                                  : "AddV2")));
    const auto rows = make_feature_rows(network, 40);
    const Matrix batch = rows_to_matrix(rows);
    const Matrix output = evaluate(built.value(), batch, "earnings");
    size_t clipped = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const double expected = reference_output(network, rows[r], 0, network.output_offset);
      EXPECT_GE(output.values[r], c.min);
      EXPECT_LE(output.values[r], c.max);
      EXPECT_NEAR(output.values[r], expected, 1e-6 * std::max(1.0, std::abs(expected))) << "row " << r;
      clipped += expected == c.min || expected == c.max ? 1 : 0;
    }
    EXPECT_GT(clipped, 0u) << "the rows should reach a bound, or the test shows nothing";
  }
  auto unbounded = build_graph_def(make_synthetic_network(4, {6}), GraphPurpose::inference);
  ASSERT_TRUE(unbounded.ok());
  for (const auto& node : unbounded->node()) EXPECT_FALSE(node.name().starts_with("target_range/")) << node.name();
}

// TensorBoard's graph (the training graph) shows the raw inputs' encoding in its own box when given the pipeline;
// training still feeds `input`.
TEST(GraphDefBuilderTest, TrainingGraphWithThePipelineDrawsThePreprocessingScope) {
  const FeaturePipeline pipeline = make_synthetic_pipeline();
  const PortableNetwork network = make_network_for(pipeline, {5});
  auto built = build_graph_def(network, GraphPurpose::training, &pipeline);
  ASSERT_TRUE(built.ok()) << built.error().message;
  expect_well_formed(built.value());
  const auto nodes = index_nodes(built.value());
  EXPECT_EQ(nodes.at("input")->op(), "PlaceholderWithDefault");
  EXPECT_TRUE(nodes.contains("preprocessing/encoded"));
  EXPECT_TRUE(nodes.contains(kGraphTrainStepNodeName));
  std::size_t preprocessing = 0;
  for (const auto& node : built.value().node()) preprocessing += node.name().starts_with("preprocessing/") ? 1 : 0;
  EXPECT_GT(preprocessing, 10u);
}

TEST(GraphDefBuilderTest, TrainingGraphRefusesAMedianHead) {
  const PortableNetwork network = with_median_head_and_interval(make_synthetic_network(3, {4}));
  const auto result = build_graph_def(network, GraphPurpose::training);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("median head"), std::string::npos) << result.error().message;
}

TEST(GraphDefBuilderTest, PipelineOfAnotherWidthIsAnError) {
  const FeaturePipeline pipeline = make_synthetic_pipeline();
  const PortableNetwork network = make_synthetic_network(3, {4});
  const auto result = build_graph_def(network, GraphPurpose::inference, &pipeline);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("encodes"), std::string::npos) << result.error().message;
}

TEST(GraphDefBuilderTest, InconsistentNetworkIsAnError) {
  PortableNetwork network = make_synthetic_network(3, {4});
  network.layers[1].weight.pop_back();
  const auto result = serialize_graph_def(network, GraphPurpose::inference);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::invalid_data);
  EXPECT_NE(result.error().message.find("layer 2 weight"), std::string::npos) << result.error().message;
}

}  // namespace
}  // namespace vgsales
