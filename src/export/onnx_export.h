// The ONNX exports: model.onnx takes raw rows (ONNX Runtime, BigQuery ML's ONNX import), model.encoded.onnx the
// packed layout (OpenCV's dnn module); both the same inference graph as the TensorFlow export.
#pragma once

#include <string>

#include "common/result.h"
#include "data/feature_pipeline.h"
#include "model/portable_network.h"
#include "onnx/onnx.pb.h"

namespace vgsales {

inline constexpr const char* kOnnxFileName = "model.onnx";
// The packed-input model (input "input" float [batch, F]), for engines without string tensors or the ai.onnx.ml
// domain (OpenCV's dnn module).
inline constexpr const char* kEncodedOnnxFileName = "model.encoded.onnx";
// IR 8 with opset 13 (onnx/helper.py VERSION_TABLE): the checker of onnx 1.10-1.12 accepts the pair, every op used here
// exists in opset 13 (MatMul-13, Add/Sub/Mul/Relu/Exp-13, Identity-13; for raw rows Unsqueeze-13, IsNaN-13, Where-9,
// Equal-13 on int64, Cast-13, Concat-13), and older runtimes and OpenCV 4.6 know all of the packed model's.
inline constexpr std::int64_t kOnnxIrVersion = 8;
inline constexpr std::int64_t kOnnxOpsetVersion = 13;
// The raw-row model's category lookup: ai.onnx.ml LabelEncoder-2 (string keys -> int64 slots), in ml opset 2,
// which the onnx 1.12 checker and ONNX Runtime accept (docs/formats.md F.5).
inline constexpr const char* kOnnxMlDomain = "ai.onnx.ml";
inline constexpr std::int64_t kOnnxMlOpsetVersion = 2;
// The symbolic batch dimension of the input and output.
inline constexpr const char* kOnnxBatchDimension = "batch";

// Translates the inference GraphDef op by op (MatMul, BiasAdd -> Add, AddV2 -> Add, Sub, Mul, Relu, Exp,
// Identity), so both exports compute exactly the same function; weights are initializers. Outputs <output_name>
// float [batch, 1] and, for a network with shifted outputs, <output_name>_<suffix> each.
// Without `raw_features`: one input "input" float [batch, F] (the packed layout).
// With them: one input per feature named exactly as the feature, string [batch] for a categorical one (the cell's
// text; ONNX opset 13 has no string trim, so blanks around it make it unseen) and float [batch] otherwise (NaN =
// missing), encoded in the graph as the feature pipeline does.
Result<onnx::ModelProto> build_onnx_model(const PortableNetwork& network,
                                          const FeaturePipeline* raw_features = nullptr);
Result<std::string> serialize_onnx_model(const PortableNetwork& network, const FeaturePipeline* raw_features = nullptr);

}  // namespace vgsales
