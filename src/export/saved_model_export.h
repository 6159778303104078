// The TensorFlow SavedModel export: saved_model.pb (what TF Serving and Vertex AI's prebuilt TensorFlow
// containers load) and the bare frozen GraphDef (what OpenCV and older tools load).
#pragma once

#include <string>

#include "common/result.h"
#include "model/portable_network.h"
#include "tensorflow/core/protobuf/saved_model.pb.h"

namespace vgsales {

inline constexpr const char* kSavedModelFileName = "saved_model.pb";
inline constexpr const char* kFrozenGraphFileName = "frozen_graph.pb";
inline constexpr const char* kServeTag = "serve";                          // tag_constants.h
inline constexpr const char* kServingSignatureKey = "serving_default";     // signature_constants.h
inline constexpr const char* kPredictMethodName = "tensorflow/serving/predict";

// SavedModel schema 1 with one MetaGraphDef tagged "serve": the frozen inference graph (weights as Const,
// no variables/ and no saver_def, which the loader accepts: tensorflow/cc/saved_model/loader.cc restores only when variables.index exists) and signature
// serving_default {input: float32 [-1, F]} -> {<output_name>: float32 [-1, 1]}.
Result<tensorflow::SavedModel> build_saved_model(const PortableNetwork& network);

struct TensorFlowExportFiles {
  std::string saved_model;   // saved_model.pb bytes
  std::string frozen_graph;  // frozen_graph.pb bytes: the same GraphDef as inside saved_model.pb
};
Result<TensorFlowExportFiles> serialize_tensorflow_export(const PortableNetwork& network);

}  // namespace vgsales
