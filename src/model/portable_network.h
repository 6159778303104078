// A LibTorch-free snapshot of a trained network: what the predictor, exporters, graph builders and logs read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/feature_pipeline.h"

namespace vgsales {

struct DenseLayer {
  std::int64_t input_size = 0;
  std::int64_t output_size = 0;
  std::vector<float> weight;  // [output_size][input_size], row-major: torch::nn::Linear's layout
  std::vector<float> bias;    // [output_size]
  bool relu = false;          // ReLU after the affine map (hidden layers; never the output layer)
};

// encoded inputs --(x - input_offset) * input_scale--> layers --(y * output_scale + output_offset)-->
// [expm1 if target_transform == log1p] --> the target in its own units.
struct PortableNetwork {
  std::vector<std::string> input_names;  // the encoded input columns, in input order
  std::string target_name;               // the CSV column the model predicts, e.g. "total_earnings"
  std::string output_name;               // the output tensor's name in exports, e.g. "earnings"
  std::vector<float> input_offset;       // per input, from the feature pipeline's scaling
  std::vector<float> input_scale;
  std::vector<DenseLayer> layers;
  float output_scale = 1.0f;   // the pipeline's target scale
  float output_offset = 0.0f;  // the pipeline's target offset, plus the bias correction of a log1p model's mean
  TargetTransform target_transform = TargetTransform::none;

  std::int64_t input_width() const { return static_cast<std::int64_t>(input_names.size()); }
  std::int64_t parameter_count() const {
    std::int64_t count = 0;
    for (const auto& layer : layers) count += layer.input_size * layer.output_size + layer.output_size;
    return count;
  }
};

// The network's frame (names, scaling, output mapping; no layers) as the pipeline defines it. `mean_shift` is added
// to the output offset: log of Duan's smearing factor for a log1p model, so the output estimates the mean.
PortableNetwork network_frame(const FeaturePipeline& pipeline, const std::string& output_name, float mean_shift);

// The name of layer `index` (0-based) of `layer_count` as every view shows it: layer_1, layer_2, ..., output.
std::string layer_display_name(size_t index, size_t layer_count);

}  // namespace vgsales
