// The network frame from the feature pipeline, and the layer names every view shares.
#include "model/portable_network.h"

namespace vgsales {

PortableNetwork network_frame(const FeaturePipeline& pipeline, const std::string& output_name, float mean_shift) {
  PortableNetwork frame;
  frame.input_names = pipeline.encoded_names();
  frame.target_name = pipeline.target();
  frame.output_name = output_name;
  frame.input_offset = pipeline.scaling().input_offset;
  frame.input_scale = pipeline.scaling().input_scale;
  frame.output_scale = pipeline.scaling().target_scale;
  frame.output_offset = pipeline.scaling().target_offset + mean_shift;
  frame.target_transform = pipeline.target_transform();
  return frame;
}

std::string layer_display_name(size_t index, size_t layer_count) {
  return index + 1 == layer_count ? "output" : "layer_" + std::to_string(index + 1);
}

}  // namespace vgsales
