// The GraphDef as a protobuf message, for the exporters that embed it (SavedModel) or write it as is.
// TensorBoard code only needs graph_def_builder.h.
#pragma once

#include <google/protobuf/message_lite.h>

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "graph/graph_def_builder.h"
#include "model/portable_network.h"
#include "tensorflow/core/framework/graph.pb.h"

namespace vgsales {

// The graph's single input: Placeholder float32 [-1, input_width], tensor "input:0".
inline constexpr const char* kGraphInputNodeName = "input";
// The training graph's target: Placeholder float32 [-1, 1] holding the scaled target.
inline constexpr const char* kGraphTargetNodeName = "target";
// The training graph's initializer (a NoOp running every variable's Assign), as tf.compat.v1 names it.
inline constexpr const char* kGraphInitNodeName = "init";
// The training graph's update: one Adam step on a batch fed to `input` and `target`.
inline constexpr const char* kGraphTrainStepNodeName = "optimizer/step";
// versions.producer written into every graph: TF_GRAPH_DEF_VERSION of TensorFlow 2.12 (tensorflow/core/public/
// version.h); anything >= 22 gives rank-aware Placeholder shapes (the Placeholder shape function in
// tensorflow/core/ops/array_ops.cc), and consumers only check min_consumer (0).
inline constexpr int kGraphDefProducer = 1394;

// Bytes of a message with map entries (NodeDef.attr, SignatureDef.inputs) in sorted key order, so the
// same network always gives byte-identical files.
std::string serialize_deterministically(const google::protobuf::MessageLite& message);

// The scope of the raw inputs' encoding (graph_def_builder.h).
inline constexpr const char* kGraphPreprocessingScope = "preprocessing";

// The ops a graph's output stage uses (see graph_def_builder.cpp). opencv_readable, the packed graphs' default: Exp - 1
// undoes a log1p transform, and the clip to a target range with a bound other than 0 is Relu arithmetic (exact up to
// the bound's rounding), since OpenCV 4.6 reads neither SelectV2 nor Maximum/Minimum with a constant. accurate, the
// raw-row graphs' default: a Taylor series near zero chosen by Abs, Less and SelectV2 for expm1, and exact
// Maximum/Minimum. Both clip at a bound of 0 with Relu, which is exact.
enum class GraphOpSet { opencv_readable, accurate };

// The GraphDef; the output tensor is "<network.output_name>:0", float32 [-1, 1], and each shifted output's
// "<output_name>_<suffix>:0". With `raw_features`, raw inputs as graph_raw_input_names() names them.
Result<tensorflow::GraphDef> build_graph_def(const PortableNetwork& network, GraphPurpose purpose,
                                             const FeaturePipeline* raw_features = nullptr,
                                             std::optional<GraphOpSet> ops = std::nullopt);

// The Placeholder node of each raw feature, in the pipeline's feature order (raw_input_encoding.h's rule).
std::vector<std::string> graph_raw_input_names(const PortableNetwork& network, const FeaturePipeline& pipeline);
// "<output_name>_<suffix>": a shifted output's node, and its key in signatures and ONNX outputs.
std::string shifted_output_name(const PortableNetwork& network, const ShiftedOutput& shifted);

}  // namespace vgsales
