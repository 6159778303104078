// The ONNX export (model.onnx): the same inference graph as the TensorFlow export, for ONNX Runtime,
// OpenCV's dnn module and BigQuery ML's ONNX import.
#pragma once

#include <string>

#include "common/result.h"
#include "model/portable_network.h"
#include "onnx/onnx.pb.h"

namespace vgsales {

inline constexpr const char* kOnnxFileName = "model.onnx";
// IR 8 with opset 13 (onnx/helper.py VERSION_TABLE): the checker of onnx 1.10-1.12 accepts the pair, every op used here
// exists in opset 13 (MatMul-13, Add/Sub/Mul/Relu/Exp-13, Identity-13), and older runtimes and OpenCV
// 4.6 know all of them.
inline constexpr std::int64_t kOnnxIrVersion = 8;
inline constexpr std::int64_t kOnnxOpsetVersion = 13;
// The symbolic batch dimension of the input and output.
inline constexpr const char* kOnnxBatchDimension = "batch";

// Translates the inference GraphDef op by op (MatMul, BiasAdd -> Add, AddV2 -> Add, Sub, Mul, Relu, Exp,
// Identity), so both exports compute exactly the same function. Input "input" float [batch, F], output
// <output_name> float [batch, 1]; weights are initializers.
Result<onnx::ModelProto> build_onnx_model(const PortableNetwork& network);
Result<std::string> serialize_onnx_model(const PortableNetwork& network);

}  // namespace vgsales
