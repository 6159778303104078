// Wraps the inference GraphDef in a SavedModel with the serving signature; see saved_model_export.h.
#include "export/saved_model_export.h"

#include "graph/graph_def_message.h"

namespace vgsales {
namespace {

tensorflow::TensorInfo float_tensor_info(const std::string& node_name, std::int64_t width) {
  tensorflow::TensorInfo info;
  info.set_name(node_name + ":0");
  info.set_dtype(tensorflow::DT_FLOAT);
  info.mutable_tensor_shape()->add_dim()->set_size(-1);  // any batch size
  info.mutable_tensor_shape()->add_dim()->set_size(width);
  return info;
}

}  // namespace

Result<tensorflow::SavedModel> build_saved_model(const PortableNetwork& network) {
  VGSALES_ASSIGN_OR_RETURN(tensorflow::GraphDef graph, build_graph_def(network, GraphPurpose::inference));
  tensorflow::SavedModel saved_model;
  saved_model.set_saved_model_schema_version(1);
  tensorflow::MetaGraphDef* meta_graph = saved_model.add_meta_graphs();
  meta_graph->mutable_meta_info_def()->add_tags(kServeTag);
  *meta_graph->mutable_graph_def() = std::move(graph);
  tensorflow::SignatureDef& signature = (*meta_graph->mutable_signature_def())[kServingSignatureKey];
  signature.set_method_name(kPredictMethodName);
  (*signature.mutable_inputs())[kGraphInputNodeName] = float_tensor_info(kGraphInputNodeName, network.input_width());
  (*signature.mutable_outputs())[network.output_name] = float_tensor_info(network.output_name, 1);
  return saved_model;
}

Result<TensorFlowExportFiles> serialize_tensorflow_export(const PortableNetwork& network) {
  VGSALES_ASSIGN_OR_RETURN(const tensorflow::SavedModel saved_model, build_saved_model(network));
  TensorFlowExportFiles files;
  files.saved_model = serialize_deterministically(saved_model);
  files.frozen_graph = serialize_deterministically(saved_model.meta_graphs(0).graph_def());
  return files;
}

}  // namespace vgsales
