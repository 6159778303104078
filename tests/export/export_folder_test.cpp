// Tests for src/export/export_folder.cpp: version numbering, refusal and overwrite, format selection, and
// that every failure leaves no version folder behind.
#include "export/export_folder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "export_test_support.h"

namespace vgsales {
namespace {
namespace fs = std::filesystem;

using testing::make_synthetic_network;
using testing::read_text_file;
using testing::TemporaryDirectory;
using testing::write_text_file;

fs::path make_model_dir(const TemporaryDirectory& root,
                        const PortableNetwork& network = make_synthetic_network(3, {4})) {
  testing::point_at_torchscript_plugin();
  return testing::write_synthetic_model_directory(root / "model", network);
}

ExportRequest request_for(const fs::path& model_dir, const fs::path& base, const std::string& format = "all") {
  ExportRequest request;
  request.model_dir = model_dir;
  request.base = base;
  const auto formats = parse_export_formats(format);
  EXPECT_TRUE(formats.ok());
  if (formats.ok()) request.formats = formats.value();
  return request;
}

std::vector<std::string> listing(const fs::path& folder) {
  std::vector<std::string> names;
  if (!fs::exists(folder)) return names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ExportFolderTest, NewBaseGetsVersionOneWithEveryFile) {
  TemporaryDirectory root;
  const auto summary = export_model(request_for(make_model_dir(root), root / "serving"));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->version, 1);
  EXPECT_EQ(summary->folder, root / "serving" / "1");
  EXPECT_EQ(listing(root / "serving"), (std::vector<std::string>{"1"})) << "no staging folder may remain";
  EXPECT_EQ(listing(summary->folder),
            (std::vector<std::string>{"SHA256SUMS", "frozen_graph.encoded.pb", "frozen_graph.pb", "model.encoded.onnx",
                                      "model.json", "model.onnx", "model.pt", "model.safetensors", "saved_model.pb"}));
  // The model's own files are copied byte for byte, so the version folder is itself a model directory.
  EXPECT_EQ(read_text_file(summary->folder / "model.json"), read_text_file(root / "model" / "model.json"));
  EXPECT_EQ(read_text_file(summary->folder / "model.safetensors"),
            read_text_file(root / "model" / "model.safetensors"));
  EXPECT_TRUE(load_model(summary->folder).ok());
  EXPECT_GT(fs::file_size(summary->folder / "saved_model.pb"), fs::file_size(summary->folder / "frozen_graph.pb"));
  const auto checked = testing::run_command("cd " + testing::shell_quote(summary->folder.string()) +
                                            " && sha256sum --check --strict SHA256SUMS");
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("model.onnx: OK"), std::string::npos) << checked.out;
}

TEST(ExportFolderTest, NextVersionFollowsTheHighestNumericFolder) {
  TemporaryDirectory root;
  const fs::path base = root / "serving";
  EXPECT_EQ(next_export_version(base).value(), 1);
  for (const char* name : {"1", "7", "00012", "latest", "3x", ".13.staging-abc"}) fs::create_directories(base / name);
  write_text_file(base / "40", "a file, not a version");
  EXPECT_EQ(next_export_version(base).value(), 13);
  const auto summary = export_model(request_for(make_model_dir(root, make_synthetic_network(2, {3})), base, "onnx"));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->version, 13);
  EXPECT_EQ(listing(base / "13"), (std::vector<std::string>{"SHA256SUMS", "model.encoded.onnx", "model.json",
                                                            "model.onnx", "model.safetensors"}));
}

TEST(ExportFolderTest, ExplicitVersionAndFormatSelection) {
  TemporaryDirectory root;
  const fs::path model_dir = make_model_dir(root, make_synthetic_network(2, {3}));
  ExportRequest request = request_for(model_dir, root / "serving", "savedmodel");
  request.version = 42;
  const auto summary = export_model(request);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(listing(root / "serving" / "42"),
            (std::vector<std::string>{"SHA256SUMS", "frozen_graph.encoded.pb", "frozen_graph.pb", "model.json",
                                      "model.safetensors", "saved_model.pb"}));
  request = request_for(model_dir, root / "serving", "torchscript");
  const auto copies = export_model(request);
  ASSERT_TRUE(copies.ok()) << copies.error().message;
  EXPECT_EQ(copies->version, 43);
  EXPECT_EQ(listing(root / "serving" / "43"),
            (std::vector<std::string>{"SHA256SUMS", "model.json", "model.pt", "model.safetensors"}));
}

TEST(ExportFolderTest, ExistingVersionIsRefusedUnlessOverwrite) {
  TemporaryDirectory root;
  const fs::path model_dir = make_model_dir(root, make_synthetic_network(2, {3}));
  write_text_file(root / "serving" / "2" / "marker", "old export");
  ExportRequest request = request_for(model_dir, root / "serving", "onnx");
  request.version = 2;
  const auto refused = export_model(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::already_exists);
  EXPECT_NE(refused.error().message.find("--overwrite"), std::string::npos) << refused.error().message;
  EXPECT_EQ(listing(root / "serving" / "2"), (std::vector<std::string>{"marker"}));

  request.overwrite = true;
  const auto replaced = export_model(request);
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_EQ(listing(root / "serving" / "2"), (std::vector<std::string>{"SHA256SUMS", "model.encoded.onnx", "model.json",
                                                                       "model.onnx", "model.safetensors"}));
  EXPECT_EQ(listing(root / "serving"), (std::vector<std::string>{"2"}));
}

TEST(ExportFolderTest, MissingOrDamagedModelWritesNothing) {
  TemporaryDirectory root;
  const fs::path model_dir = make_model_dir(root);
  fs::copy(model_dir, root / "damaged", fs::copy_options::recursive);
  fs::remove(model_dir / "model.safetensors");
  const auto missing = export_model(request_for(model_dir, root / "serving"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("model.safetensors: missing"), std::string::npos) << missing.error().message;
  std::string weights = read_text_file(root / "damaged" / "model.safetensors");
  weights[weights.size() / 2] ^= 0x40;
  write_text_file(root / "damaged" / "model.safetensors", weights);
  const auto damaged = export_model(request_for(root / "damaged", root / "serving"));
  ASSERT_FALSE(damaged.ok());
  EXPECT_NE(damaged.error().message.find("damaged"), std::string::npos) << damaged.error().message;
  EXPECT_TRUE(listing(root / "serving").empty());
}

TEST(ExportFolderTest, UnwritableDestinationIsAnIoError) {
  TemporaryDirectory root;
  write_text_file(root / "not_a_folder", "plain file");
  const auto result = export_model(request_for(make_model_dir(root), root / "not_a_folder" / "serving"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::io);
  EXPECT_NE(result.error().message.find("not_a_folder"), std::string::npos) << result.error().message;
  EXPECT_EQ(read_text_file(root / "not_a_folder"), "plain file");
}

TEST(ExportFolderTest, UnknownFormatIsAUsageError) {
  const auto formats = parse_export_formats("tflite");
  ASSERT_FALSE(formats.ok());
  EXPECT_EQ(formats.error().kind, ErrorKind::usage);
  EXPECT_NE(formats.error().message.find("tflite"), std::string::npos);
  EXPECT_EQ(parse_export_formats("all").value().size(), 3u);
  for (const std::string& name : export_format_names()) EXPECT_TRUE(parse_export_formats(name).ok()) << name;
}

}  // namespace
}  // namespace vgsales
