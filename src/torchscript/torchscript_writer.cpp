// The TorchScript module, built with LibTorch's own Module::define so torch.jit.load reads it as PyTorch would.
#include "torchscript/torchscript_writer.h"

#include <torch/script.h>

#include <cstring>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "model/model_directory.h"
#include "export/torchscript_plugin_abi.h"

namespace vgsales {
namespace fs = std::filesystem;

namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

torch::Tensor tensor_of(const std::vector<float>& values, std::vector<std::int64_t> shape) {
  return torch::from_blob(const_cast<float*>(values.data()), shape, torch::kFloat32).clone();
}

// TorchScript source for the forward pass; the attribute names are part of what Python users see.
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

}  // namespace vgsales

extern "C" int vgsales_write_torchscript_v1(const char* model_dir, const char* out_path, char* error, size_t error_size) {
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
    auto written = vgsales::write_torchscript_model(model->network, *json, out_path);
    if (!written.ok()) return fail(written.error().message);
    return 0;
  } catch (const std::exception& e) {
    return fail(std::string("TorchScript plugin: ") + e.what());
  }
}
