// The network frame from the feature pipeline, ensembles as one dense stack, and the layer names every view shares.
#include "model/portable_network.h"

namespace vgsales {

PortableNetwork network_frame(const FeaturePipeline& pipeline, const std::string& output_name,
                              const OutputShifts& shifts) {
  PortableNetwork frame;
  frame.input_names = pipeline.encoded_names();
  frame.target_name = pipeline.target();
  frame.output_name = output_name;
  frame.input_offset = pipeline.scaling().input_offset;
  frame.input_scale = pipeline.scaling().input_scale;
  frame.output_scale = pipeline.scaling().target_scale;
  const float offset = pipeline.scaling().target_offset;
  frame.output_offset = offset + shifts.mean;
  frame.target_transform = pipeline.target_transform();
  const TargetRange& range = pipeline.target_range();
  if (range.has_min()) frame.output_min = static_cast<float>(range.min);
  if (range.has_max()) frame.output_max = static_cast<float>(range.max);
  if (shifts.has_interval)
    frame.shifted_outputs = {{"median", offset + shifts.median, shifts.median_from_head ? 1 : 0},
                             {"lower", offset + shifts.lower, 0},
                             {"upper", offset + shifts.upper, 0}};
  return frame;
}

std::vector<const DenseStack*> PortableNetwork::stacks() const {
  std::vector<const DenseStack*> out;
  if (members.empty()) {
    out.push_back(&layers);
  } else {
    for (const auto& member : members) out.push_back(&member);
  }
  return out;
}

std::int64_t PortableNetwork::parameter_count() const {
  std::int64_t count = 0;
  for (const DenseStack* stack : stacks())
    for (const auto& layer : *stack) count += layer.input_size * layer.output_size + layer.output_size;
  return count;
}

void set_members(PortableNetwork& network, std::vector<DenseStack> members) {
  if (members.size() == 1) {
    network.layers = std::move(members.front());
    network.members.clear();
    return;
  }
  // Side by side: the first layer stacks the members' rows (they share the inputs); each later layer is
  // block-diagonal (member k reads only member k's units); the output layer averages the members' outputs.
  const size_t count = members.size();
  const size_t depth = members.front().size();
  DenseStack fused(depth);
  for (size_t l = 0; l < depth; ++l) {
    DenseLayer& out = fused[l];
    const DenseLayer& shape = members.front()[l];
    const bool last = l + 1 == depth;
    out.relu = shape.relu;
    out.input_size = l == 0 ? shape.input_size : shape.input_size * static_cast<std::int64_t>(count);
    out.output_size = last ? shape.output_size : shape.output_size * static_cast<std::int64_t>(count);
    out.weight.assign(static_cast<size_t>(out.input_size * out.output_size), 0.0f);
    out.bias.assign(static_cast<size_t>(out.output_size), 0.0f);
    for (size_t k = 0; k < count; ++k) {
      const DenseLayer& member = members[k][l];
      const std::int64_t row0 = last ? 0 : static_cast<std::int64_t>(k) * member.output_size;
      const std::int64_t column0 = l == 0 ? 0 : static_cast<std::int64_t>(k) * member.input_size;
      const float share = last ? 1.0f / static_cast<float>(count) : 1.0f;
      for (std::int64_t o = 0; o < member.output_size; ++o) {
        for (std::int64_t i = 0; i < member.input_size; ++i)
          out.weight[static_cast<size_t>((row0 + o) * out.input_size + column0 + i)] +=
              share * member.weight[static_cast<size_t>(o * member.input_size + i)];
        out.bias[static_cast<size_t>(row0 + o)] += share * member.bias[static_cast<size_t>(o)];
      }
    }
  }
  network.layers = std::move(fused);
  network.members = std::move(members);
}

std::string layer_display_name(size_t index, size_t layer_count) {
  return index + 1 == layer_count ? "output" : "layer_" + std::to_string(index + 1);
}

}  // namespace vgsales
