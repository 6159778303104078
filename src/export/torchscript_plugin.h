// Finding and calling the TorchScript plugin (src/torchscript/), the one part of vgsales that links LibTorch.
#pragma once

#include <filesystem>

#include "common/result.h"

namespace vgsales {

// Writes the model in `model_dir` as TorchScript to `out_path`, loading libvgsales_torchscript.so on first use.
// Looked for in $VGSALES_TORCHSCRIPT_PLUGIN, beside the running program, then in ../lib/vgsales/ from it (the
// installed layout). Errors say where it looked when the plugin is not installed.
Result<void> write_torchscript_with_plugin(const std::filesystem::path& model_dir,
                                           const std::filesystem::path& out_path);

}  // namespace vgsales
