// A LibTorch-free snapshot of a trained network: what exporters, graph builders and logs read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vgsales {

struct DenseLayer {
  std::int64_t input_size = 0;
  std::int64_t output_size = 0;
  std::vector<float> weight;  // [output_size][input_size], row-major: torch::nn::Linear's layout
  std::vector<float> bias;    // [output_size]
  bool relu = false;          // ReLU after the affine map (hidden layers; never the output layer)
};

enum class TargetTransform { none, log1p };

// raw features --(x - input_offset) * input_scale--> layers --(y * output_scale + output_offset)-->
// [expm1 if target_transform == log1p] --> the target in its own units.
struct PortableNetwork {
  std::vector<std::string> input_names;  // the model's input columns, in input order
  std::string target_name;               // the CSV column the model predicts, e.g. "total_earnings"
  std::string output_name;               // the output tensor's name in exports, e.g. "earnings"
  std::vector<float> input_offset;       // per input: the training minimum
  std::vector<float> input_scale;        // per input: 1 / (max - min), or 1 for a constant column
  std::vector<DenseLayer> layers;
  float output_scale = 1.0f;             // target max - min (of the transformed target)
  float output_offset = 0.0f;            // target min (of the transformed target)
  TargetTransform target_transform = TargetTransform::none;

  std::int64_t input_width() const { return static_cast<std::int64_t>(input_names.size()); }
  std::int64_t parameter_count() const {
    std::int64_t count = 0;
    for (const auto& layer : layers) count += layer.input_size * layer.output_size + layer.output_size;
    return count;
  }
};

}  // namespace vgsales
