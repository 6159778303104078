// The TensorFlow SavedModel export: saved_model.pb (what TF Serving and Vertex AI's prebuilt TensorFlow
// containers load) and the bare frozen GraphDefs (what TensorFlow 1 tools and OpenCV load).
#pragma once

#include <string>

#include "common/result.h"
#include "data/feature_pipeline.h"
#include "model/portable_network.h"
#include "tensorflow/core/protobuf/saved_model.pb.h"

namespace vgsales {

inline constexpr const char* kSavedModelFileName = "saved_model.pb";
inline constexpr const char* kFrozenGraphFileName = "frozen_graph.pb";
// The packed-input graph alone (no string ops), for OpenCV's TensorFlow importer.
inline constexpr const char* kEncodedFrozenGraphFileName = "frozen_graph.encoded.pb";
inline constexpr const char* kServeTag = "serve";                       // tag_constants.h
inline constexpr const char* kServingSignatureKey = "serving_default";  // signature_constants.h
inline constexpr const char* kPredictMethodName = "tensorflow/serving/predict";
// The raw-row signature: one input per feature, named as the feature.
inline constexpr const char* kRowsSignatureKey = "rows";
// The packed signature: input `input` float32 [-1, F], the encoded layout of model.json's encoded_inputs.
inline constexpr const char* kEncodedSignatureKey = "encoded";
// Raw rows in; the mean, and <output>_median, _lower, _upper out (models with an interval only).
inline constexpr const char* kIntervalSignatureKey = "interval";

// SavedModel schema 1 with one MetaGraphDef tagged "serve": the frozen inference graph (weights as Const, no
// variables/ and no saver_def, which the loader accepts: tensorflow/cc/saved_model/loader.cc restores only when
// variables.index exists). Signatures, all with method tensorflow/serving/predict:
//   encoded          {input: float32 [-1, F]} -> {<output>: float32 [-1, 1]}
//   rows             {<feature>: string [-1] (categorical) or float32 [-1] (numeric, boolean)} -> {<output>}
//   serving_default  rows for a model with a categorical feature; encoded for an all-numeric model (its packed
//                    input is what the seed's clients send)
//   interval         the rows inputs -> {<output>, <output>_median, <output>_lower, <output>_upper}, when the
//                    network has shifted outputs
// Without `raw_features` (a bare network), only encoded, serving_default = encoded, and interval over `input`.
Result<tensorflow::SavedModel> build_saved_model(const PortableNetwork& network,
                                                 const FeaturePipeline* raw_features = nullptr);

struct TensorFlowExportFiles {
  std::string saved_model;           // saved_model.pb bytes
  std::string frozen_graph;          // frozen_graph.pb bytes: the same GraphDef as inside saved_model.pb
  std::string encoded_frozen_graph;  // frozen_graph.encoded.pb: the packed graph (empty without raw_features)
};
Result<TensorFlowExportFiles> serialize_tensorflow_export(const PortableNetwork& network,
                                                          const FeaturePipeline* raw_features = nullptr);

}  // namespace vgsales
