// Translates the inference GraphDef into an ONNX model; see onnx_export.h.
#include "export/onnx_export.h"

#include <fmt/format.h>

#include <map>

#include "graph/graph_def_message.h"

namespace vgsales {
namespace {

// TensorFlow op -> ONNX op for the elementwise and matrix ops the inference graph uses. All take the
// same inputs in the same order; BiasAdd over the last axis is numpy-broadcast Add.
const std::map<std::string, std::string>& onnx_op_for_tensorflow_op() {
  static const std::map<std::string, std::string> ops{
      {"MatMul", "MatMul"}, {"BiasAdd", "Add"}, {"AddV2", "Add"}, {"Sub", "Sub"},
      {"Mul", "Mul"},       {"Relu", "Relu"},   {"Exp", "Exp"},   {"Identity", "Identity"},
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
    return make_error(ErrorKind::internal, fmt::format("Const {} is not float32; the ONNX export expects only floats",
                                                       node.name()));
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
    for (std::int64_t k = 0; k < count; ++k) tensor->add_float_data(value.float_val(value.float_val_size() == 1 ? 0 : k));
  }
  return {};
}

}  // namespace

Result<onnx::ModelProto> build_onnx_model(const PortableNetwork& network) {
  VGSALES_ASSIGN_OR_RETURN(const tensorflow::GraphDef graph_def, build_graph_def(network, GraphPurpose::inference));
  onnx::ModelProto model;
  model.set_ir_version(kOnnxIrVersion);
  onnx::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpsetVersion);
  model.set_producer_name("vgsales");
  model.set_producer_version("0.1.0");
  model.set_doc_string(fmt::format("Predicts {} from {} raw input features (scaling included).", network.target_name,
                                   network.input_width()));
  onnx::StringStringEntryProto* target = model.add_metadata_props();
  target->set_key("target_name");
  target->set_value(network.target_name);

  onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name("vgsales");
  for (const tensorflow::NodeDef& node : graph_def.node()) {
    if (node.op() == "Placeholder") {
      set_float_tensor_type(graph->add_input(), node.name(), network.input_width());
      continue;
    }
    if (node.op() == "Const") {
      VGSALES_TRY(add_initializer(graph, node));
      continue;
    }
    const auto op = onnx_op_for_tensorflow_op().find(node.op());
    if (op == onnx_op_for_tensorflow_op().end()) {
      return make_error(ErrorKind::internal, fmt::format("node {}: op {} has no ONNX translation", node.name(), node.op()));
    }
    onnx::NodeProto* onnx_node = graph->add_node();
    onnx_node->set_name(node.name());
    onnx_node->set_op_type(op->second);
    for (const std::string& input : node.input()) onnx_node->add_input(value_name(input));
    onnx_node->add_output(node.name());  // each node's value is named after it, as in the GraphDef
  }
  set_float_tensor_type(graph->add_output(), network.output_name, 1);
  return model;
}

Result<std::string> serialize_onnx_model(const PortableNetwork& network) {
  VGSALES_ASSIGN_OR_RETURN(const onnx::ModelProto model, build_onnx_model(network));
  return serialize_deterministically(model);
}

}  // namespace vgsales
