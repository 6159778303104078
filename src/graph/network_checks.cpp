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

// The input scaling: one finite offset and scale per input column, and a finite output scaling.
Result<void> check_scaling(const PortableNetwork& network) {
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
  return {};
}

// Layer `number` (from 1) fed `input_width` columns: sizes that match, and finite parameters.
Result<void> check_layer(const DenseLayer& layer, std::size_t number, std::int64_t input_width) {
  if (layer.input_size != input_width) {
    return invalid(fmt::format("layer {} takes {} inputs but receives {}", number, layer.input_size, input_width));
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
  return {};
}

// The layers chain from the inputs to one column (the mean) or two (the mean and a median head); returns how many.
Result<std::int64_t> check_layers(const PortableNetwork& network) {
  if (network.layers.empty()) return invalid("network has no layers");
  std::int64_t previous_width = network.input_width();
  for (std::size_t index = 0; index < network.layers.size(); ++index) {
    VGSALES_TRY(check_layer(network.layers[index], index + 1, previous_width));
    previous_width = network.layers[index].output_size;
  }
  if (previous_width != 1 && previous_width != 2) {
    return invalid(
        fmt::format("the last layer has {} outputs; vgsales networks predict the mean and at most a "
                    "median head",
                    previous_width));
  }
  return previous_width;
}

Result<void> check_shifted_outputs(const PortableNetwork& network, std::int64_t output_columns) {
  for (const ShiftedOutput& shifted : network.shifted_outputs) {
    if (shifted.source_column < 0 || shifted.source_column >= output_columns) {
      return invalid(fmt::format("shifted output '{}' reads column {} of a last layer with {}", shifted.suffix,
                                 shifted.source_column, output_columns));
    }
    if (!std::isfinite(shifted.output_offset)) {
      return invalid(fmt::format("shifted output '{}' has a non-finite offset", shifted.suffix));
    }
    if (!is_plain_tensor_name(shifted.suffix) || shifted.suffix.front() == '.') {
      return invalid(fmt::format("shifted output suffix '{}' is not a plain tensor name", shifted.suffix));
    }
  }
  return {};
}

// The output name becomes a node of the graph: plain, and none of the names the graph already uses.
Result<void> check_output_name(const std::string& output_name) {
  if (!is_plain_tensor_name(output_name)) {
    return invalid(fmt::format("output name '{}' is not a plain tensor name ([A-Za-z0-9.][A-Za-z0-9_.]*)",
                               output_name));
  }
  for (const char* taken : {"input", "target", "scaling", "output", "cost", "optimizer", "preprocessing", "init"}) {
    if (output_name == taken) {
      return invalid(fmt::format("output name '{}' collides with a graph node or scope name", output_name));
    }
  }
  if (output_name.starts_with("layer_") || output_name.starts_with("unscaling")) {
    return invalid(fmt::format("output name '{}' collides with the layer_N or unscaling scopes", output_name));
  }
  return {};
}

}  // namespace

Result<void> check_portable_network(const PortableNetwork& network) {
  VGSALES_TRY(check_scaling(network));
  VGSALES_ASSIGN_OR_RETURN(const std::int64_t output_columns, check_layers(network));
  VGSALES_TRY(check_shifted_outputs(network, output_columns));
  if (network.layers.back().relu) return invalid("the output layer must not have a ReLU");
  return check_output_name(network.output_name);
}

}  // namespace vgsales
