// Consistency checks on a PortableNetwork; see network_checks.h.
#include "graph/network_checks.h"

#include <fmt/format.h>

#include <cmath>
#include <string_view>

namespace vgsales {
namespace {

bool all_finite(const std::vector<float>& values) {
  for (float value : values) {
    if (!std::isfinite(value)) return false;
  }
  return true;
}

// A name that is valid as a TensorFlow node name, an ONNX value name and a JSON key alike. '/' is
// excluded because TensorBoard would read it as a name scope.
bool is_plain_tensor_name(std::string_view name) {
  if (name.empty()) return false;
  const auto is_alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!is_alnum(name.front()) && name.front() != '.') return false;
  for (char c : name) {
    if (!is_alnum(c) && c != '_' && c != '.') return false;
  }
  return true;
}

Error invalid(std::string message) { return make_error(ErrorKind::invalid_data, std::move(message)); }

}  // namespace

Result<void> check_portable_network(const PortableNetwork& network) {
  const std::int64_t width = network.input_width();
  if (width == 0) return invalid("network has no input columns (input_names is empty)");
  if (static_cast<std::int64_t>(network.input_offset.size()) != width) {
    return invalid(fmt::format("input_offset has {} values for {} inputs", network.input_offset.size(), width));
  }
  if (static_cast<std::int64_t>(network.input_scale.size()) != width) {
    return invalid(fmt::format("input_scale has {} values for {} inputs", network.input_scale.size(), width));
  }
  if (!all_finite(network.input_offset) || !all_finite(network.input_scale)) {
    return invalid("input_offset or input_scale holds a non-finite value");
  }
  if (!std::isfinite(network.output_scale) || !std::isfinite(network.output_offset)) {
    return invalid("output_scale or output_offset is not finite");
  }
  if (network.layers.empty()) return invalid("network has no layers");
  std::int64_t previous_width = width;
  for (std::size_t index = 0; index < network.layers.size(); ++index) {
    const DenseLayer& layer = network.layers[index];
    const std::size_t number = index + 1;
    if (layer.input_size != previous_width) {
      return invalid(fmt::format("layer {} takes {} inputs but receives {}", number, layer.input_size, previous_width));
    }
    if (layer.output_size <= 0) return invalid(fmt::format("layer {} has {} outputs", number, layer.output_size));
    if (static_cast<std::int64_t>(layer.weight.size()) != layer.input_size * layer.output_size) {
      return invalid(fmt::format("layer {} weight has {} values, expected {} x {}", number, layer.weight.size(),
                                 layer.output_size, layer.input_size));
    }
    if (static_cast<std::int64_t>(layer.bias.size()) != layer.output_size) {
      return invalid(fmt::format("layer {} bias has {} values, expected {}", number, layer.bias.size(),
                                 layer.output_size));
    }
    if (!all_finite(layer.weight) || !all_finite(layer.bias)) {
      return invalid(fmt::format("layer {} holds a non-finite weight or bias", number));
    }
    previous_width = layer.output_size;
  }
  // One column (the mean), or two: the mean and a median head.
  if (previous_width != 1 && previous_width != 2) {
    return invalid(
        fmt::format("the last layer has {} outputs; vgsales networks predict the mean and at most a "
                    "median head",
                    previous_width));
  }
  for (const ShiftedOutput& shifted : network.shifted_outputs) {
    if (shifted.source_column < 0 || shifted.source_column >= previous_width) {
      return invalid(fmt::format("shifted output '{}' reads column {} of a last layer with {}", shifted.suffix,
                                 shifted.source_column, previous_width));
    }
    if (!std::isfinite(shifted.output_offset)) {
      return invalid(fmt::format("shifted output '{}' has a non-finite offset", shifted.suffix));
    }
    if (!is_plain_tensor_name(shifted.suffix) || shifted.suffix.front() == '.') {
      return invalid(fmt::format("shifted output suffix '{}' is not a plain tensor name", shifted.suffix));
    }
  }
  if (network.layers.back().relu) return invalid("the output layer must not have a ReLU");
  if (!is_plain_tensor_name(network.output_name)) {
    return invalid(fmt::format("output name '{}' is not a plain tensor name ([A-Za-z0-9.][A-Za-z0-9_.]*)",
                               network.output_name));
  }
  for (const char* taken : {"input", "target", "scaling", "output", "cost", "optimizer", "preprocessing", "init"}) {
    if (network.output_name == taken) {
      return invalid(fmt::format("output name '{}' collides with a graph node or scope name", network.output_name));
    }
  }
  if (network.output_name.starts_with("layer_") || network.output_name.starts_with("unscaling")) {
    return invalid(fmt::format("output name '{}' collides with the layer_N or unscaling scopes", network.output_name));
  }
  return {};
}

}  // namespace vgsales
