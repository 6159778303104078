// Wraps the inference GraphDef in a SavedModel with its signatures; see saved_model_export.h.
#include "export/saved_model_export.h"

#include "graph/graph_def_message.h"

namespace vgsales {
namespace {

tensorflow::TensorInfo tensor_info(const std::string& node_name, std::vector<std::int64_t> dims,
                                   tensorflow::DataType type = tensorflow::DT_FLOAT) {
  tensorflow::TensorInfo info;
  info.set_name(node_name + ":0");
  info.set_dtype(type);
  for (std::int64_t size : dims) info.mutable_tensor_shape()->add_dim()->set_size(size);
  return info;
}

tensorflow::SignatureDef& add_signature(tensorflow::MetaGraphDef& meta_graph, const std::string& key) {
  tensorflow::SignatureDef& signature = (*meta_graph.mutable_signature_def())[key];
  signature.set_method_name(kPredictMethodName);
  return signature;
}

void set_packed_input(tensorflow::SignatureDef& signature, const PortableNetwork& network) {
  (*signature.mutable_inputs())[kGraphInputNodeName] = tensor_info(kGraphInputNodeName, {-1, network.input_width()});
}

// One input per raw feature, keyed by the feature's own name (what TF Serving's named instances use).
void set_raw_inputs(tensorflow::SignatureDef& signature, const PortableNetwork& network,
                    const FeaturePipeline& pipeline) {
  const std::vector<std::string> nodes = graph_raw_input_names(network, pipeline);
  for (std::size_t f = 0; f < nodes.size(); ++f) {
    const FeatureSpec& spec = pipeline.features()[f];
    (*signature.mutable_inputs())[spec.name] =
        tensor_info(nodes[f], {-1},
                    spec.type == ColumnType::categorical ? tensorflow::DT_STRING : tensorflow::DT_FLOAT);
  }
}

void set_mean_output(tensorflow::SignatureDef& signature, const PortableNetwork& network) {
  (*signature.mutable_outputs())[network.output_name] = tensor_info(network.output_name, {-1, 1});
}

void set_interval_outputs(tensorflow::SignatureDef& signature, const PortableNetwork& network) {
  set_mean_output(signature, network);
  for (const ShiftedOutput& shifted : network.shifted_outputs) {
    const std::string name = shifted_output_name(network, shifted);
    (*signature.mutable_outputs())[name] = tensor_info(name, {-1, 1});
  }
}

}  // namespace

Result<tensorflow::SavedModel> build_saved_model(const PortableNetwork& network, const FeaturePipeline* raw_features) {
  VGSALES_ASSIGN_OR_RETURN(tensorflow::GraphDef graph, build_graph_def(network, GraphPurpose::inference, raw_features));
  tensorflow::SavedModel saved_model;
  saved_model.set_saved_model_schema_version(1);
  tensorflow::MetaGraphDef* meta_graph = saved_model.add_meta_graphs();
  meta_graph->mutable_meta_info_def()->add_tags(kServeTag);
  *meta_graph->mutable_graph_def() = std::move(graph);

  tensorflow::SignatureDef& encoded = add_signature(*meta_graph, kEncodedSignatureKey);
  set_packed_input(encoded, network);
  set_mean_output(encoded, network);
  const bool raw_default = raw_features && !raw_features->all_numeric();
  if (raw_features) {
    tensorflow::SignatureDef& rows = add_signature(*meta_graph, kRowsSignatureKey);
    set_raw_inputs(rows, network, *raw_features);
    set_mean_output(rows, network);
  }
  tensorflow::SignatureDef serving_default =
      meta_graph->signature_def().at(raw_default ? kRowsSignatureKey : kEncodedSignatureKey);
  (*meta_graph->mutable_signature_def())[kServingSignatureKey] = std::move(serving_default);
  if (!network.shifted_outputs.empty()) {
    tensorflow::SignatureDef& interval = add_signature(*meta_graph, kIntervalSignatureKey);
    if (raw_features) {
      set_raw_inputs(interval, network, *raw_features);
    } else {
      set_packed_input(interval, network);
    }
    set_interval_outputs(interval, network);
  }
  return saved_model;
}

Result<TensorFlowExportFiles> serialize_tensorflow_export(const PortableNetwork& network,
                                                          const FeaturePipeline* raw_features) {
  VGSALES_ASSIGN_OR_RETURN(const tensorflow::SavedModel saved_model, build_saved_model(network, raw_features));
  TensorFlowExportFiles files;
  files.saved_model = serialize_deterministically(saved_model);
  files.frozen_graph = serialize_deterministically(saved_model.meta_graphs(0).graph_def());
  if (raw_features) {
    VGSALES_ASSIGN_OR_RETURN(const tensorflow::GraphDef packed, build_graph_def(network, GraphPurpose::inference));
    files.encoded_frozen_graph = serialize_deterministically(packed);
  }
  return files;
}

}  // namespace vgsales
