// The trained network as a TensorFlow GraphDef: what TensorBoard's graph view draws and what the
// SavedModel / frozen-graph exports carry. Free of protobuf headers so callers stay light.
#pragma once

#include <string>

#include "common/result.h"
#include "model/portable_network.h"

namespace vgsales {

// inference: raw features in, target units out (what the exports serve).
// training: the weights as variables initialised to the network's values (op `init`), plus the target
// placeholder, the MSE cost, its gradients and Adam's update (op `optimizer/step`); TensorFlow runs it.
enum class GraphPurpose { inference, training };

// Serialized tensorflow.GraphDef built from the network actually trained. With `raw_features` (the model's feature
// pipeline) the graph also takes one raw input per feature and encodes it under the scope `preprocessing`; the
// packed `input` then defaults to that encoding and may still be fed instead.
Result<std::string> serialize_graph_def(const PortableNetwork& network, GraphPurpose purpose,
                                        const FeaturePipeline* raw_features = nullptr);

}  // namespace vgsales
