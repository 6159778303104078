// The TorchScript module, built with LibTorch's own Module::define so torch.jit.load reads it as PyTorch would.
#include "torchscript/torchscript_writer.h"

#include <torch/script.h>

#include <cstring>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "export/torchscript_plugin_abi.h"
#include "graph/raw_input_encoding.h"
#include "model/model_directory.h"

namespace vgsales {
namespace fs = std::filesystem;

namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

torch::Tensor tensor_of(const std::vector<float>& values, std::vector<std::int64_t> shape) {
  return torch::from_blob(const_cast<float*>(values.data()), shape, torch::kFloat32).clone();
}

// The last layer's column `column` as [N, 1] (a network with a median head has two).
std::string column_of(const PortableNetwork& network, std::int64_t column) {
  return network.output_columns() == 1 ? "h" : fmt::format("h[:, {0}:{1}]", column, column + 1);
}

// Back in the target's units and clipped to its range (the output_min / output_max buffers), as NativeForward does.
std::string unscaled(const PortableNetwork& network, const std::string& offset, std::int64_t column) {
  std::string y = fmt::format("{} * self.output_scale + {}", column_of(network, column), offset);
  if (network.target_transform == TargetTransform::log1p) y = "torch.expm1(" + y + ")";
  if (network.clips_below()) y = "torch.maximum(" + y + ", self.output_min)";
  if (network.clips_above()) y = "torch.minimum(" + y + ", self.output_max)";
  return y;
}

// TorchScript source of every method; the attribute names are part of what Python users see. Feature names live in
// the `feature_names` attribute rather than in the source, so no name needs quoting.
std::string module_source(const PortableNetwork& network, const FeaturePipeline& pipeline) {
  std::string source = "def scaled_outputs(self, x):\n    h = (x - self.input_offset) * self.input_scale\n";
  for (size_t i = 0; i < network.layers.size(); ++i) {
    source += fmt::format("    h = torch.addmm(self.bias_{0}, h, self.weight_{0}.t())\n", i);
    if (network.layers[i].relu) source += "    h = torch.relu(h)\n";
  }
  source += "    return h\n";
  source += "def forward(self, x):\n    h = self.scaled_outputs(x)\n";
  source += "    return " + unscaled(network, "self.output_offset", 0) + "\n";

  source += "def encode_rows(self, text: Dict[str, List[str]], numbers: Dict[str, List[float]]):\n";
  source += "    blocks: List[Tensor] = []\n";
  for (size_t f = 0; f < pipeline.features().size(); ++f) {
    const FeatureSpec& spec = pipeline.features()[f];
    if (spec.type == ColumnType::categorical) {
      // The pipeline trims blanks (space, tab) and looks the text up; missing spellings and categories are keys.
      source += fmt::format(
          "    slots_{0}: List[int] = []\n"
          "    for cell in text[self.feature_names[{0}]]:\n"
          "        slots_{0}.append(self.lookup_{0}.get(cell.strip(' \\t'), {1}))\n"
          "    blocks.append((torch.tensor(slots_{0}).unsqueeze(1) == torch.arange({2})).float())\n",
          f, spec.other_slot(), spec.encoded_width());
      continue;
    }
    source += fmt::format(
        "    x_{0} = torch.tensor(numbers[self.feature_names[{0}]]).float().unsqueeze(1)\n"
        "    missing_{0} = torch.isnan(x_{0})\n"
        "    blocks.append(torch.where(missing_{0}, self.fill_{0}, x_{0}))\n",
        f);
    if (spec.missing_indicator) source += fmt::format("    blocks.append(missing_{0}.float())\n", f);
  }
  source += "    return torch.cat(blocks, 1)\n";
  source +=
      "def forward_rows(self, text: Dict[str, List[str]], numbers: Dict[str, List[float]]):\n"
      "    return self.forward(self.encode_rows(text, numbers))\n";
  if (!network.shifted_outputs.empty()) {
    source +=
        "def interval_rows(self, text: Dict[str, List[str]], numbers: Dict[str, List[float]]):\n"
        "    h = self.scaled_outputs(self.encode_rows(text, numbers))\n"
        "    out: Dict[str, Tensor] = {}\n";
    source += fmt::format("    out['{}'] = {}\n", network.output_name, unscaled(network, "self.output_offset", 0));
    for (size_t k = 0; k < network.shifted_outputs.size(); ++k) {
      const ShiftedOutput& shifted = network.shifted_outputs[k];
      source += fmt::format("    out['{}_{}'] = {}\n", network.output_name, shifted.suffix,
                            unscaled(network, fmt::format("self.shifted_offset_{}", k), shifted.source_column));
    }
    source += "    return out\n";
  }
  return source;
}

// The raw-row attributes: feature names, each categorical feature's text -> slot lookup, each numeric fill value.
void register_pipeline(torch::jit::Module& module, const FeaturePipeline& pipeline) {
  c10::List<std::string> names;
  for (const FeatureSpec& spec : pipeline.features()) names.push_back(spec.name);
  module.register_attribute("feature_names", c10::ListType::create(c10::StringType::get()), names);
  for (size_t f = 0; f < pipeline.features().size(); ++f) {
    const FeatureSpec& spec = pipeline.features()[f];
    if (spec.type == ColumnType::categorical) {
      const CategoryLookup lookup = category_lookup(pipeline, f);
      c10::Dict<std::string, std::int64_t> slots;
      for (size_t k = 0; k < lookup.keys.size(); ++k) slots.insert(lookup.keys[k], lookup.slots[k]);
      module.register_attribute(fmt::format("lookup_{}", f),
                                c10::DictType::create(c10::StringType::get(), c10::IntType::get()), slots);
    } else {
      module.register_buffer(fmt::format("fill_{}", f), torch::tensor({static_cast<float>(spec.fill_value)}));
    }
  }
}

}  // namespace

Result<void> write_torchscript_model(const PortableNetwork& network, const FeaturePipeline& pipeline,
                                     const std::string& metadata_json, const fs::path& path) {
  if (!pipeline_fits_network_width(pipeline, network.input_width()))
    return make_error(ErrorKind::invalid_data, fmt::format("the feature pipeline encodes {} inputs but the network "
                                                           "takes {}",
                                                           pipeline.encoded_width(), network.input_width()));
  try {
    torch::jit::Module module("VgsalesRegressor");
    const auto width = network.input_width();
    module.register_buffer("input_offset", tensor_of(network.input_offset, {width}));
    module.register_buffer("input_scale", tensor_of(network.input_scale, {width}));
    for (size_t i = 0; i < network.layers.size(); ++i) {
      const auto& layer = network.layers[i];
      module.register_parameter(fmt::format("weight_{}", i),
                                tensor_of(layer.weight, {layer.output_size, layer.input_size}), false);
      module.register_parameter(fmt::format("bias_{}", i), tensor_of(layer.bias, {layer.output_size}), false);
    }
    module.register_buffer("output_scale", torch::tensor(network.output_scale));
    module.register_buffer("output_offset", torch::tensor(network.output_offset));
    if (network.clips_below()) module.register_buffer("output_min", torch::tensor(network.output_min));
    if (network.clips_above()) module.register_buffer("output_max", torch::tensor(network.output_max));
    for (size_t k = 0; k < network.shifted_outputs.size(); ++k)
      module.register_buffer(fmt::format("shifted_offset_{}", k),
                             torch::tensor(network.shifted_outputs[k].output_offset));
    register_pipeline(module, pipeline);
    module.define(module_source(network, pipeline));
    module.eval();
    const fs::path temp = path.string() + ".partial";
    torch::jit::ExtraFilesMap extra{{"model.json", metadata_json}};
    module.save(temp.string(), extra);
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) return make_error(ErrorKind::io, path.string() + ": cannot move into place: " + ec.message());
    return {};
  } catch (const c10::Error& e) {
    return make_error(ErrorKind::io,
                      path.string() + ": cannot write TorchScript: " + first_line(e.what_without_backtrace()));
  }
}

}  // namespace vgsales

extern "C" int vgsales_write_torchscript_v1(const char* model_dir, const char* out_path, char* error,
                                            size_t error_size) {
  auto fail = [&](const std::string& message) {
    if (error_size > 0) {
      std::strncpy(error, message.c_str(), error_size - 1);
      error[error_size - 1] = '\0';
    }
    return 1;
  };
  try {
    auto model = vgsales::load_model(model_dir);
    if (!model.ok()) return fail(model.error().message);
    auto json = vgsales::read_file_to_string(std::filesystem::path(model_dir) / vgsales::kMetadataFileName);
    if (!json.ok()) return fail(json.error().message);
    auto written = vgsales::write_torchscript_model(model->network, model->metadata.pipeline, *json, out_path);
    if (!written.ok()) return fail(written.error().message);
    return 0;
  } catch (const std::exception& e) {
    return fail(std::string("TorchScript plugin: ") + e.what());
  }
}
