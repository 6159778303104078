// Synthetic PortableNetworks and a plain float forward pass: the expected values the graph and export
// tests compare every engine against, computed without LibTorch.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model/portable_network.h"

namespace vgsales::testing {

// A network with `input_width` inputs, hidden ReLU layers of the given widths and one linear output,
// filled with seeded random weights and a non-trivial scaling so every graph stage matters.
inline PortableNetwork make_synthetic_network(std::int64_t input_width, const std::vector<std::int64_t>& hidden,
                                              TargetTransform transform = TargetTransform::none, unsigned seed = 7) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> weight_value(-0.8f, 0.8f);
  std::uniform_real_distribution<float> offset_value(-5.0f, 5.0f);
  std::uniform_real_distribution<float> scale_value(0.05f, 1.5f);
  PortableNetwork network;
  for (std::int64_t i = 0; i < input_width; ++i) {
    network.input_names.push_back("feature_" + std::to_string(i));
    network.input_offset.push_back(offset_value(random));
    network.input_scale.push_back(scale_value(random));
  }
  network.target_name = "total_earnings";
  network.output_name = "earnings";
  std::vector<std::int64_t> widths = hidden;
  widths.push_back(1);
  std::int64_t previous = input_width;
  for (std::size_t index = 0; index < widths.size(); ++index) {
    DenseLayer layer;
    layer.input_size = previous;
    layer.output_size = widths[index];
    for (std::int64_t k = 0; k < layer.input_size * layer.output_size; ++k)
      layer.weight.push_back(weight_value(random));
    for (std::int64_t k = 0; k < layer.output_size; ++k) layer.bias.push_back(weight_value(random));
    layer.relu = index + 1 < widths.size();
    network.layers.push_back(std::move(layer));
    previous = widths[index];
  }
  network.target_transform = transform;
  network.output_scale = transform == TargetTransform::log1p ? 2.5f : 40.0f;
  network.output_offset = transform == TargetTransform::log1p ? 0.3f : 1.5f;
  return network;
}

// The network's prediction for one raw feature row, in double precision.
inline double reference_predict(const PortableNetwork& network, const std::vector<float>& row) {
  std::vector<double> values(row.size());
  for (std::size_t i = 0; i < row.size(); ++i) {
    values[i] = (static_cast<double>(row[i]) - network.input_offset[i]) * network.input_scale[i];
  }
  for (const DenseLayer& layer : network.layers) {
    std::vector<double> next(static_cast<std::size_t>(layer.output_size));
    for (std::int64_t out = 0; out < layer.output_size; ++out) {
      double sum = layer.bias[out];
      for (std::int64_t in = 0; in < layer.input_size; ++in)
        sum += layer.weight[out * layer.input_size + in] * values[in];
      next[out] = layer.relu && sum < 0.0 ? 0.0 : sum;
    }
    values = std::move(next);
  }
  double target = values[0] * network.output_scale + network.output_offset;
  if (network.target_transform == TargetTransform::log1p) target = std::expm1(target);
  return target;
}

// Seeded raw feature rows spread around the network's training range (offset .. offset + 1/scale).
inline std::vector<std::vector<float>> make_feature_rows(const PortableNetwork& network, int count,
                                                         unsigned seed = 11) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> unit(-0.2f, 1.2f);
  std::vector<std::vector<float>> rows;
  for (int r = 0; r < count; ++r) {
    std::vector<float> row;
    for (std::size_t i = 0; i < network.input_names.size(); ++i) {
      row.push_back(network.input_offset[i] + unit(random) / network.input_scale[i]);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// A feature pipeline with every kind of feature: a categorical one (3 categories and a rare one), a numeric one with
// a missing indicator, a 0/1 one and a second categorical one; scaling fitted to the identity (offset 0, scale 1).
inline FeaturePipeline make_synthetic_pipeline() {
  FeaturePipeline pipeline(
      {FeatureSpec{.name = "Platform",
                   .type = ColumnType::categorical,
                   .categories = {"Wii", "PS4", "DS"},
                   .rare_categories = {"GB"}},
       FeatureSpec{.name = "Year",
                   .type = ColumnType::numeric,
                   .min = 1980,
                   .max = 2020,
                   .fill_value = 2006.5,
                   .missing_indicator = true},
       FeatureSpec{.name = "is_sequel", .type = ColumnType::boolean, .max = 1, .fill_value = 0.25},
       FeatureSpec{.name = "Genre", .type = ColumnType::categorical, .categories = {"Action", "Sports"}}},
      "Global_Sales", MissingValueSet());
  const std::size_t width = pipeline.encoded_width();
  pipeline.set_scaling(PipelineScaling{std::vector<float>(width, 0.0f), std::vector<float>(width, 1.0f), 0.0f, 1.0f});
  return pipeline;
}

// A network taking `pipeline`'s encoded inputs, named as the pipeline names them.
inline PortableNetwork make_network_for(const FeaturePipeline& pipeline, const std::vector<std::int64_t>& hidden,
                                        TargetTransform transform = TargetTransform::none) {
  PortableNetwork network =
      make_synthetic_network(static_cast<std::int64_t>(pipeline.encoded_width()), hidden, transform);
  network.input_names = pipeline.encoded_names();
  network.target_name = pipeline.target();
  return network;
}

// `network` with a median head (a second output column) and the median / lower / upper shifted outputs, the median
// reading the head: the shape the trainer gives a model with an interval.
inline PortableNetwork with_median_head_and_interval(PortableNetwork network) {
  DenseLayer& last = network.layers.back();
  std::vector<float> weight = last.weight;
  for (std::int64_t in = 0; in < last.input_size; ++in) weight.push_back(0.5f * last.weight[in] - 0.1f);
  last.weight = std::move(weight);
  last.bias.push_back(last.bias[0] + 0.05f);
  last.output_size = 2;
  network.shifted_outputs = {{"median", network.output_offset + 0.01f, 1},
                             {"lower", network.output_offset - 0.3f, 0},
                             {"upper", network.output_offset + 0.4f, 0}};
  return network;
}

// The last layer's columns for one encoded row, in double precision, before the output's scaling.
inline std::vector<double> reference_columns(const PortableNetwork& network, const std::vector<float>& row) {
  std::vector<double> values(row.size());
  for (std::size_t i = 0; i < row.size(); ++i)
    values[i] = (static_cast<double>(row[i]) - network.input_offset[i]) * network.input_scale[i];
  for (const DenseLayer& layer : network.layers) {
    std::vector<double> next(static_cast<std::size_t>(layer.output_size));
    for (std::int64_t out = 0; out < layer.output_size; ++out) {
      double sum = layer.bias[out];
      for (std::int64_t in = 0; in < layer.input_size; ++in)
        sum += layer.weight[out * layer.input_size + in] * values[in];
      next[out] = layer.relu && sum < 0.0 ? 0.0 : sum;
    }
    values = std::move(next);
  }
  return values;
}

// A column of the network in the target's units with the given offset (the mean: column 0, output_offset).
inline double reference_output(const PortableNetwork& network, const std::vector<float>& row, std::int64_t column,
                               double offset) {
  const double y = reference_columns(network, row)[column] * network.output_scale + offset;
  const double target = network.target_transform == TargetTransform::log1p ? std::expm1(y) : y;
  return std::min(std::max(target, static_cast<double>(network.output_min)), static_cast<double>(network.output_max));
}

}  // namespace vgsales::testing
