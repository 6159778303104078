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

namespace {

// The header's length from the first 8 bytes, checked to fit in the file.
Result<std::uint64_t> read_header_size(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 8) return damaged(source, "shorter than its 8-byte header length");
  std::uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), 8);
  if (header_size > kMaximumHeaderBytes || header_size > bytes.size() - 8)
    return damaged(source,
                   fmt::format("header length {} does not fit in the file's {} bytes", header_size, bytes.size()));
  return header_size;
}

// "__metadata__": an object of strings.
Result<void> read_metadata(const rapidjson::Value& value, SafetensorsFile& file, const std::string& source) {
  if (!value.IsObject()) return damaged(source, "__metadata__ is not an object");
  for (const auto& entry : value.GetObject()) {
    if (!entry.value.IsString()) return damaged(source, "__metadata__ values must be strings");
    file.metadata[entry.name.GetString()] = std::string(entry.value.GetString(), entry.value.GetStringLength());
  }
  return {};
}

// One tensor's entry: its name, its header object and the data section its offsets point into.
struct TensorEntry {
  const std::string& name;
  const rapidjson::Value& value;
  std::string_view data;
  const std::string& source;
  Error damaged(const std::string& what) const { return vgsales::damaged(source, "tensor '" + name + "' " + what); }
};

// An F32 entry with all three fields.
Result<void> check_entry_fields(const TensorEntry& entry) {
  const auto& value = entry.value;
  if (!value.IsObject() || !value.HasMember("dtype") || !value.HasMember("shape") || !value.HasMember("data_offsets"))
    return entry.damaged("lacks dtype, shape or data_offsets");
  if (!value["dtype"].IsString() || std::string_view(value["dtype"].GetString()) != "F32")
    return entry.damaged("is not F32");
  return {};
}

Result<std::vector<std::int64_t>> read_shape(const TensorEntry& entry) {
  if (!entry.value["shape"].IsArray()) return entry.damaged("has no shape list");
  std::vector<std::int64_t> shape;
  for (const auto& dimension : entry.value["shape"].GetArray()) {
    if (!dimension.IsInt64() || dimension.GetInt64() < 0 || dimension.GetInt64() > (1LL << 40))
      return entry.damaged("has a bad dimension");
    shape.push_back(dimension.GetInt64());
  }
  return shape;
}

// The entry's [begin, end) byte range inside the data.
Result<std::pair<std::uint64_t, std::uint64_t>> read_byte_range(const TensorEntry& entry) {
  const auto& offsets = entry.value["data_offsets"];
  if (!offsets.IsArray() || offsets.Size() != 2 || !offsets[0].IsUint64() || !offsets[1].IsUint64())
    return entry.damaged("has bad data_offsets");
  const std::uint64_t begin = offsets[0].GetUint64(), end = offsets[1].GetUint64();
  if (begin > end || end > entry.data.size()) return entry.damaged("lies outside the data");
  return std::pair{begin, end};
}

// Reads one tensor into `file` and its byte range into `ranges`.
Result<void> read_tensor(const TensorEntry& entry, SafetensorsFile& file,
                         std::vector<std::pair<std::uint64_t, std::uint64_t>>& ranges) {
  VGSALES_TRY(check_entry_fields(entry));
  FloatTensor tensor;
  VGSALES_ASSIGN_OR_RETURN(tensor.shape, read_shape(entry));
  VGSALES_ASSIGN_OR_RETURN(const auto range, read_byte_range(entry));
  const auto [begin, end] = range;
  const std::int64_t count = element_count(tensor.shape);
  // Compared as a count of floats: count * 4 could wrap to the size of a small (or empty) range.
  const std::uint64_t length = end - begin;
  if (tensor.shape.size() > 8 || count < 0 || length % sizeof(float) != 0 ||
      static_cast<std::uint64_t>(count) != length / sizeof(float))
    return entry.damaged("has a shape that does not match its byte range");
  tensor.values.resize(static_cast<size_t>(count));
  if (count > 0) std::memcpy(tensor.values.data(), entry.data.data() + begin, static_cast<size_t>(end - begin));
  ranges.emplace_back(begin, end);
  file.tensors.emplace(entry.name, std::move(tensor));
  return {};
}

// The ranges must tile the data exactly, as the format requires: no hidden bytes, no shared bytes.
Result<void> check_ranges_tile(std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges, size_t data_size,
                               const std::string& source) {
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t covered = 0;
  for (const auto& [begin, end] : ranges) {
    if (begin != covered) return damaged(source, "tensor data has gaps or overlaps");
    covered = end;
  }
  if (covered != data_size) return damaged(source, fmt::format("{} bytes after the last tensor", data_size - covered));
  return {};
}

}  // namespace

Result<SafetensorsFile> parse_safetensors(std::string_view bytes, const std::string& source) {
  VGSALES_ASSIGN_OR_RETURN(const std::uint64_t header_size, read_header_size(bytes, source));
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(bytes.data() + 8, static_cast<size_t>(header_size));
  if (doc.HasParseError() || !doc.IsObject()) return damaged(source, "the header is not a JSON object");
  const std::string_view data = bytes.substr(8 + header_size);

  SafetensorsFile file;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const auto& member : doc.GetObject()) {
    const std::string name(member.name.GetString(), member.name.GetStringLength());
    if (name == "__metadata__") VGSALES_TRY(read_metadata(member.value, file, source));
    else VGSALES_TRY(read_tensor(TensorEntry{name, member.value, data, source}, file, ranges));
  }
  VGSALES_TRY(check_ranges_tile(std::move(ranges), data.size(), source));
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
