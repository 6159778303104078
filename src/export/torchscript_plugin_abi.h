// The one C entry point of the TorchScript plugin (libvgsales_torchscript.so). The plugin is the only part of
// vgsales that links LibTorch; `vgsales export` loads it with dlopen only when it writes model.pt, so every other
// command starts without LibTorch's half-second load.
#pragma once

#include <cstddef>

extern "C" {

// The symbol's name, for dlsym.
#define VGSALES_TORCHSCRIPT_ENTRY "vgsales_write_torchscript_v1"

// Writes the model in `model_dir` (a verified model directory) as a TorchScript module to `out_path`.
// Returns 0 on success; otherwise non-zero with a one-line message in `error` (NUL-terminated, truncated to
// `error_size`).
typedef int (*VgsalesWriteTorchScript)(const char* model_dir, const char* out_path, char* error, size_t error_size);
int vgsales_write_torchscript_v1(const char* model_dir, const char* out_path, char* error, size_t error_size);
}
