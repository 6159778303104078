// Translates the inference GraphDef into an ONNX model; see onnx_export.h.
#include "export/onnx_export.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "graph/graph_def_message.h"
#include "graph/raw_input_encoding.h"

namespace vgsales {
namespace {

// TensorFlow op -> ONNX op for the elementwise and matrix ops the inference graph uses. All take the
// same inputs in the same order; BiasAdd over the last axis is numpy-broadcast Add.
const std::map<std::string, std::string>& onnx_op_for_tensorflow_op() {
  static const std::map<std::string, std::string> ops{
      {"MatMul", "MatMul"},
      {"BiasAdd", "Add"},
      {"AddV2", "Add"},
      {"Sub", "Sub"},
      {"Mul", "Mul"},
      {"Relu", "Relu"},
      {"Exp", "Exp"},
      {"Identity", "Identity"},
      // The accurate expm1 of the raw-row model (Abs-13, Less-13, Where-9 on float).
      {"Abs", "Abs"},
      {"Less", "Less"},
      {"SelectV2", "Where"},
      // The clip to the target's range (Max-13 and Min-13 broadcast the scalar bound).
      {"Maximum", "Max"},
      {"Minimum", "Min"},
  };
  return ops;
}

// A GraphDef input "node" or "node:0" names the value produced by that node.
std::string value_name(const std::string& tensorflow_input) {
  return tensorflow_input.substr(0, tensorflow_input.find(':'));
}

void set_float_tensor_type(onnx::ValueInfoProto* value, const std::string& name, std::int64_t width) {
  value->set_name(name);
  onnx::TypeProto::Tensor* tensor = value->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  tensor->mutable_shape()->add_dim()->set_dim_param(kOnnxBatchDimension);
  tensor->mutable_shape()->add_dim()->set_dim_value(width);
}

Result<void> add_initializer(onnx::GraphProto* graph, const tensorflow::NodeDef& node) {
  const tensorflow::TensorProto& value = node.attr().at("value").tensor();
  if (value.dtype() != tensorflow::DT_FLOAT) {
    return make_error(ErrorKind::internal,
                      fmt::format("Const {} is not float32; the ONNX export expects only floats", node.name()));
  }
  onnx::TensorProto* tensor = graph->add_initializer();
  tensor->set_name(node.name());
  tensor->set_data_type(onnx::TensorProto::FLOAT);
  std::int64_t count = 1;
  for (const auto& dim : value.tensor_shape().dim()) {
    tensor->add_dims(dim.size());
    count *= dim.size();
  }
  if (!value.tensor_content().empty()) {
    tensor->set_raw_data(value.tensor_content());  // both formats: little-endian row-major
  } else {
    // A single float_val fills the whole shape (TensorProto version 0 rule).
    for (std::int64_t k = 0; k < count; ++k)
      tensor->add_float_data(value.float_val(value.float_val_size() == 1 ? 0 : k));
  }
  return {};
}

void set_vector_type(onnx::ValueInfoProto* value, const std::string& name, onnx::TensorProto::DataType type) {
  value->set_name(name);
  onnx::TypeProto::Tensor* tensor = value->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(type);
  tensor->mutable_shape()->add_dim()->set_dim_param(kOnnxBatchDimension);
}

// Builds the raw rows' encoding as ONNX nodes: FeaturePipeline::encode_row's rules, as the GraphDef's
// `preprocessing` scope spells them with TensorFlow ops (graph_def_builder.cpp), here with the ops ONNX Runtime
// runs at opset 13 and ai.onnx.ml 2.
class OnnxPreprocessing {
 public:
  explicit OnnxPreprocessing(onnx::GraphProto* graph) : graph_(graph) {}

  // Adds the inputs and nodes; the encoded rows end in the value `encoded_name`.
  void build(const FeaturePipeline& pipeline, const std::string& encoded_name) {
    const std::string axes = int64_initializer(scope_ + "/column_axis", {1}, {1});
    std::vector<std::string> blocks;
    for (std::size_t f = 0; f < pipeline.features().size(); ++f) {
      const FeatureSpec& spec = pipeline.features()[f];
      const std::string feature_scope = scope_ + "/" + spec.name;
      if (spec.type == ColumnType::categorical) {
        set_vector_type(graph_->add_input(), spec.name, onnx::TensorProto::STRING);
        const CategoryLookup lookup = category_lookup(pipeline, f);
        onnx::NodeProto* encoder = node(feature_scope + "/LabelEncoder", "LabelEncoder", {spec.name});
        encoder->set_domain(kOnnxMlDomain);
        onnx::AttributeProto* keys = attribute(encoder, "keys_strings", onnx::AttributeProto::STRINGS);
        for (const std::string& key : lookup.keys) keys->add_strings(key);
        onnx::AttributeProto* values = attribute(encoder, "values_int64s", onnx::AttributeProto::INTS);
        for (std::int64_t slot : lookup.slots) values->add_ints(slot);
        attribute(encoder, "default_int64", onnx::AttributeProto::INT)->set_i(lookup.other_slot);
        const std::string column =
            node(feature_scope + "/Unsqueeze", "Unsqueeze", {encoder->output(0), axes})->output(0);
        std::vector<std::int64_t> slots(static_cast<std::size_t>(lookup.width));
        for (std::int64_t k = 0; k < lookup.width; ++k) slots[k] = k;
        const std::string range = int64_initializer(feature_scope + "/slots", slots, {lookup.width});
        const std::string hits = node(feature_scope + "/Equal", "Equal", {column, range})->output(0);
        blocks.push_back(cast_to_float(feature_scope + "/one_hot", hits));
        continue;
      }
      set_vector_type(graph_->add_input(), spec.name, onnx::TensorProto::FLOAT);
      const std::string column = node(feature_scope + "/Unsqueeze", "Unsqueeze", {spec.name, axes})->output(0);
      const std::string is_missing = node(feature_scope + "/IsNaN", "IsNaN", {column})->output(0);
      onnx::TensorProto* fill = graph_->add_initializer();
      fill->set_name(feature_scope + "/fill_value");
      fill->set_data_type(onnx::TensorProto::FLOAT);
      fill->add_float_data(static_cast<float>(spec.fill_value));
      blocks.push_back(node(feature_scope + "/imputed", "Where", {is_missing, fill->name(), column})->output(0));
      if (spec.missing_indicator) blocks.push_back(cast_to_float(feature_scope + "/missing", is_missing));
    }
    onnx::NodeProto* concat = node(scope_ + "/encoded", "Concat", blocks);
    attribute(concat, "axis", onnx::AttributeProto::INT)->set_i(1);
    concat->set_output(0, encoded_name);
  }

 private:
  // A node whose one output is named after it.
  onnx::NodeProto* node(const std::string& name, const std::string& op, const std::vector<std::string>& inputs) {
    onnx::NodeProto* added = graph_->add_node();
    added->set_name(name);
    added->set_op_type(op);
    for (const std::string& input : inputs) added->add_input(input);
    added->add_output(name);
    return added;
  }

  static onnx::AttributeProto* attribute(onnx::NodeProto* node, const std::string& name,
                                         onnx::AttributeProto::AttributeType type) {
    onnx::AttributeProto* added = node->add_attribute();
    added->set_name(name);
    added->set_type(type);
    return added;
  }

  std::string cast_to_float(const std::string& name, const std::string& input) {
    onnx::NodeProto* cast = node(name, "Cast", {input});
    attribute(cast, "to", onnx::AttributeProto::INT)->set_i(onnx::TensorProto::FLOAT);
    return cast->output(0);
  }

  std::string int64_initializer(const std::string& name, const std::vector<std::int64_t>& values,
                                const std::vector<std::int64_t>& dims) {
    onnx::TensorProto* tensor = graph_->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::INT64);
    for (std::int64_t dim : dims) tensor->add_dims(dim);
    for (std::int64_t value : values) tensor->add_int64_data(value);
    return name;
  }

  onnx::GraphProto* graph_;
  const std::string scope_ = kGraphPreprocessingScope;
};

// Raw inputs are named as the features; none may take a name the graph already gives a value.
Result<void> check_raw_input_names(const tensorflow::GraphDef& graph_def, const FeaturePipeline& pipeline) {
  std::set<std::string> values;
  for (const tensorflow::NodeDef& node : graph_def.node()) values.insert(node.name());
  for (const FeatureSpec& spec : pipeline.features()) {
    if (spec.name.empty() || values.count(spec.name) ||
        spec.name.starts_with(std::string(kGraphPreprocessingScope) + "/"))
      return make_error(ErrorKind::invalid_data,
                        fmt::format("feature '{}' cannot be an input of model.onnx: the graph already names a value so",
                                    spec.name));
  }
  return {};
}

}  // namespace

Result<onnx::ModelProto> build_onnx_model(const PortableNetwork& network, const FeaturePipeline* raw_features) {
  // The network part of the GraphDef (the preprocessing is spelt in ONNX's own ops below); the raw-row model, which
  // OpenCV cannot read anyway, gets the accurate expm1.
  VGSALES_ASSIGN_OR_RETURN(const tensorflow::GraphDef graph_def,
                           build_graph_def(network, GraphPurpose::inference, nullptr,
                                           raw_features ? GraphOpSet::accurate : GraphOpSet::opencv_readable));
  if (raw_features) {
    if (!pipeline_fits_network_width(*raw_features, network.input_width()))
      return make_error(ErrorKind::invalid_data,
                        fmt::format("the feature pipeline encodes {} inputs but the network takes {}",
                                    raw_features->encoded_width(), network.input_width()));
    VGSALES_TRY(check_raw_input_names(graph_def, *raw_features));
  }
  onnx::ModelProto model;
  model.set_ir_version(kOnnxIrVersion);
  onnx::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpsetVersion);
  if (raw_features) {
    onnx::OperatorSetIdProto* ml_opset = model.add_opset_import();
    ml_opset->set_domain(kOnnxMlDomain);
    ml_opset->set_version(kOnnxMlOpsetVersion);
  }
  model.set_producer_name("vgsales");
  model.set_producer_version("0.1.0");
  model.set_doc_string(raw_features
                           ? fmt::format("Predicts {} from {} raw feature columns (encoding and scaling included).",
                                         network.target_name, raw_features->features().size())
                           : fmt::format("Predicts {} from {} encoded inputs (scaling included).", network.target_name,
                                         network.input_width()));
  onnx::StringStringEntryProto* target = model.add_metadata_props();
  target->set_key("target_name");
  target->set_value(network.target_name);

  onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name("vgsales");
  if (raw_features) OnnxPreprocessing(graph).build(*raw_features, kGraphInputNodeName);
  for (const tensorflow::NodeDef& node : graph_def.node()) {
    if (node.op() == "Placeholder") {
      if (!raw_features) set_float_tensor_type(graph->add_input(), node.name(), network.input_width());
      continue;
    }
    if (node.op() == "Const") {
      VGSALES_TRY(add_initializer(graph, node));
      continue;
    }
    const auto op = onnx_op_for_tensorflow_op().find(node.op());
    if (op == onnx_op_for_tensorflow_op().end()) {
      return make_error(ErrorKind::internal,
                        fmt::format("node {}: op {} has no ONNX translation", node.name(), node.op()));
    }
    onnx::NodeProto* onnx_node = graph->add_node();
    onnx_node->set_name(node.name());
    onnx_node->set_op_type(op->second);
    for (const std::string& input : node.input()) onnx_node->add_input(value_name(input));
    onnx_node->add_output(node.name());  // each node's value is named after it, as in the GraphDef
  }
  set_float_tensor_type(graph->add_output(), network.output_name, 1);
  for (const ShiftedOutput& shifted : network.shifted_outputs)
    set_float_tensor_type(graph->add_output(), shifted_output_name(network, shifted), 1);
  return model;
}

Result<std::string> serialize_onnx_model(const PortableNetwork& network, const FeaturePipeline* raw_features) {
  VGSALES_ASSIGN_OR_RETURN(const onnx::ModelProto model, build_onnx_model(network, raw_features));
  return serialize_deterministically(model);
}

}  // namespace vgsales
