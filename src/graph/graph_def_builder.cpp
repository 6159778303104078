// Builds the TensorFlow GraphDef of a PortableNetwork. Every node carries the attrs its op registration
// requires (tensorflow/core/ops/*.cc, e.g. math_ops.cc and state_ops.cc) plus `_output_shapes`, so TensorBoard
// labels edges and TensorFlow, TF Serving and OpenCV all accept the same graph.
#include "graph/graph_def_message.h"

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "graph/network_checks.h"
#include "graph/raw_input_encoding.h"

namespace vgsales {
namespace {

static_assert(std::endian::native == std::endian::little,
              "tensor_content is little-endian; a big-endian host would need a byte swap here");

using Shape = std::vector<std::int64_t>;
constexpr std::int64_t kBatch = -1;  // the unknown batch dimension

void set_shape(tensorflow::TensorShapeProto* proto, const Shape& shape) {
  for (std::int64_t size : shape) proto->add_dim()->set_size(size);
}

// Appends nodes to one GraphDef; each helper sets the attrs its op requires.
class GraphWriter {
 public:
  tensorflow::NodeDef& add(const std::string& name, const std::string& op, const std::vector<std::string>& inputs,
                           const std::vector<Shape>& output_shapes) {
    tensorflow::NodeDef* node = graph_.add_node();
    node->set_name(name);
    node->set_op(op);
    for (const std::string& input : inputs) node->add_input(input);
    if (output_shapes.empty()) return *node;  // NoOp: no edge to label
    auto* shapes = (*node->mutable_attr())["_output_shapes"].mutable_list();
    for (const Shape& shape : output_shapes) set_shape(shapes->add_shape(), shape);
    return *node;
  }

  // An op whose only required attr is T = float (Sub, Mul, AddV2, Relu, Identity, Square, ...).
  const std::string& float_op(const std::string& name, const std::string& op, const std::vector<std::string>& inputs,
                              const Shape& shape) {
    tensorflow::NodeDef& node = add(name, op, inputs, {shape});
    set_type(node, "T", tensorflow::DT_FLOAT);
    return node.name();
  }

  const std::string& placeholder(const std::string& name, const Shape& shape,
                                 tensorflow::DataType type = tensorflow::DT_FLOAT) {
    tensorflow::NodeDef& node = add(name, "Placeholder", {}, {shape});
    set_type(node, "dtype", type);
    set_shape((*node.mutable_attr())["shape"].mutable_shape(), shape);
    return node.name();
  }

  // A Placeholder that computes `value` unless the caller feeds it: the packed `input` of a graph that also
  // takes raw rows (array_ops.cc: attrs dtype and shape).
  const std::string& placeholder_with_default(const std::string& name, const std::string& value, const Shape& shape) {
    tensorflow::NodeDef& node = add(name, "PlaceholderWithDefault", {value}, {shape});
    set_type(node, "dtype", tensorflow::DT_FLOAT);
    set_shape((*node.mutable_attr())["shape"].mutable_shape(), shape);
    return node.name();
  }

  // A DT_STRING Const vector (string_val, one entry per element).
  const std::string& string_constant(const std::string& name, const std::vector<std::string>& values) {
    const Shape shape{static_cast<std::int64_t>(values.size())};
    tensorflow::NodeDef& node = add(name, "Const", {}, {shape});
    set_type(node, "dtype", tensorflow::DT_STRING);
    tensorflow::TensorProto* tensor = (*node.mutable_attr())["value"].mutable_tensor();
    tensor->set_dtype(tensorflow::DT_STRING);
    set_shape(tensor->mutable_tensor_shape(), shape);
    for (const std::string& value : values) tensor->add_string_val(value);
    return node.name();
  }

  // An op with one type attr `T` of the given type (Equal, Reshape's T, SelectV2, IsNan, ...).
  tensorflow::NodeDef& typed_op(const std::string& name, const std::string& op, const std::vector<std::string>& inputs,
                                const Shape& shape, tensorflow::DataType type) {
    tensorflow::NodeDef& node = add(name, op, inputs, {shape});
    set_type(node, "T", type);
    return node;
  }

  const std::string& cast(const std::string& name, const std::string& input, tensorflow::DataType from,
                          tensorflow::DataType to, const Shape& shape) {
    tensorflow::NodeDef& node = add(name, "Cast", {input}, {shape});
    set_type(node, "SrcT", from);
    set_type(node, "DstT", to);
    (*node.mutable_attr())["Truncate"].set_b(false);
    return node.name();
  }

  // A float Const; one value goes in float_val, more as raw little-endian tensor_content.
  const std::string& float_constant(const std::string& name, const std::vector<float>& values, const Shape& shape) {
    tensorflow::NodeDef& node = add(name, "Const", {}, {shape});
    set_type(node, "dtype", tensorflow::DT_FLOAT);
    tensorflow::TensorProto* tensor = (*node.mutable_attr())["value"].mutable_tensor();
    tensor->set_dtype(tensorflow::DT_FLOAT);
    set_shape(tensor->mutable_tensor_shape(), shape);
    if (values.size() == 1) {
      tensor->add_float_val(values.front());
    } else {
      std::string bytes(values.size() * sizeof(float), '\0');
      std::memcpy(bytes.data(), values.data(), bytes.size());
      tensor->set_tensor_content(std::move(bytes));
    }
    return node.name();
  }

  const std::string& int32_constant(const std::string& name, const std::vector<std::int32_t>& values) {
    return int32_constant(name, values, Shape{static_cast<std::int64_t>(values.size())});
  }

  // shape {} for a scalar (ConcatV2's axis).
  const std::string& int32_constant(const std::string& name, const std::vector<std::int32_t>& values,
                                    const Shape& shape) {
    tensorflow::NodeDef& node = add(name, "Const", {}, {shape});
    set_type(node, "dtype", tensorflow::DT_INT32);
    tensorflow::TensorProto* tensor = (*node.mutable_attr())["value"].mutable_tensor();
    tensor->set_dtype(tensorflow::DT_INT32);
    set_shape(tensor->mutable_tensor_shape(), shape);
    for (std::int32_t value : values) tensor->add_int_val(value);
    return node.name();
  }

  const std::string& mat_mul(const std::string& name, const std::string& a, const std::string& b, const Shape& shape,
                             bool transpose_a = false, bool transpose_b = false) {
    tensorflow::NodeDef& node = add(name, "MatMul", {a, b}, {shape});
    set_type(node, "T", tensorflow::DT_FLOAT);
    (*node.mutable_attr())["transpose_a"].set_b(transpose_a);
    (*node.mutable_attr())["transpose_b"].set_b(transpose_b);
    return node.name();
  }

  // BiasAdd and BiasAddGrad: T plus data_format (NHWC = bias on the last dimension).
  const std::string& bias_op(const std::string& name, const std::string& op, const std::vector<std::string>& inputs,
                             const Shape& shape) {
    tensorflow::NodeDef& node = add(name, op, inputs, {shape});
    set_type(node, "T", tensorflow::DT_FLOAT);
    (*node.mutable_attr())["data_format"].set_s("NHWC");
    return node.name();
  }

  // A TF1 variable as tf.compat.v1.Variable lays it out: the VariableV2 `name` (a float_ref), its initial value
  // `name/initial_value`, the `name/Assign` that the `init` op runs, and `name/read`, the plain float its
  // consumers take. One initial value fills the whole shape (TensorProto's single-value rule), as for zeros.
  struct Variable {
    std::string ref;     // VariableV2: what ApplyAdam and Assign update
    std::string read;    // Identity: what MatMul, BiasAdd and the gradients read
    std::string assign;  // Assign of the initial value
  };
  Variable variable(const std::string& name, const std::vector<float>& initial_value, const Shape& shape) {
    tensorflow::NodeDef& node = add(name, "VariableV2", {}, {shape});
    set_type(node, "dtype", tensorflow::DT_FLOAT);
    set_shape((*node.mutable_attr())["shape"].mutable_shape(), shape);
    (*node.mutable_attr())["container"].set_s("");
    (*node.mutable_attr())["shared_name"].set_s("");
    Variable variable{.ref = name};
    const std::string& initial = float_constant(name + "/initial_value", initial_value, shape);
    variable.assign = assign(name + "/Assign", name, initial, shape);
    variable.read = float_op(name + "/read", "Identity", {name}, shape);
    return variable;
  }

  const std::string& assign(const std::string& name, const std::string& ref, const std::string& value,
                            const Shape& shape) {
    tensorflow::NodeDef& node = add(name, "Assign", {ref, value}, {shape});
    set_type(node, "T", tensorflow::DT_FLOAT);
    (*node.mutable_attr())["validate_shape"].set_b(true);
    (*node.mutable_attr())["use_locking"].set_b(true);
    return node.name();
  }

  // A NoOp that runs `nodes` (control inputs), like tf.group.
  const std::string& group(const std::string& name, const std::vector<std::string>& nodes) {
    std::vector<std::string> inputs;
    for (const std::string& node : nodes) inputs.push_back("^" + node);
    return add(name, "NoOp", inputs, {}).name();
  }

  static void set_type(tensorflow::NodeDef& node, const std::string& key, tensorflow::DataType type) {
    (*node.mutable_attr())[key].set_type(type);
  }

  tensorflow::GraphDef take() && {
    graph_.mutable_versions()->set_producer(kGraphDefProducer);
    graph_.mutable_versions()->set_min_consumer(0);
    return std::move(graph_);
  }

 private:
  tensorflow::GraphDef graph_;
};

// A DenseLayer keeps weight as [out][in] (torch::nn::Linear's layout); MatMul(x, kernel) wants kernel as [in][out].
std::vector<float> transposed_kernel(const DenseLayer& layer) {
  std::vector<float> kernel(layer.weight.size());
  for (std::int64_t out = 0; out < layer.output_size; ++out) {
    for (std::int64_t in = 0; in < layer.input_size; ++in) {
      kernel[in * layer.output_size + out] = layer.weight[out * layer.input_size + in];
    }
  }
  return kernel;
}

// layer_1, layer_2, ..., output: the names the histograms, the model card and `vgsales info` use too.
std::string layer_scope(std::size_t index, std::size_t count) { return layer_display_name(index, count); }

// The names the training part refers back to.
struct InferenceNodes {
  std::string scaled_input;                            // scaling/Mul
  std::vector<std::string> layer_outputs;              // per layer: Relu if it has one, else BiasAdd
  std::string scaled_prediction;                       // the last layer's BiasAdd, before unscaling
  std::vector<GraphWriter::Variable> kernels, biases;  // per layer, when the parameters are variables
};

// The exports hold the trained weights as Const nodes (a frozen graph: no variables/ folder to restore); the
// training graph holds them as variables, which ApplyAdam needs as references to update.
enum class Parameters { constants, variables };

// The raw inputs (one Placeholder [-1] per feature: DT_STRING for a categorical one, DT_FLOAT otherwise) and their
// encoding under `preprocessing/`, as FeaturePipeline::encode_row does it:
//   categorical: StringStrip, then Equal against the lookup's keys ([N, K] bools), Cast, and a MatMul onto the
//                one-hot slots plus "other" when no key matched (the slots matrix holds -1 in "other" for each key,
//                and BiasAdd adds 1 there): exact in float, since every sum is of 0s and +-1s;
//   numeric:     IsNan -> SelectV2(fill value) and, with a missing indicator, the Cast of IsNan.
// Returns the [-1, F] encoded rows (ConcatV2 of the features' blocks).
std::string add_preprocessing_nodes(GraphWriter& writer, const FeaturePipeline& pipeline,
                                    const std::vector<std::string>& raw_names) {
  const std::string scope = kGraphPreprocessingScope;
  const std::string& column_shape = writer.int32_constant(scope + "/column_shape", {-1, 1});
  std::vector<std::string> blocks;
  for (std::size_t f = 0; f < pipeline.features().size(); ++f) {
    const FeatureSpec& spec = pipeline.features()[f];
    const std::string& raw_name = raw_names[f];
    const std::string feature_scope = scope + "/" + raw_name;
    const Shape column{kBatch, 1};
    if (spec.type == ColumnType::categorical) {
      const std::string& raw = writer.placeholder(raw_name, {kBatch}, tensorflow::DT_STRING);
      // StringStrip has no attrs (string_ops.cc); it trims ASCII whitespace, a superset of the blanks trimmed by
      // the pipeline (space and tab).
      const std::string& stripped = writer.add(feature_scope + "/StringStrip", "StringStrip", {raw}, {{kBatch}}).name();
      tensorflow::NodeDef& reshape = writer.typed_op(feature_scope + "/Reshape", "Reshape", {stripped, column_shape},
                                                     column, tensorflow::DT_STRING);
      GraphWriter::set_type(reshape, "Tshape", tensorflow::DT_INT32);
      const CategoryLookup lookup = category_lookup(pipeline, f);
      const auto keys_count = static_cast<std::int64_t>(lookup.keys.size());
      const std::string& keys = writer.string_constant(feature_scope + "/keys", lookup.keys);
      tensorflow::NodeDef& equal = writer.typed_op(feature_scope + "/Equal", "Equal", {reshape.name(), keys},
                                                   {kBatch, keys_count}, tensorflow::DT_STRING);
      (*equal.mutable_attr())["incompatible_shape_error"].set_b(true);
      const std::string& matches = writer.cast(feature_scope + "/Cast", equal.name(), tensorflow::DT_BOOL,
                                               tensorflow::DT_FLOAT, {kBatch, keys_count});
      std::vector<float> slots(static_cast<std::size_t>(keys_count * lookup.width), 0.0f);
      for (std::int64_t k = 0; k < keys_count; ++k) {
        slots[k * lookup.width + lookup.slots[k]] += 1.0f;
        slots[k * lookup.width + lookup.other_slot] -= 1.0f;
      }
      const std::string& slot_matrix =
          writer.float_constant(feature_scope + "/slots", slots, {keys_count, lookup.width});
      const std::string& product =
          writer.mat_mul(feature_scope + "/MatMul", matches, slot_matrix, {kBatch, lookup.width});
      std::vector<float> other(static_cast<std::size_t>(lookup.width), 0.0f);
      other[lookup.other_slot] = 1.0f;
      const std::string& other_slot = writer.float_constant(feature_scope + "/other", other, {lookup.width});
      blocks.push_back(writer.bias_op(feature_scope + "/one_hot", "BiasAdd", {product, other_slot},
                                      {kBatch, lookup.width}));
      continue;
    }
    const std::string& raw = writer.placeholder(raw_name, {kBatch});
    tensorflow::NodeDef& reshape =
        writer.typed_op(feature_scope + "/Reshape", "Reshape", {raw, column_shape}, column, tensorflow::DT_FLOAT);
    GraphWriter::set_type(reshape, "Tshape", tensorflow::DT_INT32);
    const std::string& is_missing =
        writer.typed_op(feature_scope + "/IsNan", "IsNan", {reshape.name()}, column, tensorflow::DT_FLOAT).name();
    const std::string& fill =
        writer.float_constant(feature_scope + "/fill_value", {static_cast<float>(spec.fill_value)}, {});
    blocks.push_back(writer
                         .typed_op(feature_scope + "/imputed", "SelectV2", {is_missing, fill, reshape.name()}, column,
                                   tensorflow::DT_FLOAT)
                         .name());
    if (spec.missing_indicator)
      blocks.push_back(writer.cast(feature_scope + "/missing", is_missing, tensorflow::DT_BOOL, tensorflow::DT_FLOAT,
                                   column));
  }
  const std::string& axis = writer.int32_constant(scope + "/axis", {1}, Shape{});
  std::vector<std::string> inputs = blocks;
  inputs.push_back(axis);
  tensorflow::NodeDef& concat = writer.add(scope + "/encoded", "ConcatV2", inputs,
                                           {{kBatch, static_cast<std::int64_t>(pipeline.encoded_width())}});
  GraphWriter::set_type(concat, "T", tensorflow::DT_FLOAT);
  GraphWriter::set_type(concat, "Tidx", tensorflow::DT_INT32);
  (*concat.mutable_attr())["N"].set_i(static_cast<std::int64_t>(blocks.size()));
  return concat.name();
}

// Column `column` of the last layer's [N, C] output when C > 1, as a MatMul by a one-hot [C, 1] (exact, and an
// InnerProduct for OpenCV where a Slice would not be); the output itself when C == 1.
std::string select_column(GraphWriter& writer, const std::string& scope, const std::string& output,
                          std::int64_t columns, std::int64_t column) {
  if (columns == 1) return output;
  std::vector<float> selector(static_cast<std::size_t>(columns), 0.0f);
  selector[column] = 1.0f;
  const std::string& matrix = writer.float_constant(scope + "/column", selector, {columns, 1});
  return writer.mat_mul(scope + "/select", output, matrix, {kBatch, 1});
}

// The accurate expm1 of `x` given Exp(x) - 1 as `exp_minus_one`: x (1 + x/2 (1 + x/3 (1 + ... x/6))) where
// |x| < 0.1, else Exp - 1 (see add_unscaling).
std::string add_accurate_expm1(GraphWriter& writer, const std::string& scope, const std::string& x,
                               const std::string& one, const std::string& exp_minus_one) {
  const Shape column{kBatch, 1};
  std::string series = one;
  for (int k = 6; k >= 2; --k) {
    const std::string term = fmt::format("{}/series_{}", scope, k);
    const std::string& reciprocal = writer.float_constant(term + "/reciprocal", {1.0f / static_cast<float>(k)}, {});
    const std::string& step = writer.float_op(term + "/Mul", "Mul", {x, reciprocal}, column);
    const std::string& scaled = writer.float_op(term + "/Mul_1", "Mul", {step, series}, column);
    series = writer.float_op(term + "/AddV2", "AddV2", {scaled, one}, column);
  }
  series = writer.float_op(scope + "/series", "Mul", {x, series}, column);
  const std::string& magnitude = writer.float_op(scope + "/Abs", "Abs", {x}, column);
  const std::string& bound = writer.float_constant(scope + "/series_bound", {0.1f}, {});
  tensorflow::NodeDef& small =
      writer.typed_op(scope + "/Less", "Less", {magnitude, bound}, column, tensorflow::DT_FLOAT);
  return writer
      .typed_op(scope + "/expm1", "SelectV2", {small.name(), series, exp_minus_one}, column, tensorflow::DT_FLOAT)
      .name();
}

// One output of the graph in target units: the mean, or a shifted output (median, interval bound).
struct UnscaledOutput {
  std::string scope;   // "unscaling" or "unscaling_<suffix>"
  std::string role;    // "mean", or the shifted output's suffix: its scope under target_range/
  std::string scaled;  // the [-1, 1] column it reads, in scaled units
  float offset = 0;    // the output offset, which a shifted output has its own of
  std::string name;    // the output tensor's node
};

// max(x, bound) (`at_least`) or min(x, bound) as `scope`/..., in the op set asked for: Relu(x) for max(x, 0) in
// both (exact, and every engine has it); Maximum / Minimum with the bound in the accurate set; Relu arithmetic in the
// OpenCV-readable one, Relu(x - bound) + bound and -Relu(-(x - bound)) + bound, exact but for the rounding of
// x - bound (constants always the right operand, as OpenCV's importers want them).
std::string add_bound(GraphWriter& writer, const std::string& scope, const std::string& x, float bound, bool at_least,
                      GraphOpSet ops) {
  const Shape column{kBatch, 1};
  if (at_least && bound == 0.0f) return writer.float_op(scope + "/Relu", "Relu", {x}, column);
  const std::string constant = writer.float_constant(scope + "/bound", {bound}, {});
  if (ops == GraphOpSet::accurate)
    return writer.float_op(scope + (at_least ? "/Maximum" : "/Minimum"), at_least ? "Maximum" : "Minimum",
                           {x, constant}, column);
  std::string gap = writer.float_op(scope + "/Sub", "Sub", {x, constant}, column);
  if (at_least) {
    const std::string excess = writer.float_op(scope + "/Relu", "Relu", {gap}, column);
    return writer.float_op(scope + "/AddV2", "AddV2", {excess, constant}, column);
  }
  const std::string minus_one = writer.float_constant(scope + "/minus_one", {-1.0f}, {});
  gap = writer.float_op(scope + "/Neg", "Mul", {gap, minus_one}, column);
  const std::string shortfall = writer.float_op(scope + "/Relu", "Relu", {gap}, column);
  const std::string negated = writer.float_op(scope + "/Mul", "Mul", {shortfall, minus_one}, column);
  return writer.float_op(scope + "/AddV2", "AddV2", {negated, constant}, column);
}

// The clip of an output to the target's range, in its own scope so TensorBoard's graph shows it: the minimum first,
// then the maximum (NativeForward's order); nothing for an open side.
std::string add_target_range_clip(GraphWriter& writer, const PortableNetwork& network, const std::string& scope,
                                  std::string previous, GraphOpSet ops) {
  if (network.clips_below())
    previous = add_bound(writer, scope + "/at_least", previous, network.output_min, /*at_least=*/true, ops);
  if (network.clips_above())
    previous = add_bound(writer, scope + "/at_most", previous, network.output_max, /*at_least=*/false, ops);
  return previous;
}

// y * scale + offset, then expm1 for a log1p target and the clip to the target's range, as the tensor `output.name`.
void add_unscaling(GraphWriter& writer, const PortableNetwork& network, const UnscaledOutput& output, GraphOpSet ops) {
  const Shape column{kBatch, 1};
  const std::string& scope = output.scope;
  const std::string& output_scale = writer.float_constant(scope + "/scale", {network.output_scale}, {});
  const std::string& stretched = writer.float_op(scope + "/Mul", "Mul", {output.scaled, output_scale}, column);
  const std::string& output_offset = writer.float_constant(scope + "/offset", {output.offset}, {});
  std::string previous = writer.float_op(scope + "/AddV2", "AddV2", {stretched, output_offset}, column);
  if (network.target_transform == TargetTransform::log1p) {
    // No Expm1 op: OpenCV's TensorFlow importer (4.6) and ONNX have none. Exp then Sub 1 is what OpenCV runs; it
    // loses the relative accuracy of a result near zero (absolute error ~1e-7). The accurate form keeps Exp - 1
    // where |x| >= 0.1 (relative error below ~2e-6 there) and takes the Taylor series x (1 + x/2 (1 + x/3 (1 + ...
    // x/6))) inside, whose truncation error is below 1e-9 relative: within float rounding of std::expm1, which
    // `vgsales predict` uses. Core ops only (Abs, Less, SelectV2), so the ONNX translation has each of them too.
    const std::string& exponential = writer.float_op(scope + "/Exp", "Exp", {previous}, column);
    const std::string& one = writer.float_constant(scope + "/one", {1.0f}, {});
    const std::string& less_one = writer.float_op(scope + "/Sub", "Sub", {exponential, one}, column);
    previous = ops == GraphOpSet::opencv_readable ? less_one
                                                  : add_accurate_expm1(writer, scope, previous, one, less_one);
  }
  previous = add_target_range_clip(writer, network, "target_range/" + output.role, previous, ops);
  writer.float_op(output.name, "Identity", {previous}, column);
}

InferenceNodes add_inference_nodes(GraphWriter& writer, const PortableNetwork& network, Parameters parameters,
                                   const FeaturePipeline* raw_features, GraphOpSet ops) {
  const std::int64_t width = network.input_width();
  InferenceNodes nodes;
  std::string input;
  if (raw_features) {
    const std::string encoded =
        add_preprocessing_nodes(writer, *raw_features, graph_raw_input_names(network, *raw_features));
    input = writer.placeholder_with_default(kGraphInputNodeName, encoded, {kBatch, width});
  } else {
    input = writer.placeholder(kGraphInputNodeName, {kBatch, width});
  }
  // (x - offset) * scale. The subtraction is spelled MatMul by an identity matrix + BiasAdd(-offset): OpenCV
  // 4.6's TensorFlow importer turns Sub/Add/BiasAdd of a per-feature Const into its Shift layer, which
  // broadcasts along the batch axis and so runs only for a batch of one row, while MatMul + BiasAdd
  // becomes an InnerProduct that takes any batch. Multiplying by an identity is exact, so x - offset is
  // rounded once, as in the trainer's and the predictor's (x - offset) * scale; folding the offset into
  // x * scale - offset * scale instead loses ~1e-6 of the scaled value to cancellation (e.g. a year 2006
  // against a minimum of 1980).
  std::vector<float> identity(static_cast<std::size_t>(width * width), 0.0f);
  std::vector<float> negated_offset(static_cast<std::size_t>(width));
  for (std::int64_t i = 0; i < width; ++i) {
    identity[i * width + i] = 1.0f;
    negated_offset[i] = -network.input_offset[i];
  }
  const std::string& identity_matrix = writer.float_constant("scaling/identity", identity, {width, width});
  const std::string& copied = writer.mat_mul("scaling/MatMul", input, identity_matrix, {kBatch, width});
  const std::string& offset = writer.float_constant("scaling/negated_offset", negated_offset, {width});
  const std::string& shifted = writer.bias_op("scaling/BiasAdd", "BiasAdd", {copied, offset}, {kBatch, width});
  const std::string& scale = writer.float_constant("scaling/scale", network.input_scale, {width});
  nodes.scaled_input = writer.float_op("scaling/Mul", "Mul", {shifted, scale}, {kBatch, width});

  std::string previous = nodes.scaled_input;
  for (std::size_t index = 0; index < network.layers.size(); ++index) {
    const DenseLayer& layer = network.layers[index];
    const std::string scope = layer_scope(index, network.layers.size());
    const Shape activations{kBatch, layer.output_size};
    const Shape kernel_shape{layer.input_size, layer.output_size};
    const Shape bias_shape{layer.output_size};
    // Each parameter is defined just before its first use, so the exports' node order stays as it was.
    const auto parameter = [&](const std::string& name, const std::vector<float>& values, const Shape& shape,
                               std::vector<GraphWriter::Variable>& variables) -> std::string {
      if (parameters == Parameters::constants) return writer.float_constant(name, values, shape);
      variables.push_back(writer.variable(name, values, shape));
      return variables.back().read;
    };
    const std::string kernel = parameter(scope + "/kernel", transposed_kernel(layer), kernel_shape, nodes.kernels);
    const std::string& product = writer.mat_mul(scope + "/MatMul", previous, kernel, activations);
    const std::string bias = parameter(scope + "/bias", layer.bias, bias_shape, nodes.biases);
    previous = writer.bias_op(scope + "/BiasAdd", "BiasAdd", {product, bias}, activations);
    nodes.scaled_prediction = previous;
    if (layer.relu) previous = writer.float_op(scope + "/Relu", "Relu", {previous}, activations);
    nodes.layer_outputs.push_back(previous);
  }

  // The mean reads column 0; each shifted output (median, interval bounds) its own column, with its own offset.
  const std::int64_t columns = network.output_columns();
  add_unscaling(writer, network,
                {.scope = "unscaling",
                 .role = "mean",
                 .scaled = select_column(writer, "unscaling", previous, columns, 0),
                 .offset = network.output_offset,
                 .name = network.output_name},
                ops);
  for (const ShiftedOutput& shifted : network.shifted_outputs) {
    const std::string scope = "unscaling_" + shifted.suffix;
    add_unscaling(writer, network,
                  {.scope = scope,
                   .role = shifted.suffix,
                   .scaled = select_column(writer, scope, previous, columns, shifted.source_column),
                   .offset = shifted.output_offset,
                   .name = shifted_output_name(network, shifted)},
                  ops);
  }
  return nodes;
}

// The cost: the mean squared error of the scaled prediction against the `target` placeholder. Returns the error
// (prediction - target), which the gradient starts from.
std::string add_cost(GraphWriter& writer, const InferenceNodes& nodes) {
  const Shape column{kBatch, 1};
  const std::string& target = writer.placeholder(kGraphTargetNodeName, column);
  const std::string& error = writer.float_op("cost/Sub", "Sub", {nodes.scaled_prediction, target}, column);
  const std::string& squared = writer.float_op("cost/Square", "Square", {error}, column);
  const std::string& axes = writer.int32_constant("cost/reduction_indices", {0, 1});
  tensorflow::NodeDef& mean = writer.add("cost/Mean", "Mean", {squared, axes}, {Shape{}});
  GraphWriter::set_type(mean, "T", tensorflow::DT_FLOAT);
  GraphWriter::set_type(mean, "Tidx", tensorflow::DT_INT32);
  (*mean.mutable_attr())["keep_dims"].set_b(false);
  return error;
}

constexpr const char* kGradientScope = "optimizer/gradients";

// d mean((p - t)^2) / dp = 2 (p - t) / N, the gradient at the scaled prediction.
std::string add_cost_gradient(GraphWriter& writer, const std::string& error) {
  const Shape column{kBatch, 1};
  const std::string gradients = kGradientScope;
  const std::string& two = writer.float_constant(gradients + "/cost_grad/two", {2.0f}, {});
  const std::string& doubled = writer.float_op(gradients + "/cost_grad/Mul", "Mul", {error, two}, column);
  tensorflow::NodeDef& size = writer.add(gradients + "/cost_grad/Size", "Size", {error}, {Shape{}});
  GraphWriter::set_type(size, "T", tensorflow::DT_FLOAT);
  GraphWriter::set_type(size, "out_type", tensorflow::DT_INT32);
  tensorflow::NodeDef& count = writer.add(gradients + "/cost_grad/Cast", "Cast", {size.name()}, {Shape{}});
  GraphWriter::set_type(count, "SrcT", tensorflow::DT_INT32);
  GraphWriter::set_type(count, "DstT", tensorflow::DT_FLOAT);
  (*count.mutable_attr())["Truncate"].set_b(false);
  return writer.float_op(gradients + "/cost_grad/RealDiv", "RealDiv", {doubled, count.name()}, column);
}

struct ParameterGradient {
  GraphWriter::Variable parameter;
  std::string gradient;
  Shape shape;
};

// Backpropagation from the output layer to the first: per layer the kernel's and the bias's gradient (in that
// order, output layer first), then the gradient at the layer's input through the previous layer's ReLU.
std::vector<ParameterGradient> add_parameter_gradients(GraphWriter& writer, const PortableNetwork& network,
                                                       const InferenceNodes& nodes, std::string delta) {
  const std::string gradients = kGradientScope;
  std::vector<ParameterGradient> parameter_gradients;
  for (std::size_t index = network.layers.size(); index-- > 0;) {
    const DenseLayer& layer = network.layers[index];
    const std::string scope = layer_scope(index, network.layers.size());
    const std::string grad_scope = gradients + "/" + scope;
    const std::string& layer_input = index == 0 ? nodes.scaled_input : nodes.layer_outputs[index - 1];
    const Shape kernel_shape{layer.input_size, layer.output_size};
    const std::string& kernel_gradient =
        writer.mat_mul(grad_scope + "/MatMul_grad", layer_input, delta, kernel_shape, true, false);
    const std::string& bias_gradient =
        writer.bias_op(grad_scope + "/BiasAdd_grad", "BiasAddGrad", {delta}, {layer.output_size});
    parameter_gradients.push_back({nodes.kernels[index], kernel_gradient, kernel_shape});
    parameter_gradients.push_back({nodes.biases[index], bias_gradient, {layer.output_size}});
    if (index == 0) break;
    const Shape input_shape{kBatch, layer.input_size};
    delta = writer.mat_mul(grad_scope + "/input_grad", delta, nodes.kernels[index].read, input_shape, false, true);
    if (network.layers[index - 1].relu) {
      const std::string previous_scope = layer_scope(index - 1, network.layers.size());
      delta = writer.float_op(gradients + "/" + previous_scope + "/Relu_grad", "ReluGrad",
                              {delta, previous_scope + "/Relu"}, input_shape);
    }
  }
  return parameter_gradients;
}

// Adam's hyperparameters as constants and its bias-correction powers as variables.
struct AdamNodes {
  std::string learning_rate, beta1, beta2, epsilon;
  GraphWriter::Variable beta1_power, beta2_power;  // beta^t, starting at beta^1 for the first step
};

AdamNodes add_adam_settings(GraphWriter& writer) {
  // Adam's defaults (Kingma & Ba; torch.optim.Adam): the PortableNetwork does not carry training settings.
  constexpr float kBeta1 = 0.9f;
  constexpr float kBeta2 = 0.999f;
  AdamNodes adam;
  adam.learning_rate = writer.float_constant("optimizer/learning_rate", {0.001f}, {});
  adam.beta1 = writer.float_constant("optimizer/beta1", {kBeta1}, {});
  adam.beta2 = writer.float_constant("optimizer/beta2", {kBeta2}, {});
  adam.epsilon = writer.float_constant("optimizer/epsilon", {1e-8f}, {});
  adam.beta1_power = writer.variable("optimizer/beta1_power", {kBeta1}, {});
  adam.beta2_power = writer.variable("optimizer/beta2_power", {kBeta2}, {});
  return adam;
}

// One ApplyAdam per parameter, first layer first, each on its variable and its zero-initialised `m` and `v` slots
// (whose Assigns join `initializers`), run only once every gradient is ready. Returns the updates.
std::vector<std::string> add_adam_updates(GraphWriter& writer, const AdamNodes& adam,
                                          const std::vector<ParameterGradient>& parameter_gradients,
                                          std::vector<std::string>& initializers) {
  // Every gradient is computed before any update (TF1's gate_gradients=GATE_GRAPH): an update writes its
  // variable in place, and a gradient still reading that variable would otherwise see the new value, so one
  // step would depend on the order TensorFlow happens to run the nodes in.
  std::vector<std::string> gradient_nodes;
  for (const ParameterGradient& parameter : parameter_gradients) gradient_nodes.push_back(parameter.gradient);
  const std::string& gradients_ready = writer.group(std::string(kGradientScope) + "/ready", gradient_nodes);
  std::vector<std::string> updates;
  for (auto it = parameter_gradients.rbegin(); it != parameter_gradients.rend(); ++it) {
    const std::string slot_scope = "optimizer/" + it->parameter.ref;
    const GraphWriter::Variable first_moment = writer.variable(slot_scope + "/m", {0.0f}, it->shape);
    const GraphWriter::Variable second_moment = writer.variable(slot_scope + "/v", {0.0f}, it->shape);
    initializers.push_back(first_moment.assign);
    initializers.push_back(second_moment.assign);
    tensorflow::NodeDef& update =
        writer.add(slot_scope + "/ApplyAdam", "ApplyAdam",
                   {it->parameter.ref, first_moment.ref, second_moment.ref, adam.beta1_power.read,
                    adam.beta2_power.read, adam.learning_rate, adam.beta1, adam.beta2, adam.epsilon, it->gradient,
                    "^" + gradients_ready},
                   {it->shape});
    GraphWriter::set_type(update, "T", tensorflow::DT_FLOAT);
    (*update.mutable_attr())["use_locking"].set_b(false);
    (*update.mutable_attr())["use_nesterov"].set_b(false);
    updates.push_back(update.name());
  }
  return updates;
}

// MSE on the scaled target, its gradient by hand (the ops TensorFlow's own gradients would emit), and Adam as
// tf.compat.v1.train.AdamOptimizer builds it: one ApplyAdam per parameter on its variable and its `m` and `v`
// slots, then beta1_power and beta2_power advanced, all grouped in `optimizer/step`; `init` assigns every
// variable its initial value. TensorFlow imports and runs the graph (tests/engines/ checks the gradients
// against its own); TensorBoard draws it.
void add_training_nodes(GraphWriter& writer, const PortableNetwork& network, const InferenceNodes& nodes) {
  const std::string error = add_cost(writer, nodes);
  const std::string delta = add_cost_gradient(writer, error);
  const std::vector<ParameterGradient> parameter_gradients = add_parameter_gradients(writer, network, nodes, delta);
  const AdamNodes adam = add_adam_settings(writer);
  std::vector<std::string> initializers;
  for (std::size_t index = 0; index < nodes.kernels.size(); ++index) {
    initializers.push_back(nodes.kernels[index].assign);
    initializers.push_back(nodes.biases[index].assign);
  }
  initializers.push_back(adam.beta1_power.assign);
  initializers.push_back(adam.beta2_power.assign);
  const std::vector<std::string> updates = add_adam_updates(writer, adam, parameter_gradients, initializers);
  // After every update has read them, beta1_power *= beta1 and beta2_power *= beta2 (AdamOptimizer._finish).
  std::vector<std::string> step = updates;
  for (const auto& [power, beta] : {std::pair{adam.beta1_power, adam.beta1}, std::pair{adam.beta2_power, adam.beta2}}) {
    tensorflow::NodeDef& next = writer.add(power.ref + "/next", "Mul", {power.read, beta}, {Shape{}});
    GraphWriter::set_type(next, "T", tensorflow::DT_FLOAT);
    for (const std::string& update : updates) next.add_input("^" + update);
    step.push_back(writer.assign(power.ref + "/update", power.ref, next.name(), {}));
  }
  writer.group(kGraphTrainStepNodeName, step);
  writer.group(kGraphInitNodeName, initializers);
}

}  // namespace

std::string shifted_output_name(const PortableNetwork& network, const ShiftedOutput& shifted) {
  return network.output_name + "_" + shifted.suffix;
}

std::vector<std::string> graph_raw_input_names(const PortableNetwork& network, const FeaturePipeline& pipeline) {
  std::vector<std::string> taken{kGraphInputNodeName, kGraphTargetNodeName,
                                 kGraphInitNodeName,  kGraphPreprocessingScope,
                                 "scaling",           "cost",
                                 "optimizer",         "output",
                                 network.output_name};
  taken.push_back("unscaling");
  for (const ShiftedOutput& shifted : network.shifted_outputs) {
    taken.push_back(shifted_output_name(network, shifted));
    taken.push_back("unscaling_" + shifted.suffix);
  }
  for (std::size_t index = 0; index < network.layers.size(); ++index)
    taken.push_back(layer_scope(index, network.layers.size()));
  return raw_input_node_names(pipeline, taken);
}

Result<tensorflow::GraphDef> build_graph_def(const PortableNetwork& network, GraphPurpose purpose,
                                             const FeaturePipeline* raw_features, std::optional<GraphOpSet> ops) {
  VGSALES_TRY(check_portable_network(network));
  if (raw_features && !pipeline_fits_network_width(*raw_features, network.input_width()))
    return make_error(ErrorKind::invalid_data,
                      fmt::format("the feature pipeline encodes {} inputs but the network takes {}",
                                  raw_features->encoded_width(), network.input_width()));
  if (purpose == GraphPurpose::training && network.output_columns() != 1)
    return make_error(ErrorKind::invalid_data,
                      "the training graph draws networks with one output column (no median "
                      "head): its cost is the mean's squared error");
  GraphWriter writer;
  const InferenceNodes nodes =
      add_inference_nodes(writer, network,
                          purpose == GraphPurpose::training ? Parameters::variables : Parameters::constants,
                          raw_features,
                          ops.value_or(raw_features ? GraphOpSet::accurate : GraphOpSet::opencv_readable));
  if (purpose == GraphPurpose::training) add_training_nodes(writer, network, nodes);
  return std::move(writer).take();
}

std::string serialize_deterministically(const google::protobuf::MessageLite& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }  // the CodedOutputStream flushes into `bytes` when it goes out of scope
  return bytes;
}

Result<std::string> serialize_graph_def(const PortableNetwork& network, GraphPurpose purpose,
                                        const FeaturePipeline* raw_features) {
  VGSALES_ASSIGN_OR_RETURN(const tensorflow::GraphDef graph, build_graph_def(network, purpose, raw_features));
  return serialize_deterministically(graph);
}

}  // namespace vgsales
