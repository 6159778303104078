// Writing a trained vgsales model as a TorchScript module, for Python users (`torch.jit.load`) and TorchServe.
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"
#include "model/portable_network.h"

namespace vgsales {

// Writes `network` as a TorchScript module: forward(x) takes the encoded inputs [N, F] float32 and returns the
// target in its own units [N, 1] (scaling inside); model.json rides along inside the archive as an extra file.
Result<void> write_torchscript_model(const PortableNetwork& network, const std::string& metadata_json,
                                     const std::filesystem::path& path);

}  // namespace vgsales
