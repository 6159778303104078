// safetensors writing and strict reading with RapidJSON.
#include "model/safetensors.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/format.h>

namespace vgsales {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian; so is this build");

namespace {

// A header larger than this is not a vgsales file (the format's own readers cap it at 100 MB).
constexpr std::uint64_t kMaximumHeaderBytes = 100'000'000;

// The number of elements of `shape`, or -1 when the product overflows (a damaged or hostile header).
std::int64_t element_count(const std::vector<std::int64_t>& shape) {
  std::int64_t count = 1;
  for (std::int64_t dimension : shape)
    if (__builtin_mul_overflow(count, dimension, &count)) return -1;
  return count;
}

Error damaged(const std::string& source, const std::string& what) {
  return make_error(ErrorKind::invalid_data, source + ": not a valid safetensors file: " + what);
}

}  // namespace

std::string serialize_safetensors(const SafetensorsFile& file) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  if (!file.metadata.empty()) {
    w.Key("__metadata__");
    w.StartObject();
    for (const auto& [key, value] : file.metadata) {
      w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
      w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    }
    w.EndObject();
  }
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : file.tensors) {
    const std::uint64_t bytes = tensor.values.size() * sizeof(float);
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.StartObject();
    w.Key("dtype");
    w.String("F32");
    w.Key("shape");
    w.StartArray();
    for (std::int64_t dimension : tensor.shape) w.Int64(dimension);
    w.EndArray();
    w.Key("data_offsets");
    w.StartArray();
    w.Uint64(offset);
    w.Uint64(offset + bytes);
    w.EndArray();
    w.EndObject();
    offset += bytes;
  }
  w.EndObject();
  std::string header(buffer.GetString(), buffer.GetSize());
  header.append((8 - header.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  const std::uint64_t header_size = header.size();
  std::memcpy(out.data(), &header_size, 8);
  out += header;
  for (const auto& [name, tensor] : file.tensors)
    out.append(reinterpret_cast<const char*>(tensor.values.data()), tensor.values.size() * sizeof(float));
  return out;
}

Result<SafetensorsFile> parse_safetensors(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 8) return damaged(source, "shorter than its 8-byte header length");
  std::uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), 8);
  if (header_size > kMaximumHeaderBytes || header_size > bytes.size() - 8)
    return damaged(source,
                   fmt::format("header length {} does not fit in the file's {} bytes", header_size, bytes.size()));
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(bytes.data() + 8, static_cast<size_t>(header_size));
  if (doc.HasParseError() || !doc.IsObject()) return damaged(source, "the header is not a JSON object");
  const std::string_view data = bytes.substr(8 + header_size);

  SafetensorsFile file;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const auto& member : doc.GetObject()) {
    const std::string name(member.name.GetString(), member.name.GetStringLength());
    const auto& value = member.value;
    if (name == "__metadata__") {
      if (!value.IsObject()) return damaged(source, "__metadata__ is not an object");
      for (const auto& entry : value.GetObject()) {
        if (!entry.value.IsString()) return damaged(source, "__metadata__ values must be strings");
        file.metadata[entry.name.GetString()] = std::string(entry.value.GetString(), entry.value.GetStringLength());
      }
      continue;
    }
    if (!value.IsObject() || !value.HasMember("dtype") || !value.HasMember("shape") || !value.HasMember("data_offsets"))
      return damaged(source, "tensor '" + name + "' lacks dtype, shape or data_offsets");
    if (!value["dtype"].IsString() || std::string_view(value["dtype"].GetString()) != "F32")
      return damaged(source, "tensor '" + name + "' is not F32");
    FloatTensor tensor;
    if (!value["shape"].IsArray()) return damaged(source, "tensor '" + name + "' has no shape list");
    for (const auto& dimension : value["shape"].GetArray()) {
      if (!dimension.IsInt64() || dimension.GetInt64() < 0 || dimension.GetInt64() > (1LL << 40))
        return damaged(source, "tensor '" + name + "' has a bad dimension");
      tensor.shape.push_back(dimension.GetInt64());
    }
    const auto& offsets = value["data_offsets"];
    if (!offsets.IsArray() || offsets.Size() != 2 || !offsets[0].IsUint64() || !offsets[1].IsUint64())
      return damaged(source, "tensor '" + name + "' has bad data_offsets");
    const std::uint64_t begin = offsets[0].GetUint64(), end = offsets[1].GetUint64();
    if (begin > end || end > data.size()) return damaged(source, "tensor '" + name + "' lies outside the data");
    const std::int64_t count = element_count(tensor.shape);
    // Compared as a count of floats: count * 4 could wrap to the size of a small (or empty) range.
    const std::uint64_t range = end - begin;
    if (tensor.shape.size() > 8 || count < 0 || range % sizeof(float) != 0 ||
        static_cast<std::uint64_t>(count) != range / sizeof(float))
      return damaged(source, "tensor '" + name + "' has a shape that does not match its byte range");
    tensor.values.resize(static_cast<size_t>(count));
    if (count > 0) std::memcpy(tensor.values.data(), data.data() + begin, static_cast<size_t>(end - begin));
    ranges.emplace_back(begin, end);
    file.tensors.emplace(name, std::move(tensor));
  }
  // The ranges must tile the data exactly, as the format requires: no hidden bytes, no shared bytes.
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t covered = 0;
  for (const auto& [begin, end] : ranges) {
    if (begin != covered) return damaged(source, "tensor data has gaps or overlaps");
    covered = end;
  }
  if (covered != data.size())
    return damaged(source, fmt::format("{} bytes after the last tensor", data.size() - covered));
  return file;
}

Result<const FloatTensor*> find_tensor(const SafetensorsFile& file, const std::string& name,
                                       const std::vector<std::int64_t>& shape, const std::string& source) {
  const auto found = file.tensors.find(name);
  if (found == file.tensors.end())
    return make_error(ErrorKind::invalid_data,
                      source + ": has no tensor '" + name + "' (it does not match model.json)");
  if (found->second.shape != shape)
    return make_error(ErrorKind::invalid_data,
                      fmt::format("{}: tensor '{}' has shape [{}], model.json expects [{}]", source, name,
                                  fmt::join(found->second.shape, ", "), fmt::join(shape, ", ")));
  return &found->second;
}

}  // namespace vgsales
