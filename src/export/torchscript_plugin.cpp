// dlopen/dlsym of the TorchScript plugin, once per process.
#include "export/torchscript_plugin.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "export/torchscript_plugin_abi.h"

namespace vgsales {
namespace fs = std::filesystem;

namespace {

constexpr const char* kPluginFileName = "libvgsales_torchscript.so";

std::vector<fs::path> plugin_candidates() {
  std::vector<fs::path> candidates;
  if (const char* given = std::getenv("VGSALES_TORCHSCRIPT_PLUGIN"); given && *given) candidates.emplace_back(given);
  std::error_code error;
  const fs::path program = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    candidates.push_back(program.parent_path() / kPluginFileName);
    candidates.push_back(program.parent_path().parent_path() / "lib" / "vgsales" / kPluginFileName);
  }
  return candidates;
}

Result<VgsalesWriteTorchScript> load_plugin() {
  static std::mutex mutex;
  static VgsalesWriteTorchScript entry = nullptr;
  std::lock_guard lock(mutex);
  if (entry) return entry;
  std::vector<std::string> tried;
  for (const fs::path& candidate : plugin_candidates()) {
    std::error_code error;
    if (!fs::exists(candidate, error)) {
      tried.push_back(candidate.string());
      continue;
    }
    // RTLD_LOCAL: LibTorch's symbols (and its protobuf) stay inside the plugin.
    void* handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle)
      return make_error(ErrorKind::io,
                        fmt::format("{}: cannot load the TorchScript plugin: {}", candidate.string(), dlerror()));
    auto* symbol = reinterpret_cast<VgsalesWriteTorchScript>(dlsym(handle, VGSALES_TORCHSCRIPT_ENTRY));
    if (!symbol)
      return make_error(ErrorKind::io, candidate.string() + ": not a vgsales TorchScript plugin (no entry point)");
    entry = symbol;
    return entry;
  }
  return make_error(
      ErrorKind::not_found,
      fmt::format("the TorchScript plugin ({}) is not installed, so model.pt cannot be written; looked in "
                  "{} (install the vgsales-torchscript package, or export --format savedmodel or onnx)",
                  kPluginFileName, fmt::join(tried, ", ")));
}

}  // namespace

Result<void> write_torchscript_with_plugin(const fs::path& model_dir, const fs::path& out_path) {
  VGSALES_ASSIGN_OR_RETURN(const VgsalesWriteTorchScript write, load_plugin());
  char error[1024] = {};
  if (write(model_dir.c_str(), out_path.c_str(), error, sizeof error) != 0)
    return make_error(ErrorKind::io,
                      error[0] ? std::string(error) : out_path.string() + ": the TorchScript plugin failed");
  return {};
}

}  // namespace vgsales
