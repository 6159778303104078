// The safetensors file format (https://github.com/huggingface/safetensors, "Format"): an 8-byte little-endian header
// length, a JSON header mapping each tensor name to its dtype, shape and byte range, then the raw little-endian
// data. vgsales keeps its weights and checkpoints in it: LibTorch-free to read and write, and readable by the
// Python `safetensors` package and by PyTorch. Only float32 tensors are used here.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vgsales {

struct FloatTensor {
  std::vector<std::int64_t> shape;
  std::vector<float> values;  // row-major; size = product of shape
};

struct SafetensorsFile {
  std::map<std::string, FloatTensor> tensors;
  std::map<std::string, std::string> metadata;  // the header's "__metadata__" (string to string)
};

// The file's bytes: header padded with spaces to a multiple of 8 bytes, tensors in name order.
std::string serialize_safetensors(const SafetensorsFile& file);

// Parses and checks the bytes: header length and JSON, every tensor F32 with a shape matching its byte range, the
// ranges inside the data and covering it without gaps or overlaps. `source` names the file in errors.
Result<SafetensorsFile> parse_safetensors(std::string_view bytes, const std::string& source);

// A tensor by name with the expected shape, or an error naming the file and the tensor.
Result<const FloatTensor*> find_tensor(const SafetensorsFile& file, const std::string& name,
                                       const std::vector<std::int64_t>& shape, const std::string& source);

}  // namespace vgsales
