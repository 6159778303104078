// Fuzzes the safetensors reader behind model.safetensors and checkpoint.safetensors (parse_safetensors, then
// find_tensor): any bytes as a file. What it accepts must survive a round trip (serialize_safetensors and parsed
// again: the same tensors, shapes, values and metadata), and every tensor must be found by its own name and shape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "model/safetensors.h"

namespace {

bool same(const vgsales::SafetensorsFile& a, const vgsales::SafetensorsFile& b) {
  if (a.metadata != b.metadata || a.tensors.size() != b.tensors.size()) return false;
  for (auto left = a.tensors.begin(), right = b.tensors.begin(); left != a.tensors.end(); ++left, ++right) {
    if (left->first != right->first || left->second.shape != right->second.shape) return false;
    const auto& x = left->second.values;
    const auto& y = right->second.values;
    // Bit for bit (NaN payloads included): the bytes are copied, never computed.
    if (x.size() != y.size() || (!x.empty() && std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) != 0))
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vgsales;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Result<SafetensorsFile> file = parse_safetensors(bytes, "model.safetensors");
  if (!file.ok()) {
    if (file.error().message.find("model.safetensors") == std::string::npos) std::abort();  // errors name the file
    return 0;
  }
  for (const auto& [name, tensor] : file->tensors) {
    Result<const FloatTensor*> found = find_tensor(*file, name, tensor.shape, "model.safetensors");
    if (!found.ok() || *found != &tensor) std::abort();
  }
  const std::string written = serialize_safetensors(*file);
  Result<SafetensorsFile> again = parse_safetensors(written, "model.safetensors");
  if (!again.ok() || !same(*file, *again)) std::abort();
  return 0;
}
