// Tests for src/model/model_directory.cpp, safetensors.cpp and model_predictor.cpp: the files `train` writes, their
// checksums checked by coreutils and by every load, an independent reader of the weights, and damage reported.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>

#include "model/model_directory.h"
#include "model/native_forward.h"
#include "model/predictor.h"
#include "model/safetensors.h"
#include "model_fixtures.h"

namespace vgsales {
namespace {

namespace fs = std::filesystem;
using testing::TemporaryDirectory;

std::string label(size_t row) { return "row " + std::to_string(row); }

// Overwrites `count` bytes in the middle of a file, as a disk or copy error would.
void flip_bytes(const fs::path& path, size_t count) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(0, std::ios::end);
  const auto size = static_cast<size_t>(file.tellg());
  file.seekp(static_cast<std::streamoff>(size / 2));
  for (size_t i = 0; i < count && size / 2 + i < size; ++i) file.put('\x5a');
}

fs::path copy_model(const TemporaryDirectory& dir, const std::string& name) {
  fs::copy(dir / "model", dir / name, fs::copy_options::recursive);
  return dir / name;
}

TEST(ModelDirectory, WritesModelWeightsCheckpointAndChecksumsThatCoreutilsAccepts) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  for (const char* name : {kMetadataFileName, kWeightsFileName, kCheckpointFileName, kChecksumFileName})
    EXPECT_TRUE(fs::exists(dir / "model" / name)) << name;
  EXPECT_FALSE(fs::exists(dir / "model" / kTorchScriptFileName));  // TorchScript is an export format now
  const auto checked = testing::run_command("cd " + testing::shell_quote((dir / "model").string()) +
                                            " && sha256sum --check --strict SHA256SUMS");
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("model.safetensors: OK"), std::string::npos) << checked.out;
  auto model = load_model(dir / "model");
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->network.input_width(), 9);
  ASSERT_EQ(model->network.members.size(), 5u);  // the default ensemble
  ASSERT_EQ(model->network.members[0].size(), 3u);
  EXPECT_EQ(model->network.members[0][0].output_size, 8);
  EXPECT_EQ(model->network.layers[0].output_size, 5 * 8);  // the fused form: the members side by side
  EXPECT_EQ(model->network.output_name, "earnings");
}

TEST(ModelDirectory, WeightsReadByAnIndependentSafetensorsReader) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  auto model = load_model(dir / "model");
  ASSERT_TRUE(model.ok());
  // Python's struct + json + numpy, following the format's published layout, not our reader.
  const std::string script = R"(
import json, struct, sys
import numpy as np
data = open(sys.argv[1], 'rb').read()
(size,) = struct.unpack('<Q', data[:8])
header = json.loads(data[8:8 + size])
body = data[8 + size:]
for name in sorted(k for k in header if k != '__metadata__'):
    info = header[name]
    begin, end = info['data_offsets']
    values = np.frombuffer(body[begin:end], dtype='<f4').reshape(info['shape'])
    print(name, info['dtype'], 'x'.join(map(str, info['shape'])), repr(float(values.flat[0])), repr(float(values.flat[-1])))
)";
  testing::write_text_file(dir / "read.py", script);
  const auto read = testing::run_command(std::string(VGSALES_SYSTEM_PYTHON) + " " + (dir / "read.py").string() + " " +
                                         (dir / "model" / kWeightsFileName).string());
  ASSERT_EQ(read.exit_code, 0) << read.err;
  // The default ensemble: member 1's tensors (the fused form in memory is never written).
  ASSERT_FALSE(model->network.members.empty());
  const DenseLayer& first = model->network.members[0].front();
  const DenseLayer& last = model->network.members[0].back();
  // The first and last values of each tensor, as Python's float() prints them, equal ours.
  auto python_float = [](float v) {
    const auto out =
        testing::run_command(std::string(VGSALES_SYSTEM_PYTHON) +
                             " -c 'import struct; print(repr(float(struct.unpack(\"<f\", struct.pack(\"<I\", " +
                             std::to_string(std::bit_cast<std::uint32_t>(v)) + "))[0])))'");
    return out.out.substr(0, out.out.find('\n'));
  };
  EXPECT_NE(read.out.find("member_1.layer_1.bias F32 8 " + python_float(first.bias.front()) + " " +
                          python_float(first.bias.back())),
            std::string::npos)
      << read.out;
  EXPECT_NE(read.out.find("member_1.output.weight F32 " + std::to_string(last.output_size) + "x4 " +
                          python_float(last.weight.front()) + " " + python_float(last.weight.back())),
            std::string::npos)
      << read.out;
}

TEST(ModelDirectory, SafetensorsRejectsDamagedHeadersAndRanges) {
  SafetensorsFile file;
  file.metadata["format"] = "test";
  file.tensors["a"] = FloatTensor{{2, 2}, {1, 2, 3, 4}};
  file.tensors["b"] = FloatTensor{{3}, {5, 6, 7}};
  const std::string bytes = serialize_safetensors(file);
  auto read = parse_safetensors(bytes, "x.safetensors");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->tensors.at("a").values, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(read->tensors.at("b").shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(read->metadata.at("format"), "test");
  std::uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), 8);
  EXPECT_EQ(header_size % 8, 0u);  // header padded to 8 bytes, so the data is aligned
  for (const std::string& damaged : {bytes.substr(0, 5), bytes.substr(0, bytes.size() - 4), bytes + "xxxx",
                                     std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8) + bytes.substr(8)}) {
    auto result = parse_safetensors(damaged, "x.safetensors");
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.find("x.safetensors: not a valid safetensors file"), std::string::npos)
        << result.error().message;
  }
}

TEST(ModelDirectory, NativeAndBatchedPathsAgree) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  auto predictor = load_predictor(dir / "model");
  ASSERT_TRUE(predictor.ok()) << predictor.error().message;
  // 40 rows go through the batched GEMM tiles; each row alone through the single-row path.
  std::vector<RawCell> rows;
  for (int r = 0; r < 40; ++r)
    for (float v : {2.0f + r % 7 * 0.5f, float(r % 2), float(r % 3 == 0), 0.0f, 1.0f, float(r % 5 == 0), 0.0f, 1.0f,
                    r % 2 ? 59.99f : 39.99f})
      rows.push_back(RawCell::of_number(v));
  auto batched = (*predictor)->predict(rows, label);
  ASSERT_TRUE(batched.ok()) << batched.error().message;
  for (int r = 0; r < 40; ++r) {
    auto single = (*predictor)->predict(std::span<const RawCell>(rows).subspan(r * 9, 9), label);
    ASSERT_TRUE(single.ok());
    EXPECT_NEAR(single->values.at(0), batched->values.at(r), 1e-5 * std::abs(batched->values.at(r))) << "row " << r;
  }
}

TEST(ModelDirectory, EveryLoadDetectsDamageAndMissingFiles) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  struct Case {
    std::string name;
    std::function<void(const fs::path&)> damage;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"flipped_weights", [](const fs::path& d) { flip_bytes(d / kWeightsFileName, 64); },
       "model.safetensors: damaged: its SHA-256 does not match SHA256SUMS"},
      {"flipped_json", [](const fs::path& d) { flip_bytes(d / kMetadataFileName, 8); },
       "model.json: damaged: its SHA-256 does not match SHA256SUMS"},
      {"truncated_weights", [](const fs::path& d) { fs::resize_file(d / kWeightsFileName, 100); },
       "model.safetensors: damaged"},
      {"no_weights", [](const fs::path& d) { fs::remove(d / kWeightsFileName); }, "model.safetensors: missing"},
      {"no_checksums", [](const fs::path& d) { fs::remove(d / kChecksumFileName); }, "SHA256SUMS: missing"},
      {"bad_checksum_line", [](const fs::path& d) { testing::write_text_file(d / kChecksumFileName, "nonsense\n"); },
       "SHA256SUMS:1: not a '<sha256>  <file>' line"},
      {"old_format",
       [](const fs::path& d) {
         fs::remove(d / kWeightsFileName);
         fs::remove(d / kChecksumFileName);
         testing::write_text_file(d / kTorchScriptFileName, "zip");
       },
       "written by an older vgsales"},
  };
  for (const Case& c : cases) {
    const fs::path copy = copy_model(dir, c.name);
    c.damage(copy);
    auto loaded = load_predictor(copy);
    ASSERT_FALSE(loaded.ok()) << c.name;
    EXPECT_NE(loaded.error().message.find(c.expected), std::string::npos) << c.name << ": " << loaded.error().message;
  }
  // A model.json that is valid JSON but wrong, with a checksum to match: the field at fault is named.
  const fs::path edited = copy_model(dir, "edited_json");
  testing::write_text_file(edited / kMetadataFileName, "{\"format\": \"vgsales-model\", \"format_version\": 2}");
  ASSERT_TRUE(seal_model_directory(edited).ok());
  auto bad_json = load_predictor(edited);
  ASSERT_FALSE(bad_json.ok());
  EXPECT_NE(bad_json.error().message.find("field 'created'"), std::string::npos) << bad_json.error().message;

  auto nothing = load_predictor(dir / "absent");
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().kind, ErrorKind::not_found);
}

TEST(ModelDirectory, PredictorRejectsTextInNumericFeatures) {
  TemporaryDirectory dir;
  testing::train_small_model(dir, "model");
  auto predictor = load_predictor(dir / "model");
  ASSERT_TRUE(predictor.ok());
  std::vector<RawCell> row(9, RawCell::of_number(1.0));
  row[0] = RawCell::of_text("great");
  auto result = (*predictor)->predict(row, label);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "row 0: column 'critic_rating': value 'great' is not a number");
  auto wrong_width = (*predictor)->predict(std::vector<RawCell>(8, RawCell::of_number(1)), label);
  EXPECT_FALSE(wrong_width.ok());
}

}  // namespace
}  // namespace vgsales
