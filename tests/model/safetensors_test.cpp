// Tests for src/model/safetensors.cpp: the file layout written, and every check of the strict reader.
#include <gtest/gtest.h>

#include <cstring>

#include "model/safetensors.h"

namespace vgsales {
namespace {

SafetensorsFile two_tensors() {
  SafetensorsFile file;
  file.tensors["b.weight"] = FloatTensor{{2, 3}, {1, 2, 3, 4, 5, 6}};
  file.tensors["a.bias"] = FloatTensor{{2}, {-0.5f, 0.25f}};
  file.metadata["format"] = "pt";
  return file;
}

// A file from a hand-written header and data bytes: the 8-byte length, the header, the data.
std::string file_of(const std::string& header, const std::string& data = {}) {
  std::string bytes(8, '\0');
  const std::uint64_t size = header.size();
  std::memcpy(bytes.data(), &size, 8);
  return bytes + header + data;
}

std::string floats(std::initializer_list<float> values) {
  std::string bytes(values.size() * sizeof(float), '\0');
  std::memcpy(bytes.data(), std::data(values), bytes.size());
  return bytes;
}

std::string error_of(const std::string& bytes) {
  auto parsed = parse_safetensors(bytes, "m.safetensors");
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? std::string() : parsed.error().message;
}

TEST(Safetensors, WritesPaddedHeaderThenTensorsInNameOrder) {
  const std::string bytes = serialize_safetensors(two_tensors());
  std::uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), 8);
  EXPECT_EQ(header_size % 8, 0u);
  const std::string header = bytes.substr(8, header_size);
  EXPECT_EQ(header.substr(0, 1), "{");
  EXPECT_NE(header.find(R"("__metadata__":{"format":"pt"})"), std::string::npos) << header;
  EXPECT_NE(header.find(R"("a.bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})"), std::string::npos) << header;
  EXPECT_NE(header.find(R"("b.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]})"), std::string::npos)
      << header;
  ASSERT_EQ(bytes.size(), 8 + header_size + 32);
  EXPECT_EQ(bytes.substr(8 + header_size), floats({-0.5f, 0.25f, 1, 2, 3, 4, 5, 6}));
}

TEST(Safetensors, ReadsBackWhatItWrites) {
  auto parsed = parse_safetensors(serialize_safetensors(two_tensors()), "m.safetensors");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->metadata, two_tensors().metadata);
  ASSERT_EQ(parsed->tensors.size(), 2u);
  EXPECT_EQ(parsed->tensors.at("b.weight").shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(parsed->tensors.at("b.weight").values, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(parsed->tensors.at("a.bias").values, (std::vector<float>{-0.5f, 0.25f}));
  // An empty tensor and a file without metadata are fine.
  SafetensorsFile empty;
  empty.tensors["none"] = FloatTensor{{0, 4}, {}};
  auto again = parse_safetensors(serialize_safetensors(empty), "m.safetensors");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->metadata.empty());
  EXPECT_TRUE(again->tensors.at("none").values.empty());
}

TEST(Safetensors, FindTensorChecksNameAndShape) {
  const SafetensorsFile file = two_tensors();
  auto found = find_tensor(file, "a.bias", {2}, "m.safetensors");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->values.size(), 2u);
  auto absent = find_tensor(file, "c", {2}, "m.safetensors");
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().message, "m.safetensors: has no tensor 'c' (it does not match model.json)");
  auto reshaped = find_tensor(file, "b.weight", {3, 2}, "m.safetensors");
  ASSERT_FALSE(reshaped.ok());
  EXPECT_EQ(reshaped.error().message, "m.safetensors: tensor 'b.weight' has shape [2, 3], model.json expects [3, 2]");
}

TEST(Safetensors, RejectsADamagedHeader) {
  const std::string prefix = "m.safetensors: not a valid safetensors file: ";
  EXPECT_EQ(error_of("1234"), prefix + "shorter than its 8-byte header length");
  EXPECT_EQ(error_of(file_of("{}").substr(0, 9)), prefix + "header length 2 does not fit in the file's 9 bytes");
  EXPECT_EQ(error_of(file_of("[1, 2]")), prefix + "the header is not a JSON object");
  EXPECT_EQ(error_of(file_of("{\"a\":")), prefix + "the header is not a JSON object");
  EXPECT_EQ(error_of(file_of(R"({"__metadata__": []})")), prefix + "__metadata__ is not an object");
  EXPECT_EQ(error_of(file_of(R"({"__metadata__": {"k": 1}})")), prefix + "__metadata__ values must be strings");
}

TEST(Safetensors, RejectsADamagedTensorEntryNamingIt) {
  const std::string prefix = "m.safetensors: not a valid safetensors file: tensor 't' ";
  const std::string data = floats({1, 2});
  EXPECT_EQ(error_of(file_of(R"({"t": {"dtype": "F32", "shape": [2]}})", data)),
            prefix + "lacks dtype, shape or data_offsets");
  EXPECT_EQ(error_of(file_of(R"({"t": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}})", data)),
            prefix + "is not F32");
  EXPECT_EQ(error_of(file_of(R"({"t": {"dtype": "F32", "shape": 2, "data_offsets": [0, 8]}})", data)),
            prefix + "has no shape list");
  EXPECT_EQ(error_of(file_of(R"({"t": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}})", data)),
            prefix + "has a bad dimension");
  EXPECT_EQ(error_of(file_of(R"({"t": {"dtype": "F32", "shape": [2], "data_offsets": [0]}})", data)),
            prefix + "has bad data_offsets");
  EXPECT_EQ(error_of(file_of(R"({"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 12]}})", data)),
            prefix + "lies outside the data");
  EXPECT_EQ(error_of(file_of(R"({"t": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})", data)),
            prefix + "has a shape that does not match its byte range");
  // 2^62 floats would be 2^64 bytes: a product that wraps must not match an empty range.
  EXPECT_EQ(
      error_of(file_of(R"({"t": {"dtype": "F32", "shape": [1073741824, 1073741824, 4], "data_offsets": [0, 0]}})")),
      prefix + "has a shape that does not match its byte range");
}

TEST(Safetensors, RangesMustTileTheData) {
  const std::string prefix = "m.safetensors: not a valid safetensors file: ";
  const std::string data = floats({1, 2, 3});
  EXPECT_EQ(error_of(file_of(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", data)),
            prefix + "tensor data has gaps or overlaps");
  EXPECT_EQ(error_of(file_of(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                  "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
                             data)),
            prefix + "tensor data has gaps or overlaps");
  EXPECT_EQ(error_of(file_of(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", data)),
            prefix + "4 bytes after the last tensor");
}

}  // namespace
}  // namespace vgsales
