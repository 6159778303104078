// Reading and writing the model directory's TorchScript module and metadata.
#include "model/model_directory.h"

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "model/model_metadata.h"
#include "model/torch_headers.h"

namespace vgsales {
namespace fs = std::filesystem;

namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

torch::Tensor tensor_of(const std::vector<float>& values, std::vector<std::int64_t> shape) {
  return torch::from_blob(const_cast<float*>(values.data()), shape, torch::kFloat32).clone();
}

// TorchScript source for the forward pass; attribute names are the contract load_portable_network reads.
std::string forward_source(const PortableNetwork& network) {
  std::string source = "def forward(self, x):\n    h = (x - self.input_offset) * self.input_scale\n";
  for (size_t i = 0; i < network.layers.size(); ++i) {
    source += fmt::format("    h = torch.addmm(self.bias_{0}, h, self.weight_{0}.t())\n", i);
    if (network.layers[i].relu) source += "    h = torch.relu(h)\n";
  }
  source += "    y = h * self.output_scale + self.output_offset\n";
  if (network.target_transform == TargetTransform::log1p) source += "    y = torch.expm1(y)\n";
  source += "    return y\n";
  return source;
}

}  // namespace

Result<void> write_torchscript_model(const PortableNetwork& network, const std::string& metadata_json,
                                     const fs::path& path) {
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
    module.define(forward_source(network));
    module.eval();
    const fs::path temp = path.string() + ".partial";
    torch::jit::ExtraFilesMap extra{{"model.json", metadata_json}};
    module.save(temp.string(), extra);
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) return make_error(ErrorKind::io, path.string() + ": cannot move into place: " + ec.message());
    return {};
  } catch (const c10::Error& e) {
    return make_error(ErrorKind::io, path.string() + ": cannot write TorchScript: " + first_line(e.what_without_backtrace()));
  }
}

Result<void> check_model_directory(const fs::path& model_dir) {
  std::error_code ec;
  if (!fs::exists(model_dir, ec)) return make_error(ErrorKind::not_found, model_dir.string() + ": no such model directory");
  if (!fs::is_directory(model_dir, ec))
    return make_error(ErrorKind::invalid_data, model_dir.string() + ": is a file, expected a model directory");
  for (const char* name : {kMetadataFileName, kModelFileName})
    if (!fs::is_regular_file(model_dir / name, ec))
      return make_error(ErrorKind::not_found, (model_dir / name).string() +
                                                  ": missing (not a model directory written by `vgsales train`?)");
  return {};
}

Result<ModelMetadata> read_model_metadata(const fs::path& model_dir) {
  VGSALES_TRY(check_model_directory(model_dir));
  VGSALES_ASSIGN_OR_RETURN(const std::string text, read_file_to_string(model_dir / kMetadataFileName));
  return metadata_from_json(text, (model_dir / kMetadataFileName).string());
}

Result<PortableNetwork> load_portable_network(const fs::path& model_dir) {
  VGSALES_ASSIGN_OR_RETURN(const ModelMetadata metadata, read_model_metadata(model_dir));
  return load_portable_network(model_dir, metadata);
}

Result<PortableNetwork> load_portable_network(const fs::path& model_dir, const ModelMetadata& metadata) {
  PortableNetwork network;
  network.input_names = metadata.schema.encoded_names();
  network.target_name = metadata.schema.target;
  network.output_name = metadata.output_name;
  network.input_offset = metadata.input_offset;
  network.input_scale = metadata.input_scale;
  network.output_offset = metadata.target_offset;
  network.output_scale = metadata.target_scale;
  network.target_transform = metadata.target_transform == "log1p" ? TargetTransform::log1p : TargetTransform::none;
  const fs::path model_path = model_dir / kModelFileName;
  try {
    torch::jit::Module module = torch::jit::load(model_path.string());
    const size_t layer_count = metadata.settings.hidden_layers.size() + 1;
    std::int64_t width = network.input_width();
    for (size_t i = 0; i < layer_count; ++i) {
      const std::string weight_name = fmt::format("weight_{}", i), bias_name = fmt::format("bias_{}", i);
      if (!module.hasattr(weight_name) || !module.hasattr(bias_name))
        return make_error(ErrorKind::invalid_data,
                          model_path.string() + ": has no '" + weight_name + "': it does not match model.json");
      const torch::Tensor weight = module.attr(weight_name).toTensor().contiguous();
      const torch::Tensor bias = module.attr(bias_name).toTensor().contiguous();
      const std::int64_t expected_out = i + 1 == layer_count ? 1 : metadata.settings.hidden_layers[i];
      if (weight.dim() != 2 || weight.size(0) != expected_out || weight.size(1) != width || bias.numel() != expected_out)
        return make_error(ErrorKind::invalid_data,
                          fmt::format("{}: layer {} has shape [{}], model.json expects [{}, {}]", model_path.string(),
                                      i + 1, fmt::join(weight.sizes(), ", "), expected_out, width));
      DenseLayer layer;
      layer.input_size = width;
      layer.output_size = expected_out;
      layer.weight.assign(weight.data_ptr<float>(), weight.data_ptr<float>() + weight.numel());
      layer.bias.assign(bias.data_ptr<float>(), bias.data_ptr<float>() + bias.numel());
      layer.relu = i + 1 != layer_count;
      network.layers.push_back(std::move(layer));
      width = expected_out;
    }
  } catch (const c10::Error& e) {
    return make_error(ErrorKind::invalid_data,
                      model_path.string() + ": not a readable TorchScript model: " + first_line(e.what_without_backtrace()));
  }
  return network;
}

}  // namespace vgsales
