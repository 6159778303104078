// A LibTorch-free snapshot of a trained network: what the predictor, exporters, graph builders and logs read.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
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

using DenseStack = std::vector<DenseLayer>;

// A further output of the same network: the estimate with another offset in place of `output_offset` (added before
// the target transform is undone). The interval signature's median, lower and upper bounds.
struct ShiftedOutput {
  std::string suffix;  // "median", "lower", "upper": the output is named <output_name>_<suffix>
  float output_offset = 0.0f;
  std::int64_t source_column = 0;  // the last layer's column it reads: 0 the mean, 1 the median head
};

// encoded inputs --(x - input_offset) * input_scale--> layers --(y * output_scale + output_offset)-->
// [expm1 if target_transform == log1p] --clipped to [output_min, output_max]--> the target in its own units.
// An ensemble of K networks is one network here: `members` holds the K stacks, and `layers` is the same function as
// one dense stack (the members side by side, block-diagonal inside, their outputs averaged by the last layer), so
// every exporter and graph builder that walks `layers` carries the whole ensemble unchanged.
// The last layer has one output column (the mean), or two when the model keeps a median head: column 0 is the mean,
// column 1 the median head (a shifted output with source_column 1 reads it). The main output always reads column 0.
struct PortableNetwork {
  std::vector<std::string> input_names;  // the encoded input columns, in input order
  std::string target_name;               // the CSV column the model predicts, e.g. "total_earnings"
  std::string output_name;               // the output tensor's name in exports, e.g. "earnings"
  std::vector<float> input_offset;       // per input, from the feature pipeline's scaling
  std::vector<float> input_scale;
  DenseStack layers;
  std::vector<DenseStack> members;  // an ensemble's own networks (empty for a single network)
  float output_scale = 1.0f;        // the pipeline's target scale
  float output_offset = 0.0f;       // the pipeline's target offset, plus the mean's bias correction (OutputShifts)
  TargetTransform target_transform = TargetTransform::none;
  // The target's range (the pipeline's): every output, shifted ones too, is clipped to it; infinite sides clip
  // nothing, and an unbounded range adds no operation to any graph.
  float output_min = -std::numeric_limits<float>::infinity();
  float output_max = std::numeric_limits<float>::infinity();
  bool clips_output() const { return output_min > -std::numeric_limits<float>::infinity() || clips_above(); }
  bool clips_above() const { return output_max < std::numeric_limits<float>::infinity(); }
  bool clips_below() const { return output_min > -std::numeric_limits<float>::infinity(); }
  std::vector<ShiftedOutput> shifted_outputs;  // median and interval bounds, when the model has an interval

  std::int64_t input_width() const { return static_cast<std::int64_t>(input_names.size()); }
  // The last layer's columns: 1, or 2 with a median head.
  std::int64_t output_columns() const { return layers.empty() ? 1 : layers.back().output_size; }
  // The stacks a forward pass runs: the members, or the one network.
  std::vector<const DenseStack*> stacks() const;
  // Trained parameters: every member's (not the zeros of the fused form).
  std::int64_t parameter_count() const;
};

// Shifts added to the network's output before the target transform is undone: the mean's bias correction (for a log1p
// model the log of the least-squares factor, or of Duan's smearing factor: --mean-correction), and the median's and the
// interval bounds' calibrated offsets.
struct OutputShifts {
  float mean = 0.0f;
  float median = 0.0f;
  bool median_from_head = false;  // the median reads the median head (column 1) rather than the mean's column
  bool has_interval = false;
  float lower = 0.0f;
  float upper = 0.0f;
};

// Per row: the mean estimate, and, for a model with an interval, the median and the interval's bounds.
struct EstimateSpans {
  std::span<float> mean;
  std::span<float> median;  // empty when not wanted
  std::span<float> lower;
  std::span<float> upper;
};

// Sets an ensemble's members and `layers`, their fused form (one member: `layers` is that member, no `members`).
void set_members(PortableNetwork& network, std::vector<DenseStack> members);

// The network's frame (names, scaling, output mapping and shifted outputs; no layers) as the pipeline defines it.
PortableNetwork network_frame(const FeaturePipeline& pipeline, const std::string& output_name,
                              const OutputShifts& shifts);

// The name of layer `index` (0-based) of `layer_count` as every view shows it: layer_1, layer_2, ..., output.
std::string layer_display_name(size_t index, size_t layer_count);

}  // namespace vgsales
